"""The one model the course trains everywhere, and helpers to split it into preprocessing and estimator.

:func:`make_model` builds an *unfitted* scikit-learn pipeline with two named steps:

* ``"preprocess"``: a :class:`~sklearn.compose.ColumnTransformer` that standardises the six numeric features
  and one-hot encodes ``region`` (an unseen region is encoded as all zeros instead of raising);
* ``"model"``: a :class:`~sklearn.linear_model.LogisticRegression`.

The registry stores the two steps as separate artifacts (:func:`split_model`) and refuses to join an
estimator with a preprocessor it was not trained with; :func:`fitted_fingerprint` is how it tells them apart.
"""

from __future__ import annotations

import hashlib
import pickle
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from mlcicd._checks import check_frame, check_seed
from mlcicd.data import CATEGORICAL_FEATURES, FEATURES, LABEL, NUMERIC_FEATURES

__all__ = [
    "accuracy",
    "fitted_fingerprint",
    "join_model",
    "make_model",
    "make_preprocessor",
    "split_model",
    "train_model",
]


def make_preprocessor() -> ColumnTransformer:
    """Return the unfitted preprocessing step: StandardScaler on numeric features, one-hot ``region``."""
    return ColumnTransformer(
        [
            ("numeric", StandardScaler(), list(NUMERIC_FEATURES)),
            ("categorical", OneHotEncoder(handle_unknown="ignore"), list(CATEGORICAL_FEATURES)),
        ],
        remainder="drop",
    )


def make_model(seed: int = 0) -> Pipeline:
    """Return the course's unfitted model: ``Pipeline([("preprocess", ...), ("model", LogisticRegression)])``.

    ``seed`` is passed to ``LogisticRegression(random_state=seed)``; the default ``lbfgs`` solver is
    deterministic, so the same data gives the same coefficients whatever the seed. Fit it on
    ``df[list(FEATURES)]`` (or use :func:`train_model`); extra columns such as ``day`` are dropped by the
    preprocessor anyway.
    """
    seed = check_seed(seed)
    return Pipeline(
        [
            ("preprocess", make_preprocessor()),
            ("model", LogisticRegression(max_iter=1000, random_state=seed)),
        ]
    )


def _require_labelled(df: object, what: str = "df") -> pd.DataFrame:
    """``df`` with the features and the label, and at least one row."""
    return check_frame(df, what, columns=(*FEATURES, LABEL))


def train_model(df: pd.DataFrame, seed: int = 0) -> Pipeline:
    """Fit :func:`make_model` on the features and the ``default`` label of ``df`` and return it."""
    _require_labelled(df)
    if df[LABEL].nunique() < 2:
        raise ValueError(f"df has only one class in {LABEL!r}; training needs both 0 and 1")
    return make_model(seed).fit(df[list(FEATURES)], df[LABEL].to_numpy())


def accuracy(model: Any, df: pd.DataFrame) -> float:
    """Share of rows of ``df`` whose ``default`` label ``model.predict`` gets right."""
    _require_labelled(df)
    return float(np.mean(np.asarray(model.predict(df[list(FEATURES)])) == df[LABEL].to_numpy()))


def split_model(pipeline: Pipeline) -> tuple[Any, Any]:
    """Split a fitted two-step pipeline into ``(preprocessor, estimator)``."""
    if not isinstance(pipeline, Pipeline) or len(pipeline.steps) != 2:
        raise TypeError(
            f"expected a two-step sklearn Pipeline (preprocess, model) such as make_model() builds, "
            f"got {type(pipeline).__name__}; or pass the preprocessor and the estimator separately"
        )
    return pipeline.steps[0][1], pipeline.steps[1][1]


def join_model(preprocessor: Any, estimator: Any) -> Pipeline:
    """Rebuild a ``Pipeline([("preprocess", preprocessor), ("model", estimator)])`` from fitted parts."""
    return Pipeline([("preprocess", preprocessor), ("model", estimator)])


def _feed(h: hashlib._Hash, obj: Any, depth: int = 0) -> None:
    if depth > 50:
        raise ValueError("object nests too deeply to fingerprint")
    if isinstance(obj, np.ndarray):
        h.update(f"ndarray{obj.dtype.str}{obj.shape}".encode())
        if obj.dtype == object:
            _feed(h, obj.tolist(), depth + 1)
        else:
            h.update(np.ascontiguousarray(obj).tobytes())
    elif isinstance(obj, BaseEstimator):
        h.update(f"<{type(obj).__module__}.{type(obj).__qualname__}>".encode())
        for key in sorted(vars(obj)):
            if not key.startswith("_"):
                h.update(f"{key}=".encode())
                _feed(h, vars(obj)[key], depth + 1)
    elif isinstance(obj, dict):
        h.update(b"{")
        for key in sorted(obj, key=repr):
            _feed(h, key, depth + 1)
            _feed(h, obj[key], depth + 1)
        h.update(b"}")
    elif isinstance(obj, (list, tuple)):
        h.update(f"{type(obj).__name__}[{len(obj)}]".encode())
        for item in obj:
            _feed(h, item, depth + 1)
    elif callable(obj) and not isinstance(obj, type):
        h.update(f"callable:{getattr(obj, '__module__', '')}.{getattr(obj, '__qualname__', repr(obj))}".encode())
    elif type(obj).__repr__ is object.__repr__:
        # an object with no content in its repr (the default repr shows a memory address), such as the fitted
        # sklearn.tree._tree.Tree inside a random forest: its pickle holds its content
        h.update(f"pickle:{type(obj).__module__}.{type(obj).__qualname__}:".encode())
        h.update(pickle.dumps(obj, protocol=4))
    else:
        h.update(f"{type(obj).__name__}:{obj!r};".encode())


def fitted_fingerprint(estimator: Any) -> str:
    """Return a sha256 hex digest of an estimator's class, parameters and fitted attributes.

    Two preprocessors fitted on different data get different digests; the same fitted object gets the same
    digest before and after a pickle round trip (unlike the pickle bytes, which are not stable).
    """
    if not isinstance(estimator, BaseEstimator):
        raise TypeError(f"expected a scikit-learn estimator or transformer, got {type(estimator).__name__}")
    h = hashlib.sha256()
    _feed(h, estimator)
    return h.hexdigest()
