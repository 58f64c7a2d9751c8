"""Label delay and performance without labels.

Labels arrive late (whether a loan defaults is known months after the decision) and only for some rows
(only approved loans can default). :func:`delayed_label_monitor` replays a served stream the way a monitor
really sees it: on day ``t`` only the labels of days up to ``t - delay_days`` are known, and, with
``labelled``, only for the rows whose label ever arrives. The window accuracy of day ``t`` covers the
``window_days`` most recent labelled days, ``t - delay_days - window_days + 1`` to ``t - delay_days``.

:func:`estimated_accuracy` is a label-free proxy, confidence-based performance estimation (CBPE, as in
NannyML): if the model's probabilities are calibrated, a prediction made with probability p for its class is
right with probability p, so the expected accuracy of a batch is the mean of max(p, 1 - p). It needs no label,
so it has no delay. It holds under covariate shift (P(y | X) unchanged: the probabilities stay calibrated) and
is blind to concept drift (P(y | X) changed: the model is confidently wrong and the estimate does not move).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from mlcicd.data import FEATURES, LABEL

__all__ = [
    "alert_day_by_delay",
    "daily_performance",
    "delayed_label_monitor",
    "estimated_accuracy",
    "first_alert_day",
]


def _check_stream(stream: Any, predictions: Any) -> tuple[pd.DataFrame, np.ndarray]:
    if not isinstance(stream, pd.DataFrame) or not {"day", LABEL} <= set(stream.columns):
        raise ValueError(f"stream must be a DataFrame with 'day' and {LABEL!r} columns (e.g. mlcicd.data.make_stream)")
    predicted = np.asarray(predictions)
    if predicted.shape != (len(stream),):
        raise ValueError(
            f"predictions must hold one value per row of the stream: {len(stream)} expected, got "
            f"shape {predicted.shape}"
        )
    return stream, predicted


def delayed_label_monitor(
    stream: pd.DataFrame,
    predictions: Any,
    delay_days: int,
    *,
    window_days: int = 7,
    threshold: float = 0.8,
    labelled: Any = None,
) -> pd.DataFrame:
    """One row per day: the labelled days known then, the window accuracy on them, and whether it alerts.

    ``labelled`` (a bool per row, default all True) marks the rows whose label ever arrives, e.g.
    ``predictions == 0`` when only approved loans get a label. Days with no labelled row in the window have
    a NaN accuracy and no alert.
    """
    stream, predicted = _check_stream(stream, predictions)
    for name, given, low in (("delay_days", delay_days, 0), ("window_days", window_days, 1)):
        if isinstance(given, bool) or not isinstance(given, (int, np.integer)) or given < low:
            raise ValueError(f"{name} must be an integer >= {low}, got {given!r}")
    mask = np.ones(len(stream), dtype=bool) if labelled is None else np.asarray(labelled, dtype=bool)
    if mask.shape != (len(stream),):
        raise ValueError(f"labelled must hold one bool per row of the stream, got shape {mask.shape}")
    days = stream["day"].to_numpy()
    correct = predicted == stream[LABEL].to_numpy()
    rows = []
    for day in np.unique(days):
        last = day - delay_days
        in_window = mask & (days <= last) & (days > last - window_days)
        n = int(in_window.sum())
        value = float(correct[in_window].mean()) if n else float("nan")
        rows.append(
            {
                "day": int(day),
                "labels_through": int(last),
                "n_labelled": n,
                "window_accuracy": value,
                "alert": bool(n and value < threshold),
            }
        )
    return pd.DataFrame(rows)


def first_alert_day(monitor: pd.DataFrame, after: int = 0) -> int | None:
    """The first day (on or after ``after``) on which the monitor frame alerts, or None."""
    hits = monitor.loc[monitor["alert"] & (monitor["day"] >= after), "day"]
    return int(hits.iloc[0]) if len(hits) else None


def alert_day_by_delay(stream: pd.DataFrame, predictions: Any, delays: Iterable[int], **options) -> pd.DataFrame:
    """The first alert day for each label delay (options as for :func:`delayed_label_monitor`)."""
    return pd.DataFrame(
        [
            {
                "delay_days": int(d),
                "first_alert_day": first_alert_day(delayed_label_monitor(stream, predictions, d, **options)),
            }
            for d in delays
        ]
    )


def estimated_accuracy(probabilities: Any) -> float:
    """Expected accuracy of thresholded predictions from calibrated probabilities of the positive class."""
    p = np.asarray(probabilities, dtype=float).ravel()
    if p.size == 0 or np.any((p < 0) | (p > 1)) or not np.all(np.isfinite(p)):
        raise ValueError("probabilities must be a non-empty array of numbers in [0, 1] (predict_proba(X)[:, 1])")
    return float(np.mean(np.maximum(p, 1.0 - p)))


def daily_performance(model: Any, stream: pd.DataFrame) -> pd.DataFrame:
    """Per day: the realised accuracy (needs the labels) and the CBPE estimate (needs none)."""
    if not isinstance(stream, pd.DataFrame) or not {"day", LABEL, *FEATURES} <= set(stream.columns):
        raise ValueError(f"stream must be a DataFrame with 'day', {LABEL!r} and the feature columns")
    proba = model.predict_proba(stream[list(FEATURES)])[:, 1]
    frame = pd.DataFrame(
        {"day": stream["day"].to_numpy(), "p": proba, "correct": (proba >= 0.5).astype(int) == stream[LABEL].to_numpy()}
    )
    return pd.DataFrame(
        [
            {"day": int(day), "accuracy": float(g["correct"].mean()), "estimated_accuracy": estimated_accuracy(g["p"])}
            for day, g in frame.groupby("day")
        ]
    )
