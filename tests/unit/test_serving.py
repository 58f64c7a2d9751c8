"""mlcicd.serving: the prediction log, daily metrics, the monitor's alerts and the stream simulation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mlcicd.data import FEATURES, LABEL, covariate_drift, inject_fault, make_stream
from mlcicd.models import train_model
from mlcicd.registry import ModelRegistry, RegistryError
from mlcicd.serving import (
    DRIFT_KINDS,
    Alert,
    Monitor,
    PredictionLog,
    daily_metrics,
    make_drifted_stream,
    serve_batch,
    simulate_stream,
)
from mlcicd.simulation import Action, ActionKind

DAILY_COLUMNS = [
    "day",
    "n",
    "accuracy",
    "cumulative_accuracy",
    "window_accuracy",
    "drift_share",
    "drifted_columns",
    "model_version",
    "alert",
    "alert_kinds",
    "action",
    "actions",
]


@pytest.fixture(scope="module")
def train():
    return make_stream(5, 500, seed=[0, 1])


@pytest.fixture(scope="module")
def model(train):
    return train_model(train)


@pytest.fixture(scope="module")
def concept_daily():
    return simulate_stream(drift="concept", drift_day=15)


def test_serve_batch_logs_every_prediction_with_its_version(model):
    log = PredictionLog()
    batch = make_stream(2, 50, seed=3)
    predictions = serve_batch(model, batch, log, version="v7")
    np.testing.assert_array_equal(predictions, model.predict(batch[list(FEATURES)]))
    frame = log.to_frame()
    assert list(frame.columns) == list(PredictionLog.COLUMNS)
    assert len(log) == len(frame) == 100
    assert set(frame["model_version"]) == {"v7"}
    assert frame["day"].tolist() == batch["day"].tolist()
    assert frame["label"].tolist() == batch[LABEL].tolist()
    np.testing.assert_allclose(
        frame["probability"].to_numpy(dtype=float), model.predict_proba(batch[list(FEATURES)])[:, 1]
    )
    serve_batch(model, batch.drop(columns=["day", LABEL]), log, day=5, version="v8")
    frame = log.to_frame()
    assert frame["request_id"].tolist() == list(range(200))
    assert frame["day"].iloc[100:].tolist() == [5] * 100 and frame["label"].iloc[100:].isna().all()


def test_serve_batch_takes_the_version_from_a_bundle(tmp_path, model, train):
    reg = ModelRegistry(tmp_path)
    reg.register(model, train_data=train, code_version="a")
    log = PredictionLog()
    serve_batch(reg.load(1), make_stream(1, 10, seed=3), log)
    assert set(log.to_frame()["model_version"]) == {"1"}


def test_a_bundle_logs_what_predict_and_predict_proba_give(tmp_path, model, train):
    reg = ModelRegistry(tmp_path)
    reg.register(model, train_data=train, code_version="a")
    bundle, batch, log = reg.load(1), make_stream(1, 200, seed=4), PredictionLog()
    predictions = serve_batch(bundle, batch, log)
    logged = log.to_frame()
    np.testing.assert_array_equal(predictions, bundle.predict(batch))
    np.testing.assert_array_equal(logged["prediction"].to_numpy(dtype=int), bundle.predict(batch))
    np.testing.assert_allclose(
        logged["probability"].to_numpy(dtype=float), bundle.predict_proba(batch)[:, 1], rtol=0, atol=0
    )


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda m: serve_batch(m, make_stream(1, 10), PredictionLog()), ValueError, "version="),
        (lambda m: serve_batch(m, make_stream(1, 10).to_numpy(), version=1), TypeError, "DataFrame"),
        (lambda m: serve_batch(m, make_stream(1, 10).drop(columns=["income"]), version=1), KeyError, "income"),
        (lambda m: serve_batch(m, make_stream(1, 10).iloc[:0], version=1), ValueError, "empty"),
        (lambda m: serve_batch("model", make_stream(1, 10), version=1), TypeError, "predict"),
        (lambda m: serve_batch(m, make_stream(1, 10), log=[], version=1), TypeError, "PredictionLog"),
    ],
)
def test_serve_batch_bad_input(model, call, error, match):
    with pytest.raises(error, match=match):
        call(model)


def crafted_log() -> PredictionLog:
    """Day 0: 4 of 4 right, day 1: 1 of 2 right, day 2: 0 of 2 right."""
    log = PredictionLog()
    log.record(0, 1, [1, 0, 1, 0], labels=[1, 0, 1, 0])
    log.record(1, 1, [1, 1], labels=[1, 0])
    log.record(2, 2, [0, 0], labels=[1, 1])
    log.record(3, 2, [0], labels=None)  # unlabelled rows are ignored
    return log


def test_daily_metrics_cumulative_and_window_values():
    daily = daily_metrics(crafted_log(), window_days=2)
    assert daily["day"].tolist() == [0, 1, 2]
    assert daily["n"].tolist() == [4, 2, 2]
    np.testing.assert_allclose(daily["accuracy"], [1.0, 0.5, 0.0])
    np.testing.assert_allclose(daily["cumulative_accuracy"], [1.0, 5 / 6, 5 / 8])
    np.testing.assert_allclose(daily["window_accuracy"], [1.0, 5 / 6, 1 / 4])
    assert daily["model_version"].tolist() == ["1", "1", "2"]


def test_daily_metrics_bad_input():
    with pytest.raises(ValueError, match="window_days"):
        daily_metrics(crafted_log(), window_days=0)
    empty = PredictionLog()
    empty.record(0, 1, [1], labels=None)
    with pytest.raises(ValueError, match="labelled"):
        daily_metrics(empty)
    with pytest.raises(TypeError):
        daily_metrics([1, 2, 3])


def test_monitor_raises_a_performance_alert_when_the_window_falls_below_threshold():
    monitor = Monitor(window_days=2, threshold=0.75)
    day = make_stream(1, 100, seed=5)
    labels = day[LABEL].to_numpy()
    assert monitor.observe(0, day, labels, model_version=1) == []
    assert monitor.observe(1, day, labels, model_version=1) == []
    half_wrong = labels.copy()
    half_wrong[:50] = 1 - half_wrong[:50]
    assert monitor.observe(2, day, half_wrong, model_version=1) == []  # window (2 days) = 0.75, not below
    alerts = monitor.observe(3, day, half_wrong, model_version=1)
    assert [(a.day, a.kind, a.metric, a.value, a.threshold) for a in alerts] == [
        (3, "performance", "window_accuracy", 0.5, 0.75)
    ]
    assert monitor.alerts == alerts
    monitor.reset_window()
    assert monitor.observe(4, day, labels, model_version=2) == []  # a new model starts a new window
    daily = monitor.daily()
    assert daily["alert"].tolist() == [False, False, False, True, False]
    np.testing.assert_allclose(daily["cumulative_accuracy"].iloc[-1], 4 / 5)


def test_monitor_raises_a_drift_alert_on_dataset_drift_only():
    reference = make_stream(4, 500, seed=6)
    monitor = Monitor(reference, threshold=0.0, drift_share=0.25)
    quiet = make_stream(1, 500, seed=7)
    assert monitor.observe(0, quiet, quiet[LABEL].to_numpy()) == []
    shifted = covariate_drift(quiet, 0, shift={"income": -25.0, "credit_score": -80.0, "age": 15.0}, seed=1)
    alerts = monitor.observe(1, shifted, shifted[LABEL].to_numpy())
    assert len(alerts) == 1 and alerts[0].kind == "drift"
    assert set(alerts[0].columns) >= {"income", "credit_score", "age"}
    assert alerts[0].value >= 0.25
    frame = monitor.alerts_frame()
    assert frame["kind"].tolist() == ["drift"]


def test_monitor_bad_input():
    with pytest.raises(ValueError, match="threshold"):
        Monitor(threshold=1.5)
    with pytest.raises(ValueError, match="window_days"):
        Monitor(window_days=0)
    monitor = Monitor()
    day = make_stream(1, 10, seed=1)
    with pytest.raises(ValueError, match="predictions"):
        monitor.observe(0, day, [1, 0])
    with pytest.raises(KeyError, match=LABEL):
        monitor.observe(0, day.drop(columns=[LABEL]), np.zeros(10))
    with pytest.raises(KeyError, match="income"):
        Monitor(make_stream(1, 10).drop(columns=["income"]))


def test_simulate_stream_returns_one_tidy_row_per_day(concept_daily):
    assert list(concept_daily.columns) == DAILY_COLUMNS
    assert concept_daily["day"].tolist() == list(range(30))
    assert (concept_daily["n"] == 500).all()
    assert concept_daily["alert"].dtype == bool


def test_concept_drift_first_alert_within_a_day_of_the_drift(concept_daily):
    alert_days = concept_daily.loc[concept_daily["alert"], "day"]
    assert 15 <= alert_days.min() <= 16
    assert set(concept_daily.loc[concept_daily["alert"], "alert_kinds"]) == {"performance"}  # inputs did not move
    before = concept_daily[concept_daily["day"] < 15]["accuracy"].mean()
    after = concept_daily[concept_daily["day"] >= 15]["accuracy"].mean()
    assert before > 0.83 and after < 0.70


def test_no_drift_no_alert():
    daily = simulate_stream(drift="none")
    assert not daily["alert"].any()
    assert (daily["model_version"] == 1).all()


def test_prior_drift_raises_a_drift_alert():
    daily = simulate_stream(drift="prior", drift_day=15)
    drift_days = daily.loc[daily["alert_kinds"].str.contains("drift"), "day"]
    assert not drift_days.empty and drift_days.min() >= 15


def test_simulation_is_seeded(concept_daily):
    pd.testing.assert_frame_equal(simulate_stream(drift="concept", drift_day=15), concept_daily)
    assert not simulate_stream(drift="concept", drift_day=15, seed=1)["accuracy"].equals(concept_daily["accuracy"])


def test_retraining_recovers_accuracy_that_skipping_loses(concept_daily):
    retrained = simulate_stream(drift="concept", drift_day=15, on_alert="retrain")
    first = retrained.loc[retrained["alert"], "day"].min()
    assert retrained.loc[first, "action"] == "retrained v2"
    assert retrained.loc[first, "actions"] == (Action(ActionKind.RETRAINED, 2, int(first)),)
    assert (retrained.loc[retrained["day"] > first, "model_version"] >= 2).all()
    late = retrained["day"] >= 20
    assert retrained.loc[late, "accuracy"].mean() > concept_daily.loc[late, "accuracy"].mean() + 0.1


def test_bad_deploy_is_rolled_back_and_old_predictions_return(tmp_path):
    reg = ModelRegistry(tmp_path)
    good = make_stream(5, 500, seed=5)
    reg.promote(reg.register(train_model(good), train_data=good, code_version="good"), reason="initial")
    broken = inject_fault(good, "unit_x1000")  # income in dollars instead of thousands
    bad = reg.register(train_model(broken), train_data=broken, code_version="bad")
    log = PredictionLog()
    daily = simulate_stream(drift="none", registry=reg, deploy={10: bad}, on_alert="rollback", log=log)
    assert daily.loc[10, "model_version"] == 2 and daily.loc[10, "alert"]
    assert daily.loc[10, "action"] == "deployed v2 ; rolled back to v1"
    assert daily.loc[10, "actions"] == (Action(ActionKind.DEPLOYED, 2, 10), Action(ActionKind.ROLLED_BACK, 1, 10))
    assert [a.effective_day for a in daily.loc[10, "actions"]] == [10, 11]
    assert daily.loc[daily["day"] != 10, "actions"].map(len).eq(0).all()
    assert (daily.loc[11:, "model_version"] == 1).all()
    assert [e.action for e in reg.log] == ["promote", "promote", "rollback"]
    frame = log.to_frame()
    stream = make_drifted_stream("none")
    day12 = stream[stream["day"] == 12]
    served = frame[frame["day"] == 12]
    assert set(served["model_version"]) == {"1"}
    np.testing.assert_array_equal(served["prediction"].to_numpy(), reg.load(1).predict(day12))


def test_a_custom_hook_sees_the_context_and_can_act():
    seen = []

    def hook(ctx):
        seen.append((ctx.day, [a.kind for a in ctx.alerts], int(ctx.seen["day"].max())))
        return "paged the on-call engineer"

    daily = simulate_stream(drift="concept", n_days=20, drift_day=10, on_alert=hook)
    assert seen and all(day == last for day, _, last in seen)
    assert daily.loc[daily["alert"], "action"].eq("paged the on-call engineer").all()
    assert daily["actions"].map(len).eq(0).all(), "a hook's plain text is not a structured Action"


def test_make_drifted_stream_kinds():
    base = make_drifted_stream("none", n_days=4, rows_per_day=50)
    for kind in DRIFT_KINDS:
        frame = make_drifted_stream(kind, 2, n_days=4, rows_per_day=50)
        early = frame["day"] < 2
        pd.testing.assert_frame_equal(frame[early].reset_index(drop=True), base[early].reset_index(drop=True))
    cov = make_drifted_stream("covariate", 2, n_days=4, rows_per_day=50)
    assert cov.loc[cov["day"] >= 2, "income"].mean() < base.loc[base["day"] >= 2, "income"].mean() - 10


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"drift": "sudden"}, ValueError, "unknown drift"),
        ({"on_alert": "panic"}, ValueError, "on_alert"),
        ({"on_alert": 3}, TypeError, "on_alert"),
        ({"stream": make_stream(2, 10).drop(columns=["day"])}, KeyError, "day"),
        ({"stream": "data.csv"}, TypeError, "DataFrame"),
        ({"seed": -1}, ValueError, "seed"),
        ({"seed": "0"}, TypeError, "seed"),
        ({"registry": "registry/"}, TypeError, "ModelRegistry"),
        ({"window_days": 0}, ValueError, "window_days"),
        ({"deploy": {1: 9}}, RegistryError, "version 9 is not registered"),
        ({"deploy": {99: 1}}, ValueError, "day 99"),
    ],
)
def test_simulate_stream_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        simulate_stream(**{"n_days": 3, "rows_per_day": 20, **kwargs})


def test_alert_to_dict_round_trip():
    alert = Alert(3, "drift", "drift_share", 0.6, 0.5, 2, ("income", "age"), "msg")
    assert alert.to_dict()["columns"] == "income,age"
