"""Shadow, canary and champion/challenger deployment: paired outcomes, an exact McNemar test, a sequential decision.

The **champion** is the model in production; the **candidate** (challenger) is the model that wants its place.
:func:`simulate_traffic` sends the same live requests through both, in one of two modes:

* ``"shadow"``: both models score every request, but only the champion's answer is served; the candidate's
  answers are logged. Nobody is exposed to the candidate, and every request gives a pair of outcomes.
* ``"canary"``: a random ``share`` of the requests (:func:`route_traffic`) is served by the candidate; the
  champion scores those requests too (in shadow), so each canary request gives a pair of outcomes.

Both models answer the *same* requests, so the comparison is **paired**: per request, the champion is right or
wrong and so is the candidate. Only the **discordant** pairs carry information about which model is better:
``b`` = champion right and candidate wrong, ``c`` = champion wrong and candidate right. If the two models are
equally accurate, each discordant pair is a fair coin flip, so ``c ~ Binomial(b + c, 1/2)``: the exact
**McNemar test** (:func:`mcnemar_exact`) is that two-sided binomial test. Two independent-proportion tests (a
z-test of the two accuracies) would ignore the pairing and waste most of the evidence.

:func:`canary_decision` turns the test into a deployment decision with a stated error rate: ``"keep collecting"``
until there are at least ``min_discordant`` discordant pairs; then ``"promote"`` when p <= alpha and the candidate
wins more discordant pairs, ``"roll back"`` when p <= alpha and it loses more, else ``"keep collecting"``. Looking
at a running canary again and again is a **sequential** test: each look is another chance of a false verdict.
With ``looks=k`` every look is tested at ``alpha / k`` (Bonferroni), so the chance of any false verdict over the
k planned looks stays at most ``alpha``. :func:`run_canary` checks a stream of paired outcomes every
``check_every`` pairs and stops at the first verdict; :func:`decision_rates` measures how often each decision is
reached over many seeded canaries (:func:`simulate_paired_outcomes`).

What a canary catches that an offline test cannot: the offline test scores the candidate on a holdout from the
training data's feature table; the canary scores it on live requests, through the serving path. A feature that the
serving path delivers differently (:func:`serving_skew`, e.g. income in dollars instead of thousands) or a live
population that differs from the holdout is invisible offline and shows up in the canary's paired outcomes.

All functions are pure and seeded (``seed`` is passed to :func:`numpy.random.default_rng`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from mlcicd._checks import check_fraction, check_frame, check_int, check_number, check_seed, check_text
from mlcicd.data import BASE_RULE, FEATURES, LABEL, NUMERIC_FEATURES, LabelRule

__all__ = [
    "DECISIONS",
    "MODES",
    "RECENT_RULE",
    "CanaryRun",
    "McNemarResult",
    "canary_decision",
    "decision_rates",
    "decision_table",
    "discordant_counts",
    "mcnemar_exact",
    "route_traffic",
    "run_canary",
    "serving_skew",
    "simulate_paired_outcomes",
    "simulate_traffic",
]

DECISIONS = ("promote", "keep collecting", "roll back")
MODES = ("shadow", "canary")

#: The world the candidate was trained in: the base rule with loan amounts weighing twice as much (1.0 -> 2.0).
#: A champion trained on :data:`mlcicd.data.BASE_RULE` data is a little worse on it; a candidate retrained on
#: recent data is better.
RECENT_RULE = LabelRule(
    name="recent",
    intercept=BASE_RULE.intercept,
    weights={**BASE_RULE.weights, "loan_amount": 2.0},
    region_effects=dict(BASE_RULE.region_effects),
)


@dataclass(frozen=True)
class McNemarResult:
    """The exact McNemar test: ``b`` = champion right, candidate wrong; ``c`` = champion wrong, candidate right."""

    b: int
    c: int
    p_value: float

    @property
    def n_discordant(self) -> int:
        """Number of discordant pairs, ``b + c``."""
        return self.b + self.c


@dataclass(frozen=True)
class CanaryRun:
    """What :func:`run_canary` decided, after how many paired requests and looks (of ``planned_looks``), at which
    per-look level."""

    decision: str
    n_paired: int
    looks: int
    planned_looks: int
    alpha_per_look: float


def route_traffic(n_requests: int, share: float, *, seed: int = 0) -> np.ndarray:
    """A bool per request, True where it is routed to the candidate; each request independently with ``share``."""
    n_requests = check_int(n_requests, "n_requests", min_value=1)
    share = check_fraction(share, "share")
    return np.random.default_rng(check_seed(seed)).random(n_requests) < share


def serving_skew(
    requests: pd.DataFrame, column: str = "income", factor: float = 1000.0, share: float = 1.0, *, seed: int = 0
) -> pd.DataFrame:
    """The features as a different serving path delivers them: ``column`` times ``factor`` on a ``share`` of rows.

    The default is the classic unit bug: income arrives in dollars instead of thousands of dollars. The label
    (if any) is left alone: the applicant is the same, only the feature the model reads is different.
    """
    check_frame(requests, "requests", columns=(column,))
    check_text(column, "column", example="income")
    if column not in NUMERIC_FEATURES:
        raise ValueError(f"column must be a numeric feature, one of {NUMERIC_FEATURES}; got {column!r}")
    factor = check_number(factor, "factor", greater_than=0)
    share = check_fraction(share, "share")
    hit = np.random.default_rng(check_seed(seed)).random(len(requests)) < share
    out = requests.copy()
    out[column] = out[column].astype(float)
    out.loc[hit, column] = out.loc[hit, column] * factor
    return out


def simulate_traffic(
    champion: Any,
    candidate: Any,
    requests: pd.DataFrame,
    *,
    mode: str = "canary",
    share: float = 0.1,
    candidate_features: pd.DataFrame | None = None,
    seed: int = 0,
) -> pd.DataFrame:
    """Send labelled live ``requests`` through both models; one row per request.

    Columns: ``to_candidate`` (served by the candidate), ``served_by``, ``champion_correct``,
    ``candidate_correct``, ``served_correct`` and ``paired`` (True where both models' outcomes are logged: every
    request in shadow mode, the canary's requests in canary mode). ``candidate_features`` are the features the
    candidate receives when its serving path differs from the champion's (same rows; default: ``requests``).
    """
    check_text(mode, "mode", example="canary")
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    check_frame(requests, "requests", columns=(*FEATURES, LABEL))
    share = check_fraction(share, "share")
    features = (
        requests
        if candidate_features is None
        else check_frame(candidate_features, "candidate_features", columns=FEATURES)
    )
    if len(features) != len(requests):
        raise ValueError(
            f"candidate_features has {len(features)} rows, requests {len(requests)}: give one row per "
            "request, in the same order"
        )
    truth = requests[LABEL].to_numpy()
    champion_correct = np.asarray(champion.predict(requests[list(FEATURES)])) == truth
    candidate_correct = np.asarray(candidate.predict(features[list(FEATURES)])) == truth
    if mode == "shadow":
        to_candidate = np.zeros(len(requests), dtype=bool)
        paired = np.ones(len(requests), dtype=bool)
    else:
        to_candidate = route_traffic(len(requests), share, seed=seed)
        paired = to_candidate.copy()
    return pd.DataFrame(
        {
            "to_candidate": to_candidate,
            "served_by": np.where(to_candidate, "candidate", "champion"),
            "champion_correct": champion_correct,
            "candidate_correct": candidate_correct,
            "served_correct": np.where(to_candidate, candidate_correct, champion_correct),
            "paired": paired,
        },
        index=requests.index,
    )


def _outcomes(values: Any, name: str) -> np.ndarray:
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one outcome per request (a 1-d array of True/False), got shape {array.shape}")
    if array.dtype != bool:
        if not np.issubdtype(array.dtype, np.number) or not np.isin(array, (0, 1)).all():
            raise ValueError(f"{name} must hold True/False (or 1/0) per request: was the model right?")
        array = array.astype(bool)
    return array


def discordant_counts(champion_correct: Any, candidate_correct: Any) -> tuple[int, int]:
    """``(b, c)``: requests where only the champion was right (b) and where only the candidate was right (c)."""
    champion = _outcomes(champion_correct, "champion_correct")
    candidate = _outcomes(candidate_correct, "candidate_correct")
    if champion.shape != candidate.shape:
        raise ValueError(
            f"paired outcomes need one pair per request: champion_correct has {champion.size} values, "
            f"candidate_correct {candidate.size}"
        )
    return int(np.sum(champion & ~candidate)), int(np.sum(~champion & candidate))


def _p_value(b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Two-sided exact binomial p-value of c out of b + c at 1/2 (equals scipy.stats.binomtest's); 1 when b + c = 0."""
    n = b + c
    return np.minimum(1.0, 2.0 * stats.binom.cdf(np.minimum(b, c), n, 0.5))


def mcnemar_exact(b: int, c: int) -> McNemarResult:
    """The exact McNemar test from the discordant counts: two-sided binomial test of ``c`` out of ``b + c`` at 1/2.

    With no discordant pair there is no evidence either way: the p-value is 1.
    """
    b = check_int(b, "b", min_value=0)
    c = check_int(c, "c", min_value=0)
    return McNemarResult(b=b, c=c, p_value=float(_p_value(np.array(b), np.array(c))))


def _check_decision_args(alpha: Any, min_discordant: Any, looks: Any) -> tuple[float, int, int]:
    alpha = check_number(alpha, "alpha", greater_than=0, less_than=1)
    min_discordant = check_int(min_discordant, "min_discordant", min_value=1)
    looks = check_int(looks, "looks", min_value=1)
    return alpha, min_discordant, looks


def _decide(b: int, c: int, level: float, min_discordant: int) -> str:
    if b + c < min_discordant:
        return "keep collecting"
    if float(_p_value(np.array(b), np.array(c))) <= level:
        return "promote" if c > b else "roll back"
    return "keep collecting"


def canary_decision(
    champion_correct: Any, candidate_correct: Any, *, alpha: float = 0.05, min_discordant: int = 20, looks: int = 1
) -> str:
    """``"promote"``, ``"keep collecting"`` or ``"roll back"`` from paired outcomes (see the module docstring).

    Fewer than ``min_discordant`` discordant pairs: keep collecting. Otherwise the exact McNemar test at level
    ``alpha / looks``: significant with more candidate wins, promote; significant with more champion wins, roll
    back; not significant, keep collecting. ``looks`` is the number of times the canary is planned to be checked.
    """
    alpha, min_discordant, looks = _check_decision_args(alpha, min_discordant, looks)
    b, c = discordant_counts(champion_correct, candidate_correct)
    return _decide(b, c, alpha / looks, min_discordant)


def run_canary(
    champion_correct: Any,
    candidate_correct: Any,
    *,
    check_every: int = 200,
    alpha: float = 0.05,
    min_discordant: int = 20,
    correct_for_looks: bool = True,
) -> CanaryRun:
    """Check the paired outcomes, in arrival order, after every ``check_every`` pairs; stop at the first verdict.

    The planned looks are ``ceil(n / check_every)``; with ``correct_for_looks`` each is tested at ``alpha / looks``,
    otherwise each at ``alpha`` (peeking: the error rate grows with the number of looks). Without a verdict by the
    last look the run ends with ``"keep collecting"``.
    """
    alpha, min_discordant, _ = _check_decision_args(alpha, min_discordant, 1)
    check_every = check_int(check_every, "check_every", min_value=1)
    champion = _outcomes(champion_correct, "champion_correct")
    candidate = _outcomes(candidate_correct, "candidate_correct")
    discordant_counts(champion, candidate)  # same length
    n = champion.size
    if n == 0:
        raise ValueError("no paired outcomes yet: a canary needs at least one request scored by both models")
    looks = math.ceil(n / check_every)
    level = alpha / looks if correct_for_looks else alpha
    b_cum = np.cumsum(champion & ~candidate)
    c_cum = np.cumsum(~champion & candidate)
    for look in range(1, looks + 1):
        end = min(look * check_every, n)
        decision = _decide(int(b_cum[end - 1]), int(c_cum[end - 1]), level, min_discordant)
        if decision != "keep collecting":
            return CanaryRun(decision, end, look, looks, level)
    return CanaryRun("keep collecting", n, looks, looks, level)


def _cell_probabilities(champion_accuracy: float, candidate_accuracy: float, discordant_rate: float) -> np.ndarray:
    """P(both right), P(only champion right), P(only candidate right), P(both wrong)."""
    gap = candidate_accuracy - champion_accuracy
    only_champion = (discordant_rate - gap) / 2
    only_candidate = (discordant_rate + gap) / 2
    cells = np.array(
        [champion_accuracy - only_champion, only_champion, only_candidate, 1 - champion_accuracy - only_candidate]
    )
    if np.any(cells < -1e-12):
        raise ValueError(
            f"no pair of models has accuracies {champion_accuracy} and {candidate_accuracy} with discordant_rate "
            f"{discordant_rate}: the discordant rate must be at least the accuracy gap ({abs(gap):.3g}) and at most "
            "what the accuracies leave room for"
        )
    return np.clip(cells, 0.0, 1.0)


def simulate_paired_outcomes(
    n_requests: int, champion_accuracy: float, candidate_accuracy: float, *, discordant_rate: float = 0.1, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Seeded paired outcomes ``(champion_correct, candidate_correct)`` of ``n_requests`` shared requests.

    Each request is independently: both right, only the champion right, only the candidate right or both wrong,
    with the probabilities that give the two accuracies and a share ``discordant_rate`` of discordant pairs.
    """
    n_requests = check_int(n_requests, "n_requests", min_value=1)
    cells = _cell_probabilities(
        check_fraction(champion_accuracy, "champion_accuracy"),
        check_fraction(candidate_accuracy, "candidate_accuracy"),
        check_fraction(discordant_rate, "discordant_rate"),
    )
    kind = np.searchsorted(
        np.cumsum(cells)[:-1], np.random.default_rng(check_seed(seed)).random(n_requests), side="right"
    )
    return np.isin(kind, (0, 1)), np.isin(kind, (0, 2))


def _discordant_cumsums(
    n_runs: Any, n_requests: Any, champion_accuracy: Any, candidate_accuracy: Any, discordant_rate: Any, seed: Any
) -> tuple[np.ndarray, np.ndarray]:
    """Running counts of b and c, shape ``(n_runs, n_requests)``: the draws of simulate_paired_outcomes per run."""
    n_runs = check_int(n_runs, "n_runs", min_value=1)
    n_requests = check_int(n_requests, "n_requests", min_value=1)
    cells = _cell_probabilities(
        check_fraction(champion_accuracy, "champion_accuracy"),
        check_fraction(candidate_accuracy, "candidate_accuracy"),
        check_fraction(discordant_rate, "discordant_rate"),
    )
    seeds = np.random.default_rng(check_seed(seed)).integers(0, 2**32 - 1, n_runs)
    edges = np.cumsum(cells)[:-1]
    kinds = np.stack(
        [np.searchsorted(edges, np.random.default_rng(int(s)).random(n_requests), side="right") for s in seeds]
    )
    return np.cumsum(kinds == 1, axis=1), np.cumsum(kinds == 2, axis=1)


def _rates(b_cum: np.ndarray, c_cum: np.ndarray, check_every: int, level: float, min_discordant: int) -> dict:
    """The decisions of run_canary on every run at once."""
    n_runs, n_requests = b_cum.shape
    looks = math.ceil(n_requests / check_every)
    ends = np.minimum(np.arange(1, looks + 1) * check_every, n_requests)
    b, c = b_cum[:, ends - 1], c_cum[:, ends - 1]
    verdict = (b + c >= min_discordant) & (_p_value(b, c) <= level)
    decided = verdict.any(axis=1)
    first = np.argmax(verdict, axis=1)
    rows = np.arange(n_runs)
    promote = decided & (c[rows, first] > b[rows, first])
    roll_back = decided & ~promote
    used = np.where(decided, ends[first], n_requests)
    return {
        "promote": float(promote.mean()),
        "keep collecting": float(1 - decided.mean()),
        "roll back": float(roll_back.mean()),
        "mean_requests": float(used.mean()),
    }


def decision_rates(
    n_runs: int,
    n_requests: int,
    champion_accuracy: float,
    candidate_accuracy: float,
    *,
    discordant_rate: float = 0.1,
    check_every: int = 200,
    alpha: float = 0.05,
    min_discordant: int = 20,
    correct_for_looks: bool = True,
    seed: int = 0,
) -> dict[str, float]:
    """Share of ``n_runs`` seeded canaries that end in each decision, and their mean number of paired requests.

    Every run draws ``n_requests`` paired outcomes (:func:`simulate_paired_outcomes`) and is decided by
    :func:`run_canary`. Returns ``{"promote": ..., "keep collecting": ..., "roll back": ..., "mean_requests": ...}``.
    """
    alpha, min_discordant, _ = _check_decision_args(alpha, min_discordant, 1)
    check_every = check_int(check_every, "check_every", min_value=1)
    b_cum, c_cum = _discordant_cumsums(n_runs, n_requests, champion_accuracy, candidate_accuracy, discordant_rate, seed)
    looks = math.ceil(b_cum.shape[1] / check_every)
    return _rates(b_cum, c_cum, check_every, alpha / looks if correct_for_looks else alpha, min_discordant)


def decision_table(
    n_runs: int,
    n_requests: int,
    champion_accuracy: float,
    candidate_accuracy: float,
    check_every: Sequence[int],
    *,
    discordant_rate: float = 0.1,
    alpha: float = 0.05,
    min_discordant: int = 20,
    seed: int = 0,
) -> pd.DataFrame:
    """:func:`decision_rates` for each ``check_every``, with and without the correction, on the same seeded runs.

    One row per (``check_every``, ``corrected``) with the number of ``looks``; the runs are drawn once, so the rows
    differ only by how often and at which level the canaries are checked.
    """
    alpha, min_discordant, _ = _check_decision_args(alpha, min_discordant, 1)
    b_cum, c_cum = _discordant_cumsums(n_runs, n_requests, champion_accuracy, candidate_accuracy, discordant_rate, seed)
    rows = []
    for every in check_every:
        every = check_int(every, "check_every", min_value=1)
        looks = math.ceil(b_cum.shape[1] / every)
        for corrected in (False, True):
            rates = _rates(b_cum, c_cum, every, alpha / looks if corrected else alpha, min_discordant)
            rows.append({"check_every": every, "looks": looks, "corrected": corrected, **rates})
    return pd.DataFrame(rows)
