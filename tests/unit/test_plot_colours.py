"""mlcicd.plots never carries meaning by red and green alone: each mark has a marker or line style and a label."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from mlcicd.plots import COLOURS, plot_metric_over_time, plot_rollback_timeline
from mlcicd.registry import LogEntry
from mlcicd.simulation import Action, ActionKind

RED_GREEN = {to_hex(c) for c in ("red", "green", "lime", "tab:red", "tab:green")}


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def _daily():
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
            "actions": [
                (),
                (Action(ActionKind.DEPLOYED, 1, 1),),
                (),
                (),
                (),
                (Action(ActionKind.RETRAINED, 2, 5),),
                (),
                (Action(ActionKind.ROLLED_BACK, 1, 7),),
                (),
                (),
            ],
        }
    )


def _colours(ax) -> set[str]:
    found = {to_hex(line.get_color()) for line in ax.get_lines()}
    for collection in ax.collections:
        found |= {to_hex(c) for c in collection.get_facecolor()}
    return found


def test_no_plot_uses_pure_red_or_green_and_all_colours_come_from_the_safe_palette():
    log = [
        LogEntry(1, "t1", "promote", "champion", None, 1, "initial"),
        LogEntry(2, "t2", "rollback", "champion", 1, 1, "alert"),
    ]
    axes = [
        plot_metric_over_time(_daily(), threshold=0.8, drift_day=5),
        plot_rollback_timeline(_daily()),
        plot_rollback_timeline(log),
    ]
    palette = {to_hex(c) for c in COLOURS.values()} | {to_hex("black")}
    for ax in axes:
        used = _colours(ax)
        assert not used & RED_GREEN, f"{ax.get_title()!r} uses red or green: {used & RED_GREEN}"
    # the marks that carry meaning (alert, actions, promotion/rollback markers) are all palette colours
    assert {to_hex(c) for c in axes[2].collections[0].get_facecolor()} <= palette


def test_deployment_retraining_and_rollback_differ_by_line_style_and_label_not_only_colour():
    ax = plot_rollback_timeline(_daily())
    styles = {line.get_label(): line.get_linestyle() for line in ax.get_lines() if not line.get_label().startswith("_")}
    actions = {k: styles[k] for k in ("deployment", "retraining", "rollback")}
    assert len(set(actions.values())) == 3, actions


def test_promotions_and_rollbacks_differ_by_marker_and_legend_and_the_axis_label_names_no_colour():
    log = [
        LogEntry(1, "t1", "promote", "champion", None, 1, "initial"),
        LogEntry(2, "t2", "promote", "champion", 1, 2, "retrained"),
        LogEntry(3, "t3", "rollback", "champion", 2, 1, "alert"),
    ]
    ax = plot_rollback_timeline(log)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "promotion (▲)" in legend and "rollback (▼)" in legend
    markers = {tuple(np.round(c.get_paths()[0].vertices[:, 1], 3)) for c in ax.collections}
    assert len(markers) == 2  # two different marker shapes
    assert "red" not in ax.get_xlabel() and "green" not in ax.get_xlabel()
