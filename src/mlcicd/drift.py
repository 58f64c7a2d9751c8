"""Drift statistics: the population stability index and a per-column drift report with Evidently's default tests.

:func:`psi` compares a current sample with a reference one over the reference's quantile bins.

:func:`drift_report` tests every column and picks the test the way Evidently does by default (DESIGN §8),
counting distinct values over reference and current together (missing values are dropped first):

=========================  ========================================  =========================================
reference rows (non-null)  column                                    test, and when it says "drift"
=========================  ========================================  =========================================
<= 1000                    numeric with > 5 distinct values          two-sample Kolmogorov-Smirnov, p <= alpha
<= 1000                    categorical, or numeric with 3-5 values   chi-squared, p <= alpha
<= 1000                    at most 2 distinct values (binary)        two-proportion z-test, p <= alpha
> 1000                     numeric with > 5 distinct values          Wasserstein distance / reference std, >= 0.1
> 1000                     anything else                             Jensen-Shannon distance, >= 0.1
=========================  ========================================  =========================================

Small samples get hypothesis tests (a p-value); large ones get distances, because with many rows a p-value
flags differences far too small to matter. The dataset drifts when the share of drifted columns is at least
``drift_share`` (0.5).

The statistics are scipy's: ``ks_2samp``; ``chi2_contingency`` on the 2 x k table of value counts (a
two-sample test of homogeneity, with scipy's default Yates correction when the table is 2 x 2; Evidently
itself runs a goodness-of-fit ``chisquare`` that treats the reference shares as exact);
``wasserstein_distance`` divided by the reference's population standard deviation (floored at 0.001, as in
Evidently); ``jensenshannon`` (natural logarithm, so at most sqrt(ln 2) = 0.833) on the value shares. The
z-test is the pooled two-proportion test, whose z squared equals the uncorrected 2 x 2 chi-squared.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

import numpy as np
import pandas as pd
from scipy import stats
from scipy.spatial.distance import jensenshannon

__all__ = [
    "TESTS",
    "P_VALUE_TESTS",
    "psi",
    "choose_test",
    "column_drift",
    "DriftReport",
    "drift_report",
]

#: Test names used in the report's ``test`` column.
TESTS = ("ks", "chi_squared", "z_test", "wasserstein", "jensen_shannon")
#: Tests that give a p-value (the others give a distance).
P_VALUE_TESTS = ("ks", "chi_squared", "z_test")
_NUMERIC_ONLY = ("ks", "wasserstein")
SMALL_REFERENCE_ROWS = 1000
_MIN_STD = 0.001


def _is_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype)


def _as_series(values: object, name: str) -> pd.Series:
    if isinstance(values, pd.DataFrame):
        raise TypeError(
            f"{name} must be one column (a Series or 1-d array), got a DataFrame; pick a column, e.g. df['income']"
        )
    if isinstance(values, pd.Series):
        series = values
    elif isinstance(values, (np.ndarray, list, tuple)):
        series = pd.Series(values)
        if series.ndim != 1:
            raise TypeError(f"{name} must be 1-dimensional")
    else:
        raise TypeError(f"{name} must be a pandas Series, numpy array or list, got {type(values).__name__}")
    series = series.dropna()
    if len(series) == 0:
        raise ValueError(f"{name} has no non-missing values; drift needs data on both sides")
    return series


def psi(reference, current, bins: int = 10, eps: float = 1e-4) -> float:
    """Population stability index: sum over bins of (A - E) * ln(A / E).

    E and A are the shares of the reference and of the current sample in each bin. For numeric data the
    bins are cut at the reference's quantiles (``bins`` bins; tied quantiles merge, and the outer bins are
    open so current values beyond the reference's range still count). For text/categorical data each value
    is a bin. Empty bins get the share ``eps`` (shares are not renormalised). Missing values are dropped.
    Every term is >= 0, so PSI >= 0, and PSI(x, x) = 0. Reading: < 0.1 stable, 0.1-0.25 moderate,
    > 0.25 significant; on small samples PSI is biased upwards (about 0.1 at 200 rows without drift).
    """
    if isinstance(bins, bool) or not isinstance(bins, (int, np.integer)) or bins < 1:
        raise ValueError(f"bins must be a positive integer, got {bins!r}")
    if not 0.0 < eps < 1.0:
        raise ValueError(f"eps must be in (0, 1), got {eps!r}")
    ref, cur = _as_series(reference, "reference"), _as_series(current, "current")
    if _is_numeric(ref) != _is_numeric(cur):
        raise TypeError(
            f"reference is {ref.dtype} but current is {cur.dtype}: both must be numeric or both categorical "
            "(validate the data first: a numeric column stored as text is a data-quality fault, not drift)"
        )
    if _is_numeric(ref):
        ref_values, cur_values = ref.to_numpy(dtype=float), cur.to_numpy(dtype=float)
        cuts = np.unique(np.quantile(ref_values, np.linspace(0.0, 1.0, bins + 1)[1:-1]))
        expected = np.bincount(np.searchsorted(cuts, ref_values, side="right"), minlength=len(cuts) + 1)
        actual = np.bincount(np.searchsorted(cuts, cur_values, side="right"), minlength=len(cuts) + 1)
    else:
        expected, actual = _value_counts(ref, cur)
    e = expected / expected.sum()
    a = actual / actual.sum()
    e = np.where(e == 0, eps, e)
    a = np.where(a == 0, eps, a)
    return float(np.sum((a - e) * np.log(a / e)))


def _value_counts(ref: pd.Series, cur: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Counts of every value seen on either side, aligned (same order for both)."""
    both = pd.concat([ref, cur], ignore_index=True)
    if isinstance(both.dtype, pd.CategoricalDtype):
        both = both.astype(object)  # count observed values only, not every declared category
    keys = pd.unique(both)
    r = both.iloc[: len(ref)].value_counts().reindex(keys, fill_value=0).to_numpy(dtype=np.int64)
    c = both.iloc[len(ref):].value_counts().reindex(keys, fill_value=0).to_numpy(dtype=np.int64)
    return r, c


def choose_test(reference: pd.Series, current: pd.Series) -> str:
    """Return the name of the test Evidently's default rules pick for this column (see the module table)."""
    ref, cur = _as_series(reference, "reference"), _as_series(current, "current")
    numeric = _is_numeric(ref) and _is_numeric(cur)
    n_values = pd.concat([ref, cur], ignore_index=True).nunique()
    if len(ref) <= SMALL_REFERENCE_ROWS:
        if numeric and n_values > 5:
            return "ks"
        return "chi_squared" if n_values > 2 else "z_test"
    return "wasserstein" if numeric and n_values > 5 else "jensen_shannon"


def _z_test(ref_counts: np.ndarray, cur_counts: np.ndarray) -> tuple[float, float]:
    """Pooled two-proportion z-test on the share of the first value; returns (|z|, two-sided p)."""
    n1, n2 = ref_counts.sum(), cur_counts.sum()
    p1, p2 = ref_counts[0] / n1, cur_counts[0] / n2
    pooled = (ref_counts[0] + cur_counts[0]) / (n1 + n2)
    if pooled in (0.0, 1.0):  # one value on both sides: nothing to compare
        return 0.0, 1.0
    z = abs(p1 - p2) / np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return float(z), float(2 * stats.norm.sf(z))


def column_drift(reference, current, test: str | None = None) -> tuple[str, float, float]:
    """Run one drift test on one column; return ``(test, statistic, p_value)`` (p-value NaN for distances).

    ``test`` is one of :data:`TESTS`, or ``None`` for Evidently's default choice (:func:`choose_test`).
    Missing values are dropped first.
    """
    ref, cur = _as_series(reference, "reference"), _as_series(current, "current")
    if _is_numeric(ref) != _is_numeric(cur):
        raise TypeError(
            f"column {ref.name!r}: reference is {ref.dtype} but current is {cur.dtype}; validate the data first "
            "(a numeric column arriving as text is a schema fault, not drift)"
        )
    test = choose_test(ref, cur) if test is None else test
    if test not in TESTS:
        raise ValueError(f"unknown test {test!r}; choose one of {TESTS}")
    if test in _NUMERIC_ONLY and not _is_numeric(ref):
        raise TypeError(f"test {test!r} needs a numeric column, got dtype {ref.dtype}")
    nan = float("nan")
    if test == "ks":
        result = stats.ks_2samp(ref.to_numpy(dtype=float), cur.to_numpy(dtype=float))
        return test, float(result.statistic), float(result.pvalue)
    if test == "wasserstein":
        ref_values = ref.to_numpy(dtype=float)
        distance = stats.wasserstein_distance(ref_values, cur.to_numpy(dtype=float))
        return test, float(distance / max(np.std(ref_values), _MIN_STD)), nan
    ref_counts, cur_counts = _value_counts(ref, cur)
    if test == "jensen_shannon":
        return test, float(jensenshannon(ref_counts / ref_counts.sum(), cur_counts / cur_counts.sum())), nan
    if test == "z_test":
        if len(ref_counts) > 2:
            raise ValueError(
                f"the z-test needs a binary column, got {len(ref_counts)} distinct values; use 'chi_squared'"
            )
        return (test, *_z_test(ref_counts, cur_counts))
    result = stats.chi2_contingency(np.vstack([ref_counts, cur_counts]))
    return test, float(result.statistic), float(result.pvalue)


@dataclass(frozen=True, eq=False)
class DriftReport:
    """The result of :func:`drift_report`.

    ``table`` has one row per column: column, kind ("numeric"/"categorical"), test, statistic, p_value
    (NaN for distance tests), threshold, drifted. ``share`` is the share of drifted columns and
    ``dataset_drift`` is ``share >= drift_share``.
    """

    table: pd.DataFrame
    drifted_columns: list[str]
    share: float
    dataset_drift: bool
    drift_share: float = 0.5

    def __str__(self) -> str:
        verdict = "DRIFT" if self.dataset_drift else "no dataset drift"
        return (
            f"{verdict}: {len(self.drifted_columns)} of {len(self.table)} columns drifted "
            f"(share {self.share:.2f}, threshold {self.drift_share:.2f}): {self.drifted_columns}"
        )

    def _repr_html_(self) -> str:
        return f"<p>{str(self)}</p>" + self.table.to_html(index=False)


def _require_frame(df: object, name: str) -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"drift_report() expects {name} to be a pandas DataFrame, got {type(df).__name__}")
    if len(df) == 0:
        raise ValueError(f"{name} is empty (0 rows); drift needs rows on both sides")
    return df


def drift_report(
    reference: pd.DataFrame,
    current: pd.DataFrame,
    columns: Iterable[str] | None = None,
    bonferroni: bool = False,
    alpha: float = 0.05,
    distance_threshold: float = 0.1,
    drift_share: float = 0.5,
    tests: Mapping[str, str] | None = None,
) -> DriftReport:
    """Test every column of ``columns`` (default: all columns of ``reference``) for drift from reference to current.

    The test per column follows Evidently's defaults (module docstring) unless ``tests`` maps a column to
    one of :data:`TESTS`. P-value tests flag drift when p <= alpha; with ``bonferroni=True`` alpha is divided
    by the number of columns tested. Distance tests flag drift when the distance >= ``distance_threshold``.
    For a loan stream pass ``columns=mlcicd.data.FEATURES``: the ``day`` column always "drifts" and the label
    is not an input.
    """
    _require_frame(reference, "reference")
    _require_frame(current, "current")
    if isinstance(columns, str):
        columns = [columns]
    columns = list(reference.columns) if columns is None else list(columns)
    if not columns:
        raise ValueError("no columns to test; pass columns=[...] with at least one name")
    for name, frame in (("reference", reference), ("current", current)):
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise KeyError(f"{name} is missing column(s) {missing}; it has {list(frame.columns)}")
    tests = dict(tests or {})
    unknown = [c for c in tests if c not in columns]
    if unknown:
        raise KeyError(f"tests= names column(s) {unknown} that are not being tested ({columns})")
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha must be in (0, 1), got {alpha}")
    p_threshold = alpha / len(columns) if bonferroni else alpha
    rows = []
    for column in columns:
        ref, cur = reference[column], current[column]
        for side, values in (("reference", ref), ("current", cur)):
            if values.dropna().empty:
                raise ValueError(f"column {column!r} has no non-missing values in {side}")
        test, statistic, p_value = column_drift(ref, cur, tests.get(column))
        if test in P_VALUE_TESTS:
            threshold, drifted = p_threshold, p_value <= p_threshold
        else:
            threshold, drifted = distance_threshold, statistic >= distance_threshold
        kind = "numeric" if _is_numeric(ref) else "categorical"
        rows.append((column, kind, test, statistic, p_value, threshold, bool(drifted)))
    table = pd.DataFrame(rows, columns=["column", "kind", "test", "statistic", "p_value", "threshold", "drifted"])
    drifted_columns = table.loc[table["drifted"], "column"].tolist()
    share = len(drifted_columns) / len(columns)
    return DriftReport(table, drifted_columns, share, share >= drift_share, drift_share)
