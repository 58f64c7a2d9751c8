"""Batch serving with a prediction log, a daily monitor with alerts, and a 30-day stream simulation.

* :func:`serve_batch` predicts a batch and appends every prediction, with the model version that made it,
  to a :class:`PredictionLog`.
* :class:`Monitor` is fed one day at a time. It keeps the day's accuracy, the cumulative accuracy (all
  days so far) and the sliding-window accuracy (the last ``window_days`` days served by the current model),
  and returns :class:`Alert` records when the window accuracy falls below ``threshold`` or when
  :func:`mlcicd.drift.drift_report` finds dataset drift against the reference data.
* :func:`simulate_stream` runs the whole loop over a seeded stream (default: 30 days, drift from day 15)
  with optional retraining or rollback when an alert fires, and returns one tidy row per day.

Labels are assumed to arrive on the day of the prediction (the simulation's simplification); in
production they often arrive weeks later, which delays every performance alert by that much.
"""

from __future__ import annotations

import contextlib
import tempfile
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from mlcicd._checks import check_fraction, check_frame, check_int, check_seed
from mlcicd.data import FEATURES, LABEL, concept_drift, covariate_drift, make_stream, prior_drift
from mlcicd.drift import ReferenceProfile, drift_report
from mlcicd.models import train_model
from mlcicd.registry import ModelBundle, ModelRegistry, RegistryError

__all__ = [
    "Alert",
    "PredictionLog",
    "serve_batch",
    "daily_metrics",
    "Monitor",
    "StreamContext",
    "DRIFT_KINDS",
    "make_drifted_stream",
    "simulate_stream",
]

#: Drift scenarios understood by :func:`make_drifted_stream` and :func:`simulate_stream`.
DRIFT_KINDS = ("none", "covariate", "prior", "concept")


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

    def record(self, day: Any, model_version: Any, predictions: Any, probabilities: Any = None, labels: Any = None) -> None:
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
            return pd.DataFrame({c: pd.Series(dtype=t) for c, t in zip(self.COLUMNS, ("int64", "Int64", "str", "int64", "Float64", "Int64"))})
        return pd.concat(self._batches, ignore_index=True)


def serve_batch(model: Any, df: pd.DataFrame, log: PredictionLog | None = None, *, day: int | None = None, version: Any = None) -> np.ndarray:
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
    inputs = df[list(FEATURES)]
    predictions = np.asarray(model.predict(inputs))
    if log is not None:
        if not isinstance(log, PredictionLog):
            raise TypeError(f"log must be a PredictionLog, got {type(log).__name__}")
        proba = model.predict_proba(inputs)[:, 1] if hasattr(model, "predict_proba") else None
        days = df["day"].to_numpy() if "day" in df.columns else day
        labels = df[LABEL].to_numpy() if LABEL in df.columns else None
        log.record(days, version, predictions, proba, labels)
    return predictions


def daily_metrics(log: PredictionLog | pd.DataFrame, window_days: int = 7) -> pd.DataFrame:
    """Per day: n, accuracy, cumulative_accuracy (all days so far) and window_accuracy (last ``window_days``).

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
    window_n = np.array([n[(days > d - window_days) & (days <= d)].sum() for d in days])
    window_hits = np.array([hits[(days > d - window_days) & (days <= d)].sum() for d in days])
    versions = labelled.groupby(labelled["day"].astype("int64"))["model_version"].agg(lambda s: ",".join(pd.unique(s)))
    return pd.DataFrame(
        {
            "day": days,
            "n": n,
            "accuracy": hits / n,
            "cumulative_accuracy": np.cumsum(hits) / np.cumsum(n),
            "window_accuracy": window_hits / window_n,
            "model_version": versions.reindex(days).to_numpy(),
        }
    )


class Monitor:
    """A daily monitor: feed it each day's batch and predictions with :meth:`observe`; it returns alerts.

    * **performance**: the window accuracy (the last ``window_days`` days served since the last
      :meth:`reset_window`, weighted by rows) is below ``threshold``;
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
        self._window: list[tuple[int, int]] = []  # (n, correct) per day since the last reset
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
        self._window = (self._window + [(n, correct)])[-self.window_days :]
        window_n = sum(w[0] for w in self._window)
        window_accuracy = sum(w[1] for w in self._window) / window_n
        alerts = []
        if window_accuracy < self.threshold:
            alerts.append(
                Alert(
                    int(day), "performance", "window_accuracy", window_accuracy, self.threshold, model_version,
                    message=f"day {day}: accuracy over the last {len(self._window)} day(s) is {window_accuracy:.3f} "
                    f"< {self.threshold:.3f}",
                )
            )
        share, drifted = np.nan, ()
        if self.reference is not None:
            report = drift_report(self._profile, batch, columns=self.columns, drift_share=self.drift_share, **self.drift_options)
            share, drifted = float(report.share), tuple(report.drifted_columns)
            if report.dataset_drift:
                alerts.append(
                    Alert(
                        int(day), "drift", "drift_share", share, self.drift_share, model_version, drifted,
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
                "window_accuracy": window_accuracy,
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


@dataclass
class StreamContext:
    """What an ``on_alert`` hook of :func:`simulate_stream` sees at the end of a day with alerts.

    The hook may change the registry (register, promote, rollback); the simulation then serves whatever
    ``champion`` points to from the next day on, with that version's reference data. It returns a short
    description of what it did (shown in the ``action`` column) or None.
    """

    day: int
    alerts: list[Alert]
    registry: ModelRegistry
    bundle: ModelBundle
    monitor: Monitor
    seen: pd.DataFrame  #: every row served so far (days <= day), with labels
    seed: Any = None
    options: dict = field(default_factory=dict)


def make_drifted_stream(
    drift: str | None = "concept", drift_day: int = 15, *, n_days: int = 30, rows_per_day: int = 500, seed: Any = 0
) -> pd.DataFrame:
    """A seeded :func:`~mlcicd.data.make_stream` with one kind of drift (:data:`DRIFT_KINDS`) from ``drift_day``.

    covariate: income -20 (thousand dollars) and credit_score -60 (points), labels from the same rule;
    prior: the default rate becomes 0.6; concept: labels follow :data:`~mlcicd.data.CONCEPT_DRIFT_RULE`.
    """
    check_seed(seed)
    drift = "none" if drift is None else drift
    if drift not in DRIFT_KINDS:
        raise ValueError(f"unknown drift {drift!r}; choose one of {DRIFT_KINDS}")
    stream = make_stream(n_days, rows_per_day, seed=seed)
    if drift == "covariate":
        return covariate_drift(stream, drift_day, shift={"income": -20.0, "credit_score": -60.0}, seed=[check_seed(seed), 11])
    if drift == "prior":
        return prior_drift(stream, drift_day, positive_rate=0.6, seed=[check_seed(seed), 12])
    if drift == "concept":
        return concept_drift(stream, drift_day, seed=[check_seed(seed), 13])
    return stream


def _retrain(ctx: StreamContext) -> str:
    days = ctx.options["retrain_days"]
    recent = ctx.seen[ctx.seen["day"] > ctx.day - days]
    model = train_model(recent, seed=check_seed(ctx.seed))
    version = ctx.registry.register(
        model,
        train_data=recent,
        reference_data=recent[list(FEATURES)],
        code_version="simulate_stream",
        metrics={"train_accuracy": float(np.mean(model.predict(recent[list(FEATURES)]) == recent[LABEL].to_numpy()))},
        description=f"retrained on days {int(recent['day'].min())}-{ctx.day}",
    )
    kinds = ",".join(sorted({a.kind for a in ctx.alerts}))
    ctx.registry.promote(version, "champion", reason=f"retrained after {kinds} alert on day {ctx.day}")
    return f"retrained v{version}"


def _rollback(ctx: StreamContext) -> str | None:
    kinds = ",".join(sorted({a.kind for a in ctx.alerts}))
    try:
        version = ctx.registry.rollback("champion", reason=f"{kinds} alert on day {ctx.day}")
    except RegistryError:
        return None  # nothing earlier to roll back to
    return f"rolled back to v{version}"


_POLICIES: dict[str, Callable[[StreamContext], str | None]] = {"retrain": _retrain, "rollback": _rollback}


def simulate_stream(
    stream: pd.DataFrame | None = None,
    *,
    drift: str | None = "concept",
    drift_day: int = 15,
    n_days: int = 30,
    rows_per_day: int = 500,
    seed: int = 0,
    train_days: int = 5,
    window_days: int = 7,
    threshold: float = 0.8,
    drift_share: float = 0.5,
    on_alert: str | Callable[[StreamContext], str | None] | None = None,
    retrain_days: int = 3,
    deploy: Mapping[int, int] | None = None,
    registry: ModelRegistry | None = None,
    log: PredictionLog | None = None,
) -> pd.DataFrame:
    """Serve a stream day by day with monitoring and return one row per day.

    The stream is ``stream`` (a frame with a ``day`` column and labels) or, by default,
    :func:`make_drifted_stream` (``drift`` from ``drift_day``, ``n_days`` x ``rows_per_day``, ``seed``).
    The first champion is a model trained on ``train_days`` fresh days of the undrifted population
    (unless ``registry`` already has a ``champion``); its training data is the drift reference.

    Each day the champion predicts the day's rows, a :class:`Monitor` (``window_days``, ``threshold``,
    ``drift_share``) checks them, and if it raises alerts ``on_alert`` runs at the end of the day:

    * ``None``: nothing (watch the model decay);
    * ``"retrain"``: train on the last ``retrain_days`` days, register, promote to champion;
    * ``"rollback"``: roll the champion back to its previous version (if it has one);
    * a callable taking a :class:`StreamContext`, free to use the registry.

    ``deploy={day: version}`` promotes an already registered version at the start of that day (a
    scheduled, possibly bad, release). Whenever the champion changes, the monitor switches to the new
    version's reference data and starts a new window. Without ``registry`` a temporary one is used and
    deleted afterwards. Pass a :class:`PredictionLog` as ``log`` to keep every prediction with its version.

    Returns columns day, n, accuracy, cumulative_accuracy, window_accuracy, drift_share, drifted_columns,
    model_version, alert, alert_kinds, action.
    """
    if stream is None:
        stream = make_drifted_stream(drift, drift_day, n_days=n_days, rows_per_day=rows_per_day, seed=seed)
    stream = check_frame(stream, "stream", columns=("day", *FEATURES, LABEL)).reset_index(drop=True)
    seed = check_seed(seed)
    check_int(train_days, "train_days", min_value=1)
    check_int(retrain_days, "retrain_days", min_value=1)
    if isinstance(on_alert, str) and on_alert not in _POLICIES:
        raise ValueError(f"on_alert must be None, 'retrain', 'rollback' or a callable, got {on_alert!r}")
    if on_alert is not None and not isinstance(on_alert, str) and not callable(on_alert):
        raise TypeError(f"on_alert must be None, 'retrain', 'rollback' or a callable, got {type(on_alert).__name__}")
    hook = _POLICIES[on_alert] if isinstance(on_alert, str) else on_alert
    deploy = dict(deploy or {})
    if registry is not None and not isinstance(registry, ModelRegistry):
        raise TypeError(f"registry must be a ModelRegistry, got {type(registry).__name__}")
    if log is not None and not isinstance(log, PredictionLog):
        raise TypeError(f"log must be a PredictionLog, got {type(log).__name__}")

    scratch = tempfile.TemporaryDirectory(prefix="mlcicd-stream-") if registry is None else contextlib.nullcontext()
    with scratch as tmp:
        reg = registry if registry is not None else ModelRegistry(tmp)
        if "champion" not in reg.aliases:
            train = make_stream(train_days, rows_per_day=max(1, len(stream) // max(1, stream["day"].nunique())), seed=[seed, 1])
            model = train_model(train, seed=seed)
            version = reg.register(model, train_data=train, reference_data=train[list(FEATURES)], code_version="simulate_stream",
                                   description=f"initial model, {train_days} days of undrifted data")
            reg.promote(version, "champion", reason="initial deployment")
        stream_days = set(int(d) for d in stream["day"].unique())
        for day, version in deploy.items():
            reg.resolve(version)  # fail early on an unknown version
            if day not in stream_days:
                raise ValueError(f"deploy= names day {day!r}, which is not in the stream (days {min(stream_days)}-{max(stream_days)})")
        bundle = reg.load("champion")
        monitor = Monitor(bundle.reference_data, window_days=window_days, threshold=threshold, drift_share=drift_share)
        rows = []
        cached = None
        days = np.sort(pd.unique(stream["day"].to_numpy()))
        by_day = {int(d): part for d, part in stream.groupby("day", sort=True)}
        for day in (int(d) for d in days):
            action = []
            if day in deploy:
                reg.promote(deploy[day], "champion", reason=f"scheduled deployment on day {day}")
                action.append(f"deployed v{reg.resolve('champion')}")
            if reg.resolve("champion") != bundle.version:
                bundle = reg.load("champion")
                monitor.set_reference(bundle.reference_data)
                monitor.reset_window()
                cached = None
            if cached is None:
                # Predictions are row by row, so predicting the remaining days at once gives the same
                # values as predicting day by day, only faster.
                rest = stream[stream["day"] >= day]
                cached = pd.Series(bundle.predict(rest), index=rest.index)
            batch = by_day[day]
            predictions = cached.loc[batch.index].to_numpy()
            if log is not None:
                log.record(day, bundle.version, predictions, labels=batch[LABEL].to_numpy())
            alerts = monitor.observe(day, batch, predictions, model_version=bundle.version)
            if alerts and hook is not None:
                ctx = StreamContext(
                    day=day, alerts=alerts, registry=reg, bundle=bundle, monitor=monitor,
                    seen=stream[stream["day"] <= day], seed=seed, options={"retrain_days": retrain_days},
                )
                done = hook(ctx)
                if done:
                    action.append(str(done))
            rows.append(" ; ".join(action))
        daily = monitor.daily()
    daily["action"] = pd.array(rows, dtype="str")
    daily["model_version"] = daily["model_version"].astype("int64")
    return daily
