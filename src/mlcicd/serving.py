"""Batch serving with a prediction log: every prediction is logged with the model version that made it.

* :func:`serve_batch` predicts a batch and appends every prediction, with the model version that made it,
  to a :class:`PredictionLog`.

Monitoring the served predictions (:class:`~mlcicd.monitoring.Monitor`, alerts, window metrics) lives in
:mod:`mlcicd.monitoring`, and the 30-day stream simulation (:func:`~mlcicd.simulation.simulate_stream`) in
:mod:`mlcicd.simulation`; their public names stay importable from here (``from mlcicd.serving import Monitor``)
for the lessons and labs that use them that way.
"""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np
import pandas as pd

from mlcicd._checks import check_frame
from mlcicd.data import FEATURES, LABEL
from mlcicd.registry import ModelBundle

__all__ = ["PredictionLog", "serve_batch"]

_MOVED = {
    "Alert": "mlcicd.monitoring",
    "daily_metrics": "mlcicd.monitoring",
    "window_accuracy": "mlcicd.monitoring",
    "Monitor": "mlcicd.monitoring",
    "Action": "mlcicd.simulation",
    "ActionKind": "mlcicd.simulation",
    "StreamContext": "mlcicd.simulation",
    "DRIFT_KINDS": "mlcicd.simulation",
    "make_drifted_stream": "mlcicd.simulation",
    "simulate_stream": "mlcicd.simulation",
}


def __getattr__(name: str) -> Any:
    # The names that moved to mlcicd.monitoring and mlcicd.simulation. Those modules import this one, so they
    # cannot be imported at its top; resolving their names on first use returns the very same objects
    # (``mlcicd.serving.Monitor is mlcicd.monitoring.Monitor``).
    if name in _MOVED:
        return getattr(importlib.import_module(_MOVED[name]), name)
    raise AttributeError(f"module 'mlcicd.serving' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_MOVED])


class PredictionLog:
    """Every prediction served, one row each: request_id, day, model_version, prediction, probability, label.

    ``label`` is filled when the served frame has a ``default`` column (in the simulation the label is
    known on the day); otherwise it is missing.
    """

    COLUMNS = ("request_id", "day", "model_version", "prediction", "probability", "label")

    def __init__(self) -> None:
        self._batches: list[pd.DataFrame] = []
        self._n = 0

    def __len__(self) -> int:
        return self._n

    def record(
        self, day: Any, model_version: Any, predictions: Any, probabilities: Any = None, labels: Any = None
    ) -> None:
        """Append one batch of predictions made by ``model_version``."""
        predictions = np.asarray(predictions)
        n = len(predictions)
        if model_version is None:
            raise ValueError("every logged prediction needs a model version; pass version=")

        def column(values: Any, dtype: str, what: str) -> Any:
            if values is None:
                return pd.array([None] * n, dtype=dtype)
            arr = np.asarray(values)
            if arr.ndim == 0:
                arr = np.repeat(arr, n)
            if len(arr) != n:
                raise ValueError(f"{what} has {len(arr)} values for {n} predictions")
            return pd.array(arr, dtype=dtype)

        batch = pd.DataFrame(
            {
                "request_id": np.arange(self._n, self._n + n, dtype=np.int64),
                "day": column(day, "Int64", "day"),
                "model_version": pd.array([str(model_version)] * n, dtype="str"),
                "prediction": predictions.astype(np.int64),
                "probability": column(probabilities, "Float64", "probabilities"),
                "label": column(labels, "Int64", "labels"),
            }
        )
        self._batches.append(batch)
        self._n += n

    def to_frame(self) -> pd.DataFrame:
        """All logged predictions as one DataFrame, oldest first."""
        if not self._batches:
            return pd.DataFrame(
                {
                    c: pd.Series(dtype=t)
                    for c, t in zip(self.COLUMNS, ("int64", "Int64", "str", "int64", "Float64", "Int64"), strict=True)
                }
            )
        return pd.concat(self._batches, ignore_index=True)


def serve_batch(
    model: Any, df: pd.DataFrame, log: PredictionLog | None = None, *, day: int | None = None, version: Any = None
) -> np.ndarray:
    """Predict every row of ``df`` and append the predictions, with the model version, to ``log``.

    ``model`` is a :class:`~mlcicd.registry.ModelBundle` (its version is logged) or any fitted model with
    ``predict``, in which case ``version=`` is required. The day logged is ``df["day"]`` when the frame has
    that column, else ``day``. Returns the predictions (0/1).
    """
    check_frame(df, "df", columns=FEATURES)
    if isinstance(model, ModelBundle):
        version = model.version if version is None else version
    elif not hasattr(model, "predict"):
        raise TypeError(f"model must be a ModelBundle or a fitted model with predict(), got {type(model).__name__}")
    if version is None:
        raise ValueError("pass version= so that every prediction is logged with the model version that made it")
    if log is not None and not isinstance(log, PredictionLog):
        raise TypeError(f"log must be a PredictionLog, got {type(log).__name__}")
    inputs = df[list(FEATURES)]
    if log is None:
        return np.asarray(model.predict(inputs))
    probabilities: np.ndarray | None
    if isinstance(model, ModelBundle):
        predictions, probabilities = model.predict_with_proba(inputs)
    else:
        predictions = np.asarray(model.predict(inputs))
        probabilities = model.predict_proba(inputs) if hasattr(model, "predict_proba") else None
    days = df["day"].to_numpy() if "day" in df.columns else day
    labels = df[LABEL].to_numpy() if LABEL in df.columns else None
    proba = None if probabilities is None else probabilities[:, 1]
    log.record(days, version, predictions, proba, labels)
    return predictions
