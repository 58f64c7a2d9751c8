"""mlcicd.plots: each figure returns labelled Axes and never calls show()."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.axes import Axes

from mlcicd.plots import (
    axis_label,
    plot_distributions,
    plot_metric_over_time,
    plot_rollback_timeline,
)
from mlcicd.registry import LogEntry
from mlcicd.serving import Alert, make_drifted_stream
from mlcicd.simulation import Action, ActionKind


@pytest.fixture(autouse=True)
def no_show(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("mlcicd.plots must never call show()")

    monkeypatch.setattr(plt, "show", refuse)
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def stream():
    return make_drifted_stream("covariate", 15, n_days=20, rows_per_day=200)


@pytest.fixture(scope="module")
def daily():
    import pandas as pd

    days = np.arange(10)
    accuracy = np.where(days < 5, 0.85, 0.65)
    return pd.DataFrame(
        {
            "day": days,
            "accuracy": accuracy,
            "window_accuracy": accuracy,
            "cumulative_accuracy": accuracy,
            "model_version": [1] * 6 + [2] * 2 + [1] * 2,
            "alert": days >= 5,
            "action": [""] * 5 + ["retrained v2", "", "rolled back to v1", "", ""],
            "actions": [()] * 5
            + [(Action(ActionKind.RETRAINED, 2, 5),), (), (Action(ActionKind.ROLLED_BACK, 1, 7),), (), ()],
        }
    )


def assert_labelled(ax):
    assert isinstance(ax, Axes)
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()


def test_numeric_distribution_before_and_after_drift(stream):
    ax = plot_distributions(
        stream[stream["day"] < 15], stream[stream["day"] >= 15], "income", labels=("before", "after")
    )
    assert_labelled(ax)
    assert ax.get_xlabel() == "income (thousand $ per year)"
    assert "before" in ax.get_title() and len(ax.patches) == 60  # 30 bins x 2 samples


def test_categorical_distribution_shows_shares(stream):
    ax = plot_distributions(stream, stream, "region")
    assert_labelled(ax)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["east", "north", "south", "west"]
    assert ax.get_ylabel() == "share of rows"


def test_metric_over_time_marks_drift_day_alerts_and_threshold(daily):
    ax = plot_metric_over_time(
        daily, drift_day=5, alerts=[Alert(5, "performance", "window_accuracy", 0.65, 0.8, 1)], threshold=0.8
    )
    assert_labelled(ax)
    labels = [line.get_label() for line in ax.get_lines()]
    assert "drift starts (day 5)" in labels and "alert threshold 0.8" in labels
    alerts = ax.collections[0].get_offsets()
    np.testing.assert_allclose(alerts, [[5, 0.65]])


def test_metric_over_time_takes_alerts_from_the_daily_frame(daily):
    ax = plot_metric_over_time(daily, alerts=daily)
    assert len(ax.collections[0].get_offsets()) == 5


def test_rollback_timeline_from_daily_frame(daily):
    ax = plot_rollback_timeline(daily)
    assert_labelled(ax)
    labels = [line.get_label() for line in ax.get_lines()]
    assert {"serving version", "retraining", "rollback"} <= set(labels)
    # each change is drawn on the first day its version served: the day after the alert that caused it
    marks = {line.get_label(): line.get_xdata()[0] for line in ax.get_lines() if line.get_label() != "serving version"}
    assert marks == {"retraining": 6, "rollback": 8}


def test_rollback_timeline_from_registry_log():
    log = [
        LogEntry(1, "t1", "promote", "champion", None, 1, "initial"),
        LogEntry(2, "t2", "promote", "champion", 1, 2, "retrained"),
        LogEntry(3, "t3", "promote", "challenger", None, 2, "shadow"),
        LogEntry(4, "t4", "rollback", "champion", 2, 1, "alert"),
    ]
    ax = plot_rollback_timeline(log)
    assert_labelled(ax)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1", "2", "3"]  # champion entries only


def test_plots_draw_on_a_given_axes(stream):
    _, (left, right) = plt.subplots(1, 2)
    assert plot_distributions(stream, stream, "age", ax=left) is left
    assert plot_distributions(stream, stream, "region", ax=right) is right


@pytest.mark.parametrize(
    "call, error",
    [
        (lambda s, d: plot_distributions(s.to_numpy(), s, "age"), TypeError),
        (lambda s, d: plot_distributions(s, s, "salary"), KeyError),
        (lambda s, d: plot_distributions(s.assign(age=np.nan), s, "age"), ValueError),
        (lambda s, d: plot_distributions(s, s, "age", ax="left"), TypeError),
        (lambda s, d: plot_metric_over_time([0.8, 0.7]), TypeError),
        (lambda s, d: plot_metric_over_time(d.drop(columns=["accuracy"])), KeyError),
        (lambda s, d: plot_metric_over_time(d.iloc[:0]), ValueError),
        (lambda s, d: plot_metric_over_time(d, alerts=3.5), TypeError),
        (lambda s, d: plot_rollback_timeline(42), TypeError),
        (lambda s, d: plot_rollback_timeline([]), ValueError),
    ],
)
def test_bad_input_raises_one_clear_error(stream, daily, call, error):
    with pytest.raises(error):
        call(stream, daily)


def test_axis_label_adds_units():
    assert axis_label("age") == "age (years)"
    assert axis_label("unknown") == "unknown"
