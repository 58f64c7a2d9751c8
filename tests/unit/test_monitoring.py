"""mlcicd.monitoring: one definition of window accuracy, shared by daily_metrics and Monitor."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mlcicd.serving
from mlcicd.data import LABEL, make_stream
from mlcicd.monitoring import Monitor, daily_metrics, window_accuracy
from mlcicd.serving import PredictionLog


def test_window_accuracy_weights_predictions_over_calendar_days():
    # days 1, 2 and 4 (day 3 missing): 10/10, 0/30, 5/10 right
    got = window_accuracy([1, 2, 4], [10, 30, 10], [10, 0, 5], window_days=3)
    np.testing.assert_allclose(got, [1.0, 10 / 40, 5 / 40])  # day 4's window is days 2-4: 0 + 5 of 30 + 10


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        (([1, 2], [1, 1], [1, 1], 0), ValueError, "window_days must be >= 1"),
        (([1, 2], [1, 1], [1, 1], 2.0), TypeError, "window_days must be an integer"),
        (([2, 1], [1, 1], [1, 1], 2), ValueError, "strictly increasing"),
        (([1, 2], [1], [1, 1], 2), ValueError, "one length"),
    ],
)
def test_window_accuracy_rejects_bad_input(args, error, match):
    with pytest.raises(error, match=match):
        window_accuracy(*args)


def test_monitor_and_daily_metrics_give_the_same_window_accuracy_for_one_model():
    stream = make_stream(6, 40, seed=3)
    stream = stream[stream["day"] != 2]  # a day without traffic: the window still counts calendar days
    rng = np.random.default_rng(0)
    monitor, log = Monitor(window_days=3), PredictionLog()
    for day, batch in stream.groupby("day"):
        predictions = np.where(rng.random(len(batch)) < 0.7, batch[LABEL], 1 - batch[LABEL])
        monitor.observe(int(day), batch, predictions, model_version=1)
        log.record(int(day), 1, predictions, labels=batch[LABEL].to_numpy())
    from_log = daily_metrics(log, window_days=3)["window_accuracy"].to_numpy()
    np.testing.assert_allclose(monitor.daily()["window_accuracy"].to_numpy(), from_log)


def test_the_monitor_window_restarts_when_a_new_version_is_deployed():
    day = make_stream(1, 20, seed=1)
    monitor = Monitor(window_days=7)
    monitor.observe(0, day, day[LABEL].to_numpy())  # all right
    monitor.reset_window()
    monitor.observe(1, day, 1 - day[LABEL].to_numpy())  # all wrong, first day of the new version
    assert monitor.daily()["window_accuracy"].tolist() == [1.0, 0.0]
    assert monitor.daily()["cumulative_accuracy"].tolist() == [1.0, 0.5]


def test_serving_still_exports_the_names_that_moved():
    assert mlcicd.serving.Monitor is Monitor and mlcicd.serving.daily_metrics is daily_metrics
    assert isinstance(mlcicd.serving.simulate_stream(n_days=2, rows_per_day=20, drift="none"), pd.DataFrame)
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = mlcicd.serving.nope
