"""A seeded synthetic stream of loan applications, and injectors that make it drift or break.

Every applicant has six numeric features and one categorical feature. The label ``default`` (1 = the loan
was not repaid) is drawn from a known logistic ground truth, :func:`default_probability`, so P(y | X) is
defined exactly and the three kinds of drift can be produced on purpose:

* **covariate drift** (:func:`covariate_drift`): P(X) changes, labels are redrawn from the *same* rule;
* **prior (label) drift** (:func:`prior_drift`): P(y) changes by resampling within each class, P(X | y) fixed;
* **concept drift** (:func:`concept_drift`): P(y | X) changes, the inputs are left untouched.

:func:`inject_fault` plants data-quality faults (nulls, numbers as strings, a unit change, an unseen
category, a renamed column) that a validation step should stop.

All functions are pure: they take a ``seed`` (anything :func:`numpy.random.default_rng` accepts) and return
new frames; the same seed gives the same frame, bit for bit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import pandas as pd

__all__ = [
    "BASE_RULE",
    "CATEGORICAL_FEATURES",
    "CONCEPT_DRIFT_RULE",
    "FAULTS",
    "FEATURES",
    "LABEL",
    "NUMERIC_FEATURES",
    "REGIONS",
    "LabelRule",
    "concept_drift",
    "covariate_drift",
    "default_probability",
    "inject_fault",
    "make_applications",
    "make_stream",
    "prior_drift",
]

#: Numeric inputs, with units: age (years), income (thousand dollars a year), loan_amount (thousand
#: dollars), credit_score (300-850), debt_to_income (ratio 0-1), employment_years (years).
NUMERIC_FEATURES = ("age", "income", "loan_amount", "credit_score", "debt_to_income", "employment_years")
CATEGORICAL_FEATURES = ("region",)
FEATURES = NUMERIC_FEATURES + CATEGORICAL_FEATURES
LABEL = "default"
REGIONS = ("north", "south", "east", "west")
_REGION_SHARES = (0.3, 0.3, 0.2, 0.2)
_REGION_VALUES = pd.array(list(REGIONS), dtype="str")
FAULTS = ("nulls", "numbers_as_strings", "unit_x1000", "unseen_category", "renamed_column")


@dataclass(frozen=True)
class LabelRule:
    """A logistic ground truth: logit P(default=1 | x) = intercept + sum of weight * standardised feature.

    Numeric features are standardised with fixed constants (not with the data), so a rule means the same
    thing on any batch. ``income`` and ``loan_amount`` enter on a log scale.
    """

    name: str
    intercept: float
    weights: Mapping[str, float]
    region_effects: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "weights", MappingProxyType(dict(self.weights)))
        object.__setattr__(self, "region_effects", MappingProxyType(dict(self.region_effects)))


# Fixed centring and scaling constants for the rule (roughly the base population's mean and sd).
_STANDARDISE: dict[str, tuple[Callable[[np.ndarray], np.ndarray], float, float]] = {
    "age": (lambda s: s, 40.0, 12.0),
    "income": (np.log, np.log(50.0), 0.5),
    "loan_amount": (np.log, np.log(15.0), 0.6),
    "credit_score": (lambda s: s, 680.0, 60.0),
    "debt_to_income": (lambda s: s, 0.28, 0.16),
    "employment_years": (lambda s: s, 5.0, 5.0),
}

# Drifted values are clipped to these bounds so that every row stays a possible applicant (income and loan
# amounts stay positive because the rule takes their logarithm).
_VALID_RANGE = {
    "age": (18, 100),
    "income": (1.0, np.inf),
    "loan_amount": (0.5, np.inf),
    "credit_score": (300, 850),
    "debt_to_income": (0.0, 1.0),
    "employment_years": (0.0, 60.0),
}

BASE_RULE = LabelRule(
    name="base",
    intercept=-1.6,
    weights={
        "age": -0.3,
        "income": -1.0,
        "loan_amount": 1.0,
        "credit_score": -1.8,
        "debt_to_income": 1.8,
        "employment_years": -0.5,
    },
    region_effects={"north": 0.0, "south": 0.4, "east": -0.3, "west": 0.1},
)

#: After a (simulated) change in the economy the loan amount matters much more, and credit score, income, age and
#: employment years flip sign (higher values now mean *higher* risk), so a model trained on BASE_RULE is wrong.
CONCEPT_DRIFT_RULE = LabelRule(
    name="concept-drift",
    intercept=-1.4,
    weights={
        "age": 0.3,
        "income": 1.0,
        "loan_amount": 1.8,
        "credit_score": 0.6,
        "debt_to_income": 1.8,
        "employment_years": 0.5,
    },
    region_effects={"north": 0.5, "south": -0.4, "east": 0.3, "west": -0.2},
)


def _require_frame(df: object, columns: tuple[str, ...] = ()) -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise KeyError(
            f"missing column(s) {missing}; the frame has {list(df.columns)}. "
            "Pass a frame made by make_applications() or make_stream()."
        )
    return df


def default_probability(df: pd.DataFrame, rule: LabelRule = BASE_RULE) -> np.ndarray:
    """Return the true P(default = 1 | x) of every row under ``rule``."""
    _require_frame(df, FEATURES)
    logit = np.full(len(df), rule.intercept, dtype=float)
    for column, weight in rule.weights.items():
        transform, centre, scale = _STANDARDISE[column]
        values = transform(df[column].to_numpy(dtype=float))
        logit += weight * (values - centre) / scale
    logit += _region_effect(df["region"], dict(rule.region_effects))
    return 1.0 / (1.0 + np.exp(-logit))


def _region_effect(region: pd.Series, effects: Mapping[str, float]) -> np.ndarray:
    """Each row's region effect, 0.0 for a region the rule does not name or a missing one.

    The same as ``region.map(effects).fillna(0.0)``; looking up each distinct value once is 3x faster on
    large frames, where mapping a string column row by row dominated the label draw.
    """
    codes, uniques = pd.factorize(region)  # a missing value gets code -1: the appended 0.0
    lookup = np.array([effects.get(value, 0.0) for value in uniques] + [0.0], dtype=float)
    return lookup[codes]


def _draw_labels(df: pd.DataFrame, rule: LabelRule, rng: np.random.Generator) -> np.ndarray:
    return (rng.random(len(df)) < default_probability(df, rule)).astype(np.int64)


def _draw_features(n: int, rng: np.random.Generator) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "age": np.clip(np.rint(rng.normal(40, 12, n)), 18, 80).astype(np.int64),
            "income": np.round(rng.lognormal(np.log(50.0), 0.5, n), 2),
            "loan_amount": np.round(rng.lognormal(np.log(15.0), 0.6, n), 2),
            "credit_score": np.clip(np.rint(rng.normal(680, 60, n)), 300, 850).astype(np.int64),
            "debt_to_income": np.round(rng.beta(2.0, 5.0, n), 4),
            "employment_years": np.round(np.clip(rng.exponential(5.0, n), 0, 40), 1),
            # The same draw as rng.choice(REGIONS, ...); taking from the string array is 10x faster than
            # converting a numpy array of strings row by row.
            "region": _REGION_VALUES.take(rng.choice(len(REGIONS), size=n, p=_REGION_SHARES)),
        }
    )


def make_applications(n: int, seed=0, rule: LabelRule = BASE_RULE) -> pd.DataFrame:
    """Return ``n`` loan applications with features and a ``default`` label drawn from ``rule``."""
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    rng = np.random.default_rng(seed)
    df = _draw_features(int(n), rng)
    df[LABEL] = _draw_labels(df, rule, rng)
    return df


def make_stream(n_days: int = 30, rows_per_day: int = 500, seed=0, rule: LabelRule = BASE_RULE) -> pd.DataFrame:
    """Return ``n_days`` days of applications, ``rows_per_day`` a day, with a ``day`` column (0-based).

    No drift is present: every day comes from the same population and the same rule. Use the injectors
    to add drift from a chosen day.
    """
    for name, value in (("n_days", n_days), ("rows_per_day", rows_per_day)):
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    df = make_applications(int(n_days) * int(rows_per_day), seed=seed, rule=rule)
    df.insert(0, "day", np.repeat(np.arange(n_days, dtype=np.int64), rows_per_day))
    return df


def _strength(df: pd.DataFrame, start_day: int, ramp_days: int) -> np.ndarray:
    """Per-row drift strength in [0, 1]: 0 before ``start_day``, rising linearly over ``ramp_days``.

    ``ramp_days=0`` is an abrupt change; a frame without a ``day`` column is treated as one day, day 0.
    """
    if ramp_days < 0:
        raise ValueError(f"ramp_days must be >= 0, got {ramp_days}")
    day = df["day"].to_numpy(dtype=float) if "day" in df.columns else np.zeros(len(df))
    if ramp_days == 0:
        return (day >= start_day).astype(float)
    return np.clip((day - start_day + 1) / ramp_days, 0.0, 1.0)


def covariate_drift(
    df: pd.DataFrame,
    start_day: int = 0,
    shift: Mapping[str, float] | None = None,
    scale: Mapping[str, float] | None = None,
    ramp_days: int = 0,
    seed=0,
    rule: LabelRule = BASE_RULE,
) -> pd.DataFrame:
    """Shift and/or scale numeric columns from ``start_day``; labels of the changed rows are redrawn from ``rule``.

    ``shift={"income": -15}`` subtracts 15 (thousand dollars) from income; ``scale={"loan_amount": 1.5}``
    multiplies loan amounts by 1.5. With ``ramp_days > 0`` the change grows linearly to full size.
    P(y | X) stays ``rule``: only the inputs move.
    """
    shift, scale = dict(shift or {}), dict(scale or {})
    if not shift and not scale:
        raise ValueError("give at least one column in shift= or scale=")
    _require_frame(df, FEATURES + tuple(shift) + tuple(scale))
    for column in {*shift, *scale}:
        if column not in NUMERIC_FEATURES:
            raise ValueError(f"{column!r} is not a numeric feature; choose from {NUMERIC_FEATURES}")
    out = df.copy()
    strength = _strength(out, start_day, ramp_days)
    for column in {*shift, *scale}:
        values = out[column].to_numpy(dtype=float)
        factor = 1.0 + (scale.get(column, 1.0) - 1.0) * strength
        moved = values * factor + shift.get(column, 0.0) * strength
        low, high = _VALID_RANGE[column]
        moved = np.clip(moved, low, high)
        if np.issubdtype(df[column].dtype, np.integer):
            out[column] = np.rint(moved).astype(df[column].dtype)
        else:
            out[column] = np.round(moved, 4)
    changed = strength > 0
    if LABEL in out.columns and changed.any():
        rng = np.random.default_rng(seed)
        out.loc[changed, LABEL] = _draw_labels(out.loc[changed], rule, rng)
    return out


def prior_drift(df: pd.DataFrame, start_day: int, positive_rate: float, ramp_days: int = 0, seed=0) -> pd.DataFrame:
    """Resample rows within each class from ``start_day`` so the share of ``default == 1`` becomes ``positive_rate``.

    Rows are drawn with replacement from the same day's rows of the wanted class, so P(X | y) is unchanged
    and every day keeps its row count. With ``ramp_days > 0`` the rate moves linearly from the day's own
    rate to ``positive_rate``.
    """
    _require_frame(df, (LABEL,))
    if not 0.0 < positive_rate < 1.0:
        raise ValueError(f"positive_rate must be strictly between 0 and 1, got {positive_rate}")
    rng = np.random.default_rng(seed)
    strength = _strength(df, start_day, ramp_days)
    days = df["day"].to_numpy() if "day" in df.columns else np.zeros(len(df), dtype=np.int64)
    pieces = []
    for day in pd.unique(days):
        rows = df[days == day]
        s = float(strength[days == day][0])
        if s == 0.0:
            pieces.append(rows)
            continue
        own_rate = float(rows[LABEL].mean())
        rate = own_rate + (positive_rate - own_rate) * s
        n_pos = round(rate * len(rows))
        pos, neg = rows[rows[LABEL] == 1], rows[rows[LABEL] == 0]
        if len(pos) == 0 or len(neg) == 0:
            raise ValueError(f"day {day} has only one class; prior drift needs both to resample from")
        take_pos = pos.iloc[rng.integers(0, len(pos), n_pos)]
        take_neg = neg.iloc[rng.integers(0, len(neg), len(rows) - n_pos)]
        mixed = pd.concat([take_pos, take_neg])
        pieces.append(mixed.iloc[rng.permutation(len(mixed))])
    return pd.concat(pieces, ignore_index=True)


def concept_drift(
    df: pd.DataFrame,
    start_day: int = 0,
    rule: LabelRule = CONCEPT_DRIFT_RULE,
    ramp_days: int = 0,
    seed=0,
) -> pd.DataFrame:
    """Redraw labels from ``rule`` from ``start_day`` on; the inputs are not touched, so P(X) is unchanged.

    With ``ramp_days > 0`` a growing share of each day's rows follows the new rule (a gradual change).
    """
    _require_frame(df, (*FEATURES, LABEL))
    rng = np.random.default_rng(seed)
    strength = _strength(df, start_day, ramp_days)
    follows_new_rule = rng.random(len(df)) < strength
    out = df.copy()
    if follows_new_rule.any():
        out.loc[follows_new_rule, LABEL] = _draw_labels(out.loc[follows_new_rule], rule, rng)
    return out


def inject_fault(
    df: pd.DataFrame,
    fault: str,
    column: str | None = None,
    start_day: int = 0,
    fraction: float = 0.1,
    seed=0,
) -> pd.DataFrame:
    """Plant one data-quality fault from ``start_day`` on and return the damaged copy.

    ``fault`` is one of :data:`FAULTS`:

    * ``"nulls"``: a ``fraction`` of ``column`` (default ``income``) becomes missing;
    * ``"numbers_as_strings"``: ``column`` (default ``income``) becomes text, as from a broken CSV export;
    * ``"unit_x1000"``: ``column`` (default ``income``) is multiplied by 1000 (dollars instead of thousands);
    * ``"unseen_category"``: a ``fraction`` of ``region`` becomes ``"unknown"``;
    * ``"renamed_column"``: ``column`` (default ``income``) is renamed to ``<column>_v2`` for the whole frame.

    Faults that change a dtype or a name affect the whole column, since a column has one dtype and one name.
    """
    if fault not in FAULTS:
        raise ValueError(f"unknown fault {fault!r}; choose one of {FAULTS}")
    column = column or ("region" if fault == "unseen_category" else "income")
    _require_frame(df, (column,))
    if not 0.0 < fraction <= 1.0:
        raise ValueError(f"fraction must be in (0, 1], got {fraction}")
    out = df.copy()
    rng = np.random.default_rng(seed)
    affected = _strength(out, start_day, 0) > 0
    if fault == "renamed_column":
        return out.rename(columns={column: f"{column}_v2"})
    if fault == "unseen_category" and not pd.api.types.is_string_dtype(out[column].dtype):
        raise ValueError(f"unseen_category needs a text column such as 'region', got {column!r} ({out[column].dtype})")
    if fault == "numbers_as_strings":
        if column not in NUMERIC_FEATURES:
            raise ValueError(f"numbers_as_strings needs a numeric feature, got {column!r}")
        out[column] = out[column].astype(str)
        return out
    if fault == "unit_x1000":
        if column not in NUMERIC_FEATURES:
            raise ValueError(f"unit_x1000 needs a numeric feature, got {column!r}")
        out[column] = out[column].astype(float)
        out.loc[affected, column] = out.loc[affected, column] * 1000.0
        return out
    hit = affected & (rng.random(len(out)) < fraction)
    if fault == "nulls":
        if pd.api.types.is_integer_dtype(out[column].dtype):
            out[column] = out[column].astype(float)
        out.loc[hit, column] = np.nan
    else:  # unseen_category
        out.loc[hit, column] = "unknown"
    return out
