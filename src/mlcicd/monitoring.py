"""Monitoring of served predictions: window metrics, a daily monitor, and its alerts.

* :func:`window_accuracy` is the one definition of the course's sliding-window accuracy: for each day d, the
  share of correct predictions over the calendar days d - window_days + 1 ... d, every prediction weighted the
  same (a busy day counts more than a quiet one). Days missing from the data are simply absent from the window.
* :func:`daily_metrics` applies it to a prediction log, over every model version in the log.
* :class:`Monitor` is fed one day at a time and applies the same definition to the days served since its
  window was last reset (:meth:`Monitor.reset_window`, called when a new model version is deployed), so a new
  model is judged on its own predictions only. It returns :class:`Alert` records when the window accuracy falls
  below ``threshold`` or when :func:`mlcicd.drift.drift_report` finds dataset drift against the reference data.

Labels are assumed to arrive on the day of the prediction (the simulation's simplification); in
production they often arrive weeks later, which delays every performance alert by that much.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from mlcicd._checks import check_fraction, check_frame, check_int
from mlcicd.data import FEATURES, LABEL
from mlcicd.drift import ReferenceProfile, drift_report
from mlcicd.serving import PredictionLog

__all__ = ["Alert", "Monitor", "daily_metrics", "window_accuracy"]


@dataclass(frozen=True)
class Alert:
    """One alert raised by :class:`Monitor` at the end of a day."""

    day: int
    kind: str  #: "performance" (window accuracy below threshold) or "drift" (dataset drift)
    metric: str  #: "window_accuracy" or "drift_share"
    value: float
    threshold: float
    model_version: Any
    columns: tuple[str, ...] = ()  #: drifted columns, for drift alerts
    message: str = ""

    def to_dict(self) -> dict:
        return {
            "day": self.day,
            "kind": self.kind,
            "metric": self.metric,
            "value": self.value,
            "threshold": self.threshold,
            "model_version": self.model_version,
            "columns": ",".join(self.columns),
            "message": self.message,
        }


def window_accuracy(days: Any, n: Any, correct: Any, window_days: int) -> np.ndarray:
    """Sliding-window accuracy per day: correct / predictions over the calendar days (d - window_days, d].

    ``days``, ``n`` and ``correct`` are aligned arrays, one entry per day (days in increasing order): the day,
    its number of labelled predictions and how many of them were right. Returns one accuracy per day.
    """
    window_days = check_int(window_days, "window_days", min_value=1)
    days, n, correct = (np.asarray(a) for a in (days, n, correct))
    if not (days.shape == n.shape == correct.shape) or days.ndim != 1:
        raise ValueError(
            f"days, n and correct must be 1-d arrays of one length, got {days.shape}, {n.shape}, {correct.shape}"
        )
    if np.any(np.diff(days) <= 0):
        raise ValueError("days must be strictly increasing, one entry per day")
    window_n = np.array([n[(days > d - window_days) & (days <= d)].sum() for d in days])
    window_hits = np.array([correct[(days > d - window_days) & (days <= d)].sum() for d in days])
    return window_hits / window_n


def daily_metrics(log: PredictionLog | pd.DataFrame, window_days: int = 7) -> pd.DataFrame:
    """Per day: n, accuracy, cumulative_accuracy (all days so far) and :func:`window_accuracy` (``window_days``).

    Accuracies weight days by their number of labelled rows; rows without a label are ignored. The
    ``model_version`` column holds the version(s) that served the day.
    """
    frame = log.to_frame() if isinstance(log, PredictionLog) else log
    frame = check_frame(frame, "log", columns=("day", "model_version", "prediction", "label"))
    check_int(window_days, "window_days", min_value=1)
    labelled = frame[frame["label"].notna() & frame["day"].notna()]
    if labelled.empty:
        raise ValueError("no logged prediction has both a day and a label; metrics need labelled rows")
    correct = (labelled["prediction"].to_numpy() == labelled["label"].to_numpy(dtype=np.int64)).astype(np.int64)
    per_day = (
        pd.DataFrame({"day": labelled["day"].to_numpy(dtype=np.int64), "correct": correct})
        .groupby("day", sort=True)["correct"]
        .agg(["size", "sum"])
    )
    n, hits = per_day["size"].to_numpy(), per_day["sum"].to_numpy()
    days = per_day.index.to_numpy()
    versions = labelled.groupby(labelled["day"].astype("int64"))["model_version"].agg(lambda s: ",".join(pd.unique(s)))
    return pd.DataFrame(
        {
            "day": days,
            "n": n,
            "accuracy": hits / n,
            "cumulative_accuracy": np.cumsum(hits) / np.cumsum(n),
            "window_accuracy": window_accuracy(days, n, hits, window_days),
            "model_version": versions.reindex(days).to_numpy(),
        }
    )


class Monitor:
    """A daily monitor: feed it each day's batch and predictions with :meth:`observe`; it returns alerts.

    * **performance**: :func:`window_accuracy` over the last ``window_days`` calendar days, counting only days
      observed since the last :meth:`reset_window`, is below ``threshold``;
    * **drift**: ``drift_report(reference, batch)`` on ``columns`` (default: the seven features) finds
      dataset drift, that is at least ``drift_share`` of the columns drifted (0.5 is Evidently's default;
      ``drift_share=0.1`` alerts as soon as one of seven columns drifts). No reference, no drift check.

    ``drift_options`` are passed on to :func:`~mlcicd.drift.drift_report` (e.g. ``{"bonferroni": True}``).
    """

    def __init__(
        self,
        reference: pd.DataFrame | None = None,
        *,
        window_days: int = 7,
        threshold: float = 0.8,
        columns: Sequence[str] | None = None,
        drift_share: float = 0.5,
        drift_options: Mapping[str, Any] | None = None,
    ) -> None:
        self.window_days = check_int(window_days, "window_days", min_value=1)
        self.threshold = check_fraction(threshold, "threshold")
        self.drift_share = check_fraction(drift_share, "drift_share")
        self.columns = list(FEATURES if columns is None else columns)
        self.drift_options = dict(drift_options or {})
        self.reference: pd.DataFrame | None = None
        if reference is not None:
            self.set_reference(reference)
        self.alerts: list[Alert] = []
        self._rows: list[dict] = []
        self._window: list[tuple[int, int, int]] = []  # (day, n, correct) in the window, since the last reset
        self._total_n = 0
        self._total_correct = 0

    def set_reference(self, reference: pd.DataFrame) -> None:
        """Use ``reference`` (e.g. the deployed version's reference data) for drift tests from now on."""
        self.reference = check_frame(reference, "reference", columns=self.columns)[self.columns]
        # Everything the drift tests need from the reference (sorted values, standard deviations, value
        # counts) is computed once here, not again for every day's report.
        self._profile = ReferenceProfile(self.reference, self.columns)
        for column in self.columns:
            if self.reference[column].isna().all():
                raise ValueError(
                    f"reference has no non-missing values in column {column!r}; drift needs data on both sides"
                )

    def reset_window(self) -> None:
        """Start a new sliding window (call it when a new model version is deployed)."""
        self._window = []

    def observe(self, day: int, batch: pd.DataFrame, predictions: Any, model_version: Any = None) -> list[Alert]:
        """Record one day: its batch (with the ``default`` label) and the predictions made; return new alerts."""
        check_frame(batch, "batch", columns=(*self.columns, LABEL))
        predictions = np.asarray(predictions)
        if predictions.shape != (len(batch),):
            raise ValueError(f"expected {len(batch)} predictions for the batch, got shape {predictions.shape}")
        correct = int((predictions == batch[LABEL].to_numpy()).sum())
        n = len(batch)
        self._total_n += n
        self._total_correct += correct
        self._window.append((int(day), n, correct))
        days, counts, hits = (np.array(column) for column in zip(*self._window, strict=True))
        window = float(window_accuracy(days, counts, hits, self.window_days)[-1])
        self._window = [w for w in self._window if w[0] > int(day) - self.window_days]
        alerts = []
        if window < self.threshold:
            alerts.append(
                Alert(
                    int(day),
                    "performance",
                    "window_accuracy",
                    window,
                    self.threshold,
                    model_version,
                    message=f"day {day}: accuracy over the last {len(self._window)} day(s) is {window:.3f} "
                    f"< {self.threshold:.3f}",
                )
            )
        share: float = np.nan
        drifted: tuple[str, ...] = ()
        if self.reference is not None:
            report = drift_report(
                self._profile, batch, columns=self.columns, drift_share=self.drift_share, **self.drift_options
            )
            share, drifted = float(report.share), tuple(report.drifted_columns)
            if report.dataset_drift:
                alerts.append(
                    Alert(
                        int(day),
                        "drift",
                        "drift_share",
                        share,
                        self.drift_share,
                        model_version,
                        drifted,
                        message=f"day {day}: {len(drifted)} of {len(self.columns)} columns drifted ({', '.join(drifted)})",
                    )
                )
        self.alerts.extend(alerts)
        self._rows.append(
            {
                "day": int(day),
                "n": n,
                "accuracy": correct / n,
                "cumulative_accuracy": self._total_correct / self._total_n,
                "window_accuracy": window,
                "drift_share": share,
                "drifted_columns": ",".join(drifted),
                "model_version": model_version,
                "alert": bool(alerts),
                "alert_kinds": ",".join(a.kind for a in alerts),
            }
        )
        return alerts

    def daily(self) -> pd.DataFrame:
        """One row per observed day (day, n, accuracy, cumulative_accuracy, window_accuracy, drift_share, ...)."""
        return pd.DataFrame(self._rows)

    def alerts_frame(self) -> pd.DataFrame:
        """The alerts so far, one row each."""
        columns = ["day", "kind", "metric", "value", "threshold", "model_version", "columns", "message"]
        return pd.DataFrame([a.to_dict() for a in self.alerts], columns=columns)
