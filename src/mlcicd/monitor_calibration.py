"""Testing the drift monitor itself: false-alarm rate on calm streams, detection delay on drifted streams.

A monitor here is a **test** (``"psi"``, ``"ks"`` or ``"mean_z"``), a **window** (how many of the latest batches
are pooled and compared with the reference) and a **threshold**: it alarms on a check when the statistic is at
least the threshold. All three statistics grow with drift:

==========  ==================================================================================================
test        statistic of the pooled window against the reference
==========  ==================================================================================================
``psi``     population stability index over 10 reference quantile bins (as :func:`mlcicd.drift.psi`)
``ks``      the two-sample Kolmogorov-Smirnov statistic D (the largest gap between the two CDFs)
``mean_z``  abs(mean(window) - mean(reference)) / (sd(reference) * sqrt(1/n_window + 1/n_reference))
==========  ==================================================================================================

The streams are seeded and one-dimensional (one standardised feature): calm streams come from the reference's
population N(0, 1); drifted streams move their mean by ``shift`` standard deviations from batch ``drift_batch``.
:func:`evaluate_monitor` measures the two properties a monitor is tested on: the share of checks on calm streams
that alarm (false-alarm rate) and the number of batches from the drift to the first alarm (detection delay).
:func:`calibrate_threshold` picks the threshold from simulated no-drift windows of the real batch size instead
of a rule of thumb: PSI's no-drift mean is about ``(bins - 1) * (1/n_ref + 1/n_cur)`` (:func:`psi_no_drift_bias`),
0.09 for a 100-row window, so the conventional 0.1 rule alarms on calm data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "PSI_BINS",
    "TESTS",
    "MonitorScore",
    "batch_statistics",
    "calibrate_threshold",
    "check_config",
    "evaluate_monitor",
    "make_reference",
    "make_streams",
    "psi_no_drift_bias",
    "run_monitor",
    "trade_off",
    "window_statistic",
]

TESTS = ("psi", "ks", "mean_z")
PSI_BINS = 10
_PSI_EPS = 1e-4


@dataclass(frozen=True)
class MonitorScore:
    """What :func:`evaluate_monitor` measured.

    ``false_alarm_rate``: share of checks on calm streams that alarmed. ``mean_delay``: mean number of batches
    from the drift start to the first alarm at or after it (0 = the first drifted batch), a missed drift counted
    as the rest of the stream. ``missed_rate``: share of drifted streams with no alarm after the drift.
    """

    false_alarm_rate: float
    mean_delay: float
    missed_rate: float
    n_checks: int


def make_reference(n: int = 5000, seed=0) -> np.ndarray:
    """A seeded reference sample of ``n`` values from N(0, 1): the feature at training time."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 20:
        raise ValueError(f"n must be an integer of at least 20, got {n!r}")
    return np.random.default_rng(seed).normal(0.0, 1.0, int(n))


def make_streams(
    n_streams: int, n_batches: int, batch_size: int, *, shift: float = 0.0, drift_batch: int = 0, seed=0
) -> np.ndarray:
    """Return seeded streams as an array of shape ``(n_streams, n_batches, batch_size)``.

    Values come from N(0, 1); from batch ``drift_batch`` on, every value is moved by ``shift`` (standard
    deviations). ``shift=0`` gives calm streams.
    """
    for name, value in (("n_streams", n_streams), ("n_batches", n_batches), ("batch_size", batch_size)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    if not 0 <= drift_batch < n_batches:
        raise ValueError(f"drift_batch must lie in [0, n_batches) = [0, {n_batches}), got {drift_batch!r}")
    values = np.random.default_rng(seed).normal(0.0, 1.0, (n_streams, n_batches, batch_size))
    values[:, drift_batch:, :] += float(shift)
    return values


def check_config(config: Any) -> tuple[str, int, float]:
    """Return ``(test, window, threshold)`` from a config mapping, or raise ``ValueError`` saying what to fix."""
    if not isinstance(config, Mapping):
        raise ValueError(
            f"a monitor config is a dict with keys 'test', 'window', 'threshold'; got {type(config).__name__}"
        )
    missing = [k for k in ("test", "window", "threshold") if k not in config]
    if missing:
        raise ValueError(
            f"the monitor config lacks {missing}; give e.g. {{'test': 'psi', 'window': 3, 'threshold': 0.1}}"
        )
    test, window, threshold = config["test"], config["window"], config["threshold"]
    if test not in TESTS:
        raise ValueError(f"config['test'] must be one of {TESTS}, got {test!r}")
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window < 1:
        raise ValueError(f"config['window'] is a number of batches, a positive integer; got {window!r}")
    if (
        isinstance(threshold, bool)
        or not isinstance(threshold, (int, float, np.floating))
        or not np.isfinite(threshold)
    ):
        raise ValueError(f"config['threshold'] must be a finite number, got {threshold!r}")
    return str(test), int(window), float(threshold)


class _Reference:
    """The reference sample with what every check needs precomputed (sorted values, PSI bins, mean, sd)."""

    def __init__(self, reference: Any):
        values = np.asarray(reference, dtype=float).ravel()
        if values.size < 20 or not np.all(np.isfinite(values)):
            raise ValueError(f"the reference needs at least 20 finite values, got {values.size}")
        self.values = np.sort(values)
        self.n = values.size
        self.cuts = np.unique(np.quantile(values, np.linspace(0.0, 1.0, PSI_BINS + 1)[1:-1]))
        counts = np.bincount(np.searchsorted(self.cuts, values, side="right"), minlength=len(self.cuts) + 1)
        shares = counts / counts.sum()
        self.shares = np.where(shares == 0, _PSI_EPS, shares)
        self.mean, self.sd = float(values.mean()), float(values.std())

    def statistic(self, test: str, window: np.ndarray) -> float:
        if test == "psi":
            counts = np.bincount(np.searchsorted(self.cuts, window, side="right"), minlength=len(self.cuts) + 1)
            a = counts / counts.sum()
            a = np.where(a == 0, _PSI_EPS, a)
            return float(np.sum((a - self.shares) * np.log(a / self.shares)))
        if test == "ks":
            # D = max |F_ref - F_window| over the pooled values; equals scipy.stats.ks_2samp(...).statistic
            points = np.concatenate([self.values, window])
            window_sorted = np.sort(window)
            gap = (
                np.searchsorted(self.values, points, side="right") / self.n
                - np.searchsorted(window_sorted, points, side="right") / window.size
            )
            return float(np.max(np.abs(gap)))
        return float(abs(window.mean() - self.mean) / (self.sd * np.sqrt(1.0 / window.size + 1.0 / self.n)))


def window_statistic(test: str, reference: Any, window_values: Any) -> float:
    """The statistic of ``test`` for one pooled window against the reference (see the module table)."""
    if test not in TESTS:
        raise ValueError(f"test must be one of {TESTS}, got {test!r}")
    window = np.asarray(window_values, dtype=float).ravel()
    if window.size == 0:
        raise ValueError("the window is empty: pool at least one batch")
    return _Reference(reference).statistic(test, window)


def batch_statistics(test: str, reference: Any, batches: Any) -> np.ndarray:
    """The statistic of ``test`` for each row of ``batches`` (shape ``(n, batch_size)``), one reference setup for all."""
    if test not in TESTS:
        raise ValueError(f"test must be one of {TESTS}, got {test!r}")
    array = np.asarray(batches, dtype=float)
    if array.ndim != 2 or 0 in array.shape:
        raise ValueError(f"batches must have shape (n_batches, batch_size), got {array.shape}")
    ref = _Reference(reference)
    return np.array([ref.statistic(test, batch) for batch in array])


def _alarms(ref: _Reference, stream: np.ndarray, test: str, window: int) -> np.ndarray:
    """Alarm statistic per batch index; NaN until ``window`` batches have arrived."""
    out = np.full(stream.shape[0], np.nan)
    for t in range(window - 1, stream.shape[0]):
        out[t] = ref.statistic(test, stream[t - window + 1 : t + 1].ravel())
    return out


def _streams(streams: Any, name: str) -> np.ndarray:
    array = np.asarray(streams, dtype=float)
    if array.ndim == 2:
        array = array[None]
    if array.ndim != 3 or 0 in array.shape:
        raise ValueError(
            f"{name} must have shape (n_streams, n_batches, batch_size) or (n_batches, batch_size), "
            f"got {np.shape(streams)}"
        )
    return array


def run_monitor(config: Any, reference: Any, stream: Any) -> np.ndarray:
    """Run the monitor over one stream ``(n_batches, batch_size)``: a bool per batch, True where it alarms.

    The first ``window - 1`` batches are not checked (the window is not full yet) and never alarm.
    """
    test, window, threshold = check_config(config)
    array = _streams(stream, "stream")[0]
    if window > array.shape[0]:
        raise ValueError(f"window {window} is longer than the stream ({array.shape[0]} batches)")
    statistic = _alarms(_Reference(reference), array, test, window)
    return np.nan_to_num(statistic, nan=-np.inf) >= threshold


def evaluate_monitor(config: Any, reference: Any, calm: Any, drifted: Any, drift_batch: int) -> MonitorScore:
    """Measure a monitor: false-alarm rate on the ``calm`` streams, delay and misses on the ``drifted`` ones.

    ``drift_batch`` is the first drifted batch of every drifted stream; alarms before it are ignored for the
    delay. A missed drift counts as ``n_batches - drift_batch`` batches of delay.
    """
    test, window, threshold = check_config(config)
    ref = _Reference(reference)
    calm_array, drifted_array = _streams(calm, "calm"), _streams(drifted, "drifted")
    n_batches = drifted_array.shape[1]
    if window > min(calm_array.shape[1], n_batches):
        raise ValueError(f"window {window} is longer than the streams ({min(calm_array.shape[1], n_batches)} batches)")
    if not window - 1 <= drift_batch < n_batches:
        raise ValueError(
            f"drift_batch must lie in [window - 1, n_batches) = [{window - 1}, {n_batches}), got {drift_batch}"
        )
    checks = alarms = 0
    for stream in calm_array:
        statistic = _alarms(ref, stream, test, window)[window - 1 :]
        checks += statistic.size
        alarms += int(np.sum(statistic >= threshold))
    delays, missed = [], 0
    for stream in drifted_array:
        statistic = _alarms(ref, stream[:n_batches], test, window)[drift_batch:]
        hits = np.flatnonzero(statistic >= threshold)
        if hits.size:
            delays.append(int(hits[0]))
        else:
            missed += 1
            delays.append(n_batches - drift_batch)
    return MonitorScore(
        false_alarm_rate=alarms / checks,
        mean_delay=float(np.mean(delays)),
        missed_rate=missed / drifted_array.shape[0],
        n_checks=checks,
    )


def calibrate_threshold(
    test: str, reference: Any, window: int, batch_size: int, *, false_alarm_rate: float = 0.01, n_sim: int = 400, seed=0
) -> float:
    """The threshold whose false-alarm rate on no-drift windows is ``false_alarm_rate``.

    Simulates ``n_sim`` no-drift windows of the real size (``window * batch_size`` values drawn with replacement
    from the reference: a bootstrap, since the true population is unknown) and returns the
    ``1 - false_alarm_rate`` quantile of the statistic.
    """
    if test not in TESTS:
        raise ValueError(f"test must be one of {TESTS}, got {test!r}")
    if not 0.0 < false_alarm_rate < 1.0:
        raise ValueError(f"false_alarm_rate must be strictly between 0 and 1, got {false_alarm_rate!r}")
    if n_sim * false_alarm_rate < 2:
        raise ValueError(
            f"n_sim={n_sim} is too few to estimate a {false_alarm_rate:.1%} tail: "
            f"use n_sim >= {int(np.ceil(2 / false_alarm_rate))}"
        )
    ref = _Reference(reference)
    rng = np.random.default_rng(seed)
    values = np.asarray(reference, dtype=float).ravel()
    draws = [
        ref.statistic(test, rng.choice(values, size=int(window) * int(batch_size), replace=True))
        for _ in range(int(n_sim))
    ]
    return float(np.quantile(draws, 1.0 - false_alarm_rate))


def psi_no_drift_bias(n_reference: int, n_current: int, bins: int = PSI_BINS) -> float:
    """Approximate mean PSI without drift: ``(bins - 1) * (1 / n_reference + 1 / n_current)`` (DESIGN §8)."""
    if min(n_reference, n_current, bins) < 1:
        raise ValueError("n_reference, n_current and bins must be positive")
    return (bins - 1) * (1.0 / n_reference + 1.0 / n_current)


def trade_off(
    test: str,
    reference: Any,
    calm: Any,
    drifted: Any,
    drift_batch: int,
    windows,
    *,
    false_alarm_rate: float = 0.01,
    n_sim: int = 400,
    seed=0,
) -> list[dict]:
    """For each window: the calibrated threshold and the measured false-alarm rate, delay and misses."""
    batch_size = _streams(calm, "calm").shape[2]
    rows = []
    for window in windows:
        threshold = calibrate_threshold(
            test, reference, window, batch_size, false_alarm_rate=false_alarm_rate, n_sim=n_sim, seed=seed
        )
        score = evaluate_monitor(
            {"test": test, "window": window, "threshold": threshold}, reference, calm, drifted, drift_batch
        )
        rows.append(
            {
                "window": int(window),
                "threshold": threshold,
                "false_alarm_rate": score.false_alarm_rate,
                "mean_delay": score.mean_delay,
                "missed_rate": score.missed_rate,
            }
        )
    return rows
