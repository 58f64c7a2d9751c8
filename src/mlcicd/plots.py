"""The course's few figures. Each function draws on ``ax`` (or a new figure) and returns the Axes.

Nothing here calls ``plt.show()`` or changes global style: in a notebook the figure appears at the end of the
cell; in a script, call ``ax.figure.savefig(...)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from mlcicd._checks import check_frame
from mlcicd.simulation import ActionKind

__all__ = ["COLOURS", "UNITS", "axis_label", "plot_distributions", "plot_metric_over_time", "plot_rollback_timeline"]

#: Okabe-Ito colours, distinguishable with every common colour-vision deficiency. Meaning is never carried by colour
#: alone: each mark also has its own marker or line style and a legend label.
COLOURS = {"blue": "#0072B2", "orange": "#E69F00", "vermillion": "#D55E00", "green": "#009E73", "grey": "#666666"}

#: Units of the loan features, for axis labels.
UNITS = {
    "age": "years",
    "income": "thousand $ per year",
    "loan_amount": "thousand $",
    "credit_score": "points, 300-850",
    "debt_to_income": "ratio",
    "employment_years": "years",
    "region": "category",
    "default": "0 = repaid, 1 = defaulted",
}


def axis_label(column: str) -> str:
    """``"income (thousand $ per year)"``: the column name with its unit when known."""
    unit = UNITS.get(column)
    return f"{column} ({unit})" if unit else column


def _axes(ax: Axes | None, figsize: tuple[float, float] = (7.0, 4.0)) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    elif not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
    return ax


def _column(df: Any, column: str, what: str) -> pd.Series:
    values = check_frame(df, what, columns=(column,), non_empty=False)[column].dropna()
    if values.empty:
        raise ValueError(f"{what}[{column!r}] has no non-missing values to plot")
    return values


def plot_distributions(
    reference: pd.DataFrame,
    current: pd.DataFrame,
    column: str,
    *,
    bins: int = 30,
    labels: tuple[str, str] = ("reference", "current"),
    ax: Axes | None = None,
) -> Axes:
    """Overlay the distribution of ``column`` in ``reference`` and ``current`` (e.g. before and after drift).

    Numeric columns get two density histograms on shared bins; categorical ones get side-by-side bars of
    each category's share, so samples of different sizes compare fairly.
    """
    ref, cur = _column(reference, column, "reference"), _column(current, column, "current")
    ax = _axes(ax)
    numeric = pd.api.types.is_numeric_dtype(ref.dtype) and pd.api.types.is_numeric_dtype(cur.dtype)
    if numeric:
        both = np.concatenate([ref.to_numpy(dtype=float), cur.to_numpy(dtype=float)])
        edges = np.histogram_bin_edges(both, bins=bins)
        ax.hist(
            ref.to_numpy(dtype=float), bins=list(edges), density=True, alpha=0.5, label=f"{labels[0]} (n={len(ref)})"
        )
        ax.hist(
            cur.to_numpy(dtype=float), bins=list(edges), density=True, alpha=0.5, label=f"{labels[1]} (n={len(cur)})"
        )
        ax.set_xlabel(axis_label(column))
        ax.set_ylabel("density (share of rows per x-axis unit)")
    else:
        categories = sorted(set(ref.astype(str)) | set(cur.astype(str)))
        ref_share = ref.astype(str).value_counts(normalize=True).reindex(categories, fill_value=0.0)
        cur_share = cur.astype(str).value_counts(normalize=True).reindex(categories, fill_value=0.0)
        x = np.arange(len(categories))
        ax.bar(x - 0.2, ref_share.to_numpy(), width=0.4, label=f"{labels[0]} (n={len(ref)})")
        ax.bar(x + 0.2, cur_share.to_numpy(), width=0.4, label=f"{labels[1]} (n={len(cur)})")
        ax.set_xticks(x, categories)
        ax.set_ylim(0, 1.25 * max(ref_share.max(), cur_share.max()))  # room for the legend
        ax.set_xlabel(axis_label(column))
        ax.set_ylabel("share of rows")
    ax.set_title(f"Distribution of {column}: {labels[0]} vs {labels[1]}")
    ax.legend()
    return ax


def _alert_days(alerts: Any) -> list[int]:
    if alerts is None:
        return []
    if isinstance(alerts, pd.DataFrame):
        if "alert" in alerts.columns:  # a daily frame from simulate_stream / Monitor.daily()
            return sorted(int(d) for d in alerts.loc[alerts["alert"].astype(bool), "day"])
        if "day" in alerts.columns:  # Monitor.alerts_frame()
            return sorted({int(d) for d in alerts["day"]})
        raise KeyError("alerts frame needs a 'day' column (and optionally 'alert')")
    if isinstance(alerts, Iterable):
        days: set[int] = set()
        for a in alerts:
            day: Any = getattr(a, "day", a)  # an Alert, or a day number
            days.add(int(day))
        return sorted(days)
    raise TypeError(f"alerts must be a list of Alert records or days, or a DataFrame, got {type(alerts).__name__}")


def plot_metric_over_time(
    daily: pd.DataFrame,
    drift_day: int | None = None,
    alerts: Any = None,
    *,
    metrics: Sequence[str] = ("accuracy", "window_accuracy", "cumulative_accuracy"),
    threshold: float | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Plot daily metrics (default: daily, sliding-window and cumulative accuracy) against the day.

    ``drift_day`` draws a dashed vertical line where drift starts; ``alerts`` (Alert records, days, or the
    daily frame itself, whose ``alert`` column is used) are marked with downward triangles ("alert" in the legend)
    on the window metric;
    ``threshold`` draws the alert threshold.
    """
    check_frame(daily, "daily (e.g. from simulate_stream)", columns=("day", *metrics))
    ax = _axes(ax, (8.0, 4.0))
    days = daily["day"].to_numpy()
    looks = [(COLOURS["blue"], "o", "-"), (COLOURS["orange"], "s", "--"), (COLOURS["grey"], "D", "-.")]
    for i, metric in enumerate(metrics):
        colour, marker, style = looks[i % len(looks)]
        ax.plot(
            days,
            daily[metric].to_numpy(dtype=float),
            color=colour,
            marker=marker,
            markersize=3,
            linestyle=style,
            label=metric.replace("_", " "),
        )
    if threshold is not None:
        ax.axhline(threshold, color=COLOURS["grey"], linestyle=":", label=f"alert threshold {threshold:g}")
    if drift_day is not None:
        ax.axvline(drift_day, color="black", linestyle="--", label=f"drift starts (day {drift_day})")
    alert_days = _alert_days(alerts)
    if alert_days:
        marked = "window_accuracy" if "window_accuracy" in metrics else metrics[0]
        values = daily.set_index("day")[marked].reindex(alert_days).to_numpy(dtype=float)
        ax.scatter(
            alert_days,
            values,
            marker="v",
            s=60,
            color=COLOURS["vermillion"],
            edgecolor="black",
            zorder=3,
            label="alert",
        )
    ax.set_xlabel("day")
    ax.set_ylabel(
        "accuracy (share of correct predictions)" if all("accuracy" in m for m in metrics) else "metric value"
    )
    ax.set_title("Model quality over time")
    ax.legend(loc="lower left", fontsize="small")
    return ax


def plot_rollback_timeline(history: Any, *, ax: Axes | None = None) -> Axes:
    """Which version served when, with deployments and rollbacks marked.

    ``history`` is a daily frame with ``day`` and ``model_version`` (and optionally ``actions``) columns, as
    returned by :func:`~mlcicd.simulation.simulate_stream`, or a registry's promotion log
    (``registry.log`` or ``registry.log_frame()``), plotted against the log entry number.
    """
    ax = _axes(ax, (8.0, 3.5))
    if isinstance(history, pd.DataFrame) and {"day", "model_version"} <= set(history.columns):
        x = history["day"].to_numpy()
        version = history["model_version"].to_numpy(dtype=float)
        ax.step(x, version, where="post", color=COLOURS["blue"], label="serving version")
        if "actions" in history.columns:
            # Each Action knows the first day its version served (a deployment on its day, a retraining or
            # rollback, decided at the end of a day, on the next).
            styles = {
                ActionKind.DEPLOYED: ("deployment", COLOURS["green"], ":"),
                ActionKind.RETRAINED: ("retraining", COLOURS["orange"], "-."),
                ActionKind.ROLLED_BACK: ("rollback", COLOURS["vermillion"], "--"),
            }
            drawn = set()
            for action in (a for actions in history["actions"] for a in actions):
                label, color, style = styles[action.kind]
                ax.axvline(action.effective_day, color=color, linestyle=style, label=None if label in drawn else label)
                drawn.add(label)
        ax.set_xlabel("day")
        ax.set_title("Serving model version by day")
    else:
        if isinstance(history, pd.DataFrame):
            entries = history.to_dict("records")
        elif isinstance(history, Iterable):
            entries = [h.to_dict() if hasattr(h, "to_dict") else dict(h) for h in history]
        else:
            raise TypeError(f"history must be a daily DataFrame or a promotion log, got {type(history).__name__}")
        entries = [e for e in entries if e.get("alias", "champion") == "champion"]
        if not entries:
            raise ValueError("the log has no champion entries to plot")
        seq = np.arange(1, len(entries) + 1)
        version = np.array([e["to"] for e in entries], dtype=float)
        ax.step(seq, version, where="post", color=COLOURS["blue"], label="champion version")
        drawn = set()
        for s, e, v in zip(seq, entries, version, strict=True):
            rollback = e["action"] == "rollback"
            label = "rollback (▼)" if rollback else "promotion (▲)"
            ax.scatter(
                [s],
                [v],
                color=COLOURS["vermillion"] if rollback else COLOURS["green"],
                edgecolor="black",
                marker="v" if rollback else "^",
                s=50,
                zorder=3,
                label=None if label in drawn else label,
            )
            drawn.add(label)
            reason = str(e.get("reason", ""))
            reason = reason if len(reason) <= 30 else reason[:29] + "…"
            ax.annotate(reason, (s, v), textcoords="offset points", xytext=(4, 6), fontsize="small")
        ax.set_xticks(seq)
        ax.set_xlim(0.5, len(seq) + 1.5)
        ax.set_xlabel("promotion log entry (▲ promotion, ▼ rollback)")
        ax.set_title("Champion version after each promotion or rollback")
    ax.set_ylim(np.nanmin(version) - 0.5, np.nanmax(version) + 0.5)
    ax.set_ylabel("model version")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="upper left", fontsize="small")
    return ax
