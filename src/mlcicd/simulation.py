"""A seeded 30-day stream simulation: serve, monitor, and react to alerts by retraining or rolling back.

:func:`simulate_stream` runs the whole loop over a seeded stream (default: 30 days, drift from day 15) with
optional retraining or rollback when an alert fires, and returns one tidy row per day. What the simulation did
on a day is an :class:`Action` (a deployment, a retraining or a rollback, with the version it led to), kept as
objects in the ``actions`` column and shown as text in the ``action`` column.
"""

from __future__ import annotations

import contextlib
import enum
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from mlcicd._checks import check_frame, check_int, check_seed
from mlcicd.data import FEATURES, LABEL, concept_drift, covariate_drift, make_stream, prior_drift
from mlcicd.models import train_model
from mlcicd.monitoring import Alert, Monitor
from mlcicd.registry import ModelBundle, ModelRegistry, RegistryError
from mlcicd.serving import PredictionLog

__all__ = ["DRIFT_KINDS", "Action", "ActionKind", "StreamContext", "make_drifted_stream", "simulate_stream"]

#: Drift scenarios understood by :func:`make_drifted_stream` and :func:`simulate_stream`.
DRIFT_KINDS = ("none", "covariate", "prior", "concept")


class ActionKind(enum.Enum):
    """What the simulation did to the serving model on a day."""

    DEPLOYED = "deployed"  #: a scheduled release (``deploy=``), effective the same day
    RETRAINED = "retrained"  #: a new version trained after an alert, effective the next day
    ROLLED_BACK = "rolled back"  #: the champion moved back after an alert, effective the next day


@dataclass(frozen=True)
class Action:
    """One change of the serving model: its kind, the version it led to, and the day it was decided."""

    kind: ActionKind
    version: int
    day: int

    @property
    def effective_day(self) -> int:
        """The first day served by ``version``: a deployment counts on its day, alert reactions on the next."""
        return self.day if self.kind is ActionKind.DEPLOYED else self.day + 1

    def __str__(self) -> str:
        target = "to " if self.kind is ActionKind.ROLLED_BACK else ""
        return f"{self.kind.value} {target}v{self.version}"

    __repr__ = __str__


@dataclass
class StreamContext:
    """What an ``on_alert`` hook of :func:`simulate_stream` sees at the end of a day with alerts.

    The hook may change the registry (register, promote, rollback); the simulation then serves whatever
    ``champion`` points to from the next day on, with that version's reference data. It returns an
    :class:`Action`, a short description of what it did (shown in the ``action`` column), or None.
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
        return covariate_drift(
            stream, drift_day, shift={"income": -20.0, "credit_score": -60.0}, seed=[check_seed(seed), 11]
        )
    if drift == "prior":
        return prior_drift(stream, drift_day, positive_rate=0.6, seed=[check_seed(seed), 12])
    if drift == "concept":
        return concept_drift(stream, drift_day, seed=[check_seed(seed), 13])
    return stream


def _retrain(ctx: StreamContext) -> Action:
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
    return Action(ActionKind.RETRAINED, version, ctx.day)


def _rollback(ctx: StreamContext) -> Action | None:
    kinds = ",".join(sorted({a.kind for a in ctx.alerts}))
    try:
        entry = ctx.registry.rollback("champion", reason=f"{kinds} alert on day {ctx.day}")
    except RegistryError:
        return None  # nothing earlier to roll back to
    return Action(ActionKind.ROLLED_BACK, entry.to_version, ctx.day)


_POLICIES: dict[str, Callable[[StreamContext], Action | str | None]] = {"retrain": _retrain, "rollback": _rollback}


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
    on_alert: str | Callable[[StreamContext], Action | str | None] | None = None,
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
    model_version, alert, alert_kinds, action (text) and actions (a tuple of :class:`Action` per day; a
    hook's plain-text result appears in ``action`` only).
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
        reg = registry if registry is not None else ModelRegistry(str(tmp))
        if "champion" not in reg.aliases:
            train = make_stream(
                train_days, rows_per_day=max(1, len(stream) // max(1, stream["day"].nunique())), seed=[seed, 1]
            )
            model = train_model(train, seed=seed)
            version = reg.register(
                model,
                train_data=train,
                reference_data=train[list(FEATURES)],
                code_version="simulate_stream",
                description=f"initial model, {train_days} days of undrifted data",
            )
            reg.promote(version, "champion", reason="initial deployment")
        stream_days = set(int(d) for d in stream["day"].unique())
        for day, version in deploy.items():
            reg.resolve(version)  # fail early on an unknown version
            if day not in stream_days:
                raise ValueError(
                    f"deploy= names day {day!r}, which is not in the stream (days {min(stream_days)}-{max(stream_days)})"
                )
        bundle = reg.load("champion")
        monitor = Monitor(bundle.reference_data, window_days=window_days, threshold=threshold, drift_share=drift_share)
        rows: list[list[Action | str]] = []
        cached = None
        days = np.sort(pd.unique(stream["day"].to_numpy()))
        by_day = {int(d): part for d, part in stream.groupby("day", sort=True)}
        for day in (int(d) for d in days):
            action: list[Action | str] = []
            if day in deploy:
                reg.promote(deploy[day], "champion", reason=f"scheduled deployment on day {day}")
                action.append(Action(ActionKind.DEPLOYED, reg.resolve("champion"), day))
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
                    day=day,
                    alerts=alerts,
                    registry=reg,
                    bundle=bundle,
                    monitor=monitor,
                    seen=stream[stream["day"] <= day],
                    seed=seed,
                    options={"retrain_days": retrain_days},
                )
                done = hook(ctx)
                if done:
                    action.append(done if isinstance(done, Action) else str(done))
            rows.append(action)
        daily = monitor.daily()
    daily["action"] = pd.array([" ; ".join(map(str, row)) for row in rows], dtype="str")
    daily["actions"] = pd.Series([tuple(a for a in row if isinstance(a, Action)) for row in rows], dtype=object)
    daily["model_version"] = daily["model_version"].astype("int64")
    return daily
