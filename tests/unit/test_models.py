"""mlcicd.models: the shared model, its split into preprocessing + estimator, and fitted fingerprints."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from mlcicd.data import FEATURES, LABEL, NUMERIC_FEATURES, concept_drift, make_applications, make_stream
from mlcicd.models import (
    accuracy,
    fitted_fingerprint,
    join_model,
    make_model,
    split_model,
    train_model,
)


@pytest.fixture(scope="module")
def train() -> pd.DataFrame:
    return make_stream(5, 500, seed=1)


@pytest.fixture(scope="module")
def model(train):
    return train_model(train)


def test_make_model_is_preprocess_then_logistic_regression():
    model = make_model()
    assert isinstance(model, Pipeline)
    assert [name for name, _ in model.steps] == ["preprocess", "model"]
    pre = model.named_steps["preprocess"]
    assert isinstance(pre, ColumnTransformer)
    assert [t[2] for t in pre.transformers] == [list(NUMERIC_FEATURES), ["region"]]
    assert pre.transformers[1][1].handle_unknown == "ignore"
    assert isinstance(model.named_steps["model"], LogisticRegression)


def test_trained_model_scores_about_the_documented_accuracy(model):
    # Fitting happens in the fixture with warnings turned into errors (pyproject), so it is warning-free.
    test = make_stream(10, 500, seed=2)
    assert 0.83 <= accuracy(model, test) <= 0.87


def test_concept_drift_lowers_accuracy(model):
    drifted = concept_drift(make_stream(10, 500, seed=2), 0, seed=3)
    assert accuracy(model, drifted) < 0.7


def test_same_data_same_coefficients(train, model):
    again = train_model(train)
    np.testing.assert_array_equal(again.named_steps["model"].coef_, model.named_steps["model"].coef_)


def test_unseen_region_is_encoded_not_rejected(model):
    batch = make_stream(1, 20, seed=4)
    batch.loc[0, "region"] = "atlantis"
    assert model.predict(batch[list(FEATURES)]).shape == (20,)


def test_split_and_join_give_identical_predictions(model, train):
    pre, est = split_model(model)
    np.testing.assert_array_equal(join_model(pre, est).predict(train), model.predict(train))
    np.testing.assert_array_equal(est.predict(pre.transform(train)), model.predict(train))


def test_fitted_fingerprint_survives_pickle_and_tells_fits_apart(model):
    pre, est = split_model(model)
    assert fitted_fingerprint(pre) == fitted_fingerprint(pickle.loads(pickle.dumps(pre)))
    assert fitted_fingerprint(est) == fitted_fingerprint(pickle.loads(pickle.dumps(est)))
    other_pre, _ = split_model(train_model(make_stream(5, 500, seed=9)))
    assert fitted_fingerprint(other_pre) != fitted_fingerprint(pre)
    assert len(fitted_fingerprint(pre)) == 64


@pytest.mark.parametrize(
    "call, error",
    [
        (lambda: make_model("0"), TypeError),
        (lambda: make_model(True), TypeError),
        (lambda: train_model([1, 2]), TypeError),
        (lambda: train_model(make_stream(1, 10).drop(columns=["income"])), KeyError),
        (lambda: train_model(make_stream(1, 10).iloc[:0]), ValueError),
        (lambda: train_model(make_stream(1, 50).assign(default=0)), ValueError),
        (lambda: split_model(LogisticRegression()), TypeError),
        (lambda: fitted_fingerprint({"not": "an estimator"}), TypeError),
    ],
)
def test_bad_input_raises_one_clear_error(call, error):
    with pytest.raises(error):
        call()


def test_single_class_error_names_the_label():
    with pytest.raises(ValueError, match=LABEL):
        train_model(make_stream(1, 50).assign(default=0))


def test_a_random_forest_has_a_stable_fitted_fingerprint_that_follows_its_seed():
    from sklearn.ensemble import RandomForestClassifier

    df = make_applications(400, seed=0)

    def forest(seed):
        return (
            make_model()
            .set_params(model=RandomForestClassifier(n_estimators=5, random_state=seed))
            .fit(df[list(FEATURES)], df[LABEL].to_numpy())
        )

    assert fitted_fingerprint(forest(0)) == fitted_fingerprint(forest(0))  # no memory address in the digest
    assert fitted_fingerprint(forest(0)) != fitted_fingerprint(forest(1))
