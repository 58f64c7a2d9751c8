"""Drift statistics: the population stability index and a per-column drift report with Evidently's default tests.

:func:`psi` compares a current sample with a reference one over the reference's quantile bins (one bin per value
for a numeric column with at most ``bins`` distinct values, such as a 0/1 flag).

:func:`drift_report` tests every column and picks the test the way Evidently does by default (CONTRIBUTING.md,
"Content facts"), counting distinct values over reference and current together (missing values are dropped first):

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
two-sample test of homogeneity, with scipy's default Yates correction when the table is 2 x 2);
``wasserstein_distance`` divided by the reference's population standard deviation (floored at 0.001, as in
Evidently); ``jensenshannon`` (natural logarithm, so at most sqrt(ln 2) = 0.833) on the value shares. The
z-test is the pooled two-proportion test, whose z squared equals the uncorrected 2 x 2 chi-squared.

**Why verdicts on categorical columns differ from Evidently.** KS, the normed Wasserstein distance,
Jensen-Shannon and the z-test give Evidently's numbers. For the chi-squared test Evidently runs a goodness-of-fit
``chisquare`` of the current counts against the reference *shares*, as if those shares were the exact population
values. The reference is a sample too, so without any drift that statistic is inflated (by about 1 + n_cur / n_ref)
and Evidently flags drift too often: with 500 rows on each side and alpha = 0.05 it says "drift" on about 29% of
no-drift pairs, against about 5% for the contingency test kept here (seeded simulation, 4 categories). A value
never seen in the reference also breaks the goodness-of-fit test (an expected count of 0) but is simply one more
column of the contingency table. So on categorical columns (and numeric ones with 3-5 values) this module says
"drift" less often than Evidently, and its p-values mean what they claim. It also decides numeric vs categorical
by dtype, not by Evidently's column mapping.

**What no test can compare.** Every path (PSI, each test, the choice of test and the 1,000-row rule) goes
through the same checks, so that nothing is silently miscounted. Missing values (NaN, None, ``pd.NA``) are dropped.
±inf is refused with a ``ValueError`` naming the column, the side and the count (an infinity is a data fault, not
drift: :mod:`mlcicd.validation` reports it as ``infinite_values``; ``df.replace([np.inf, -np.inf], np.nan)``
drops it like a missing value). A ``TypeError`` naming the column and the fix refuses numbers stored as text or as
Python objects (each would become its own category, and no test could see a shift: convert them with
``pd.to_numeric``, or give codes that really are labels, such as postcodes, a ``category`` dtype), date, time and
timedelta columns (derive a number first) and complex numbers.

A monitor that compares every day's batch with the same reference can pass a :class:`ReferenceProfile`
(built once from the reference frame) to :func:`drift_report` instead of the frame: the report is identical,
but sorting the reference, its standard deviations and its value counts are not redone for every batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import NoReturn

import numpy as np
import pandas as pd
from scipy import stats
from scipy.spatial.distance import jensenshannon

from mlcicd._checks import check_bool, check_fraction, check_int, check_number

__all__ = [
    "P_VALUE_TESTS",
    "TESTS",
    "DriftReport",
    "ReferenceProfile",
    "choose_test",
    "column_drift",
    "drift_report",
    "psi",
]

#: Test names used in the report's ``test`` column.
TESTS = ("ks", "chi_squared", "z_test", "wasserstein", "jensen_shannon")
#: Tests that give a p-value (the others give a distance).
P_VALUE_TESTS = ("ks", "chi_squared", "z_test")
_NUMERIC_ONLY = ("ks", "wasserstein")

# scipy.stats.ks_2samp without its axis and NaN-policy wrapper, which costs twice the test itself on a
# 500-row batch; the samples here are always 1-D and free of missing values, which is all it would handle.
_ks_2samp = getattr(stats.ks_2samp, "__wrapped__", stats.ks_2samp)

SMALL_REFERENCE_ROWS = 1000
_MIN_STD = 0.001


def _is_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype)


def _where(name: object, side: str) -> str:
    """How an error names the data: "column 'income' in current", or just "current" for an unnamed sample."""
    return side if name is None else f"column {name!r} in {side}"


_INFINITY_FIX = (
    "drift tests need finite numbers, and an infinity is a data fault, not drift: validate the data first "
    "(mlcicd.validation reports it as infinite_values), or drop them like missing values with "
    "df.replace([np.inf, -np.inf], np.nan)"
)
_TIME_KINDS = ("datetime", "datetime64", "date", "time", "timedelta", "timedelta64", "period")
_NUMBER_KINDS = ("integer", "floating", "mixed-integer-float", "decimal")


def _refuse_time(where: str, dtype: object, kind: str = "datetime64") -> NoReturn:
    if kind.startswith("timedelta"):
        fix = "convert it to a number first, e.g. df[col].dt.total_seconds()"
    else:
        fix = (
            "test a number derived from it instead, e.g. (df[col] - df[col].min()).dt.days, or a calendar "
            "feature such as df[col].dt.month (pd.to_datetime first if the dates are stored as objects)"
        )
    raise TypeError(
        f"{where} has dtype {dtype} ({kind}): drift tests compare numbers or categories, not dates or times; {fix}"
    )


def _parse_as_numbers(values: np.ndarray) -> bool:
    """True when every one of the (non-missing, text) ``values`` reads as a number ("52.3", "7")."""
    if pd.isna(pd.to_numeric(values[:1], errors="coerce")[0]):  # the usual case, a label such as "north": fast
        return False
    return not pd.isna(pd.to_numeric(values, errors="coerce")).any()


def _values(series: pd.Series, side: str) -> np.ndarray:
    """The non-missing values of one column, after refusing what no drift test can compare meaningfully.

    Every path (PSI, each test, the choice of test and the 1,000-row rule) goes through here, so the rules are
    the same everywhere: datetime, timedelta and complex columns are a TypeError (derive a number first); numbers
    stored as text or as Python objects are a TypeError (``pd.to_numeric``, or a category dtype for codes that are
    labels); ±inf is a ValueError (a data fault, as for mlcicd.validation). NaN / None / pd.NA are missing values
    and are dropped.
    """
    where, dtype = _where(series.name, side), series.dtype
    if isinstance(dtype, (pd.DatetimeTZDtype, pd.PeriodDtype)) or (isinstance(dtype, np.dtype) and dtype.kind in "mM"):
        _refuse_time(where, dtype, "timedelta64" if getattr(dtype, "kind", "") == "m" else str(dtype).split("[")[0])
    if pd.api.types.is_complex_dtype(dtype):
        raise TypeError(
            f"{where} has dtype {dtype} (complex): drift tests compare real numbers or categories; test the parts "
            "as separate columns, e.g. np.abs(df[col]) or df[col].to_numpy().real and .imag"
        )
    values = _non_missing(series)
    if _is_numeric(series):
        if values.dtype.kind not in "iub":  # integers and booleans cannot be infinite
            infinite = np.isinf(np.asarray(values, dtype=float))
            if infinite.any():
                n = int(infinite.sum())
                raise ValueError(f"{where} has {n} infinite value{'s' if n > 1 else ''}; {_INFINITY_FIX}")
        return values
    if len(values) and ((isinstance(dtype, np.dtype) and dtype.kind == "O") or isinstance(dtype, pd.StringDtype)):
        kind = pd.api.types.infer_dtype(values, skipna=False)
        if kind in _TIME_KINDS:
            _refuse_time(where, dtype, kind)
        if kind == "complex":
            raise TypeError(
                f"{where} holds complex numbers as objects; test np.abs() or the real and imaginary "
                "parts as separate numeric columns"
            )
        if kind in _NUMBER_KINDS or (kind == "string" and _parse_as_numbers(values)):
            example = values[0]
            raise TypeError(
                f"{where} holds numbers stored as text or as objects (dtype {dtype}, e.g. {example!r}): each value "
                "would become its own category and no test could see a shift; convert them with "
                "pd.to_numeric(df[col]) before testing for drift (or, if they are labels such as postcodes, with "
                ".astype('category')); validate the data first: a numeric column arriving as text is a schema "
                "fault, not drift"
            )
    return values


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

    E and A are the shares of the reference and of the current sample in each bin. For numeric data with more
    than ``bins`` distinct values in the reference, the bins are cut at the reference's quantiles (``bins``
    bins; tied quantiles merge, and the outer bins are open so current values beyond the reference's range
    still count). A numeric column with at most ``bins`` distinct reference values (a 0/1 flag, a count, a
    rating) gets one bin per distinct value seen on either side instead: quantile cuts would merge a rare value
    into its neighbour's bin and hide a shift (a 0/1 column going from 5% to 20% ones gave PSI 0). For
    text/categorical data each value is a bin. Empty bins get the share ``eps`` (shares are not renormalised).
    Missing values are dropped; infinities, numbers stored as text, dates and complex numbers are refused (see
    the module docstring). Every term is >= 0, so PSI >= 0, and PSI(x, x) = 0. Reading: < 0.1 stable, 0.1-0.25
    moderate, > 0.25 significant; on small samples PSI is biased upwards, by about (k - 1)(1/n_ref + 1/n_cur)
    for k bins (about 0.1 for 10 bins and 200 rows on each side without drift).
    """
    bins = check_int(bins, "bins", min_value=1)
    eps = check_number(eps, "eps", greater_than=0.0, less_than=1.0)
    ref, cur = _as_series(reference, "reference"), _as_series(current, "current")
    ref_values, cur_values = _values(ref, "reference"), _values(cur, "current")
    if _is_numeric(ref) != _is_numeric(cur):
        raise TypeError(
            f"reference is {ref.dtype} but current is {cur.dtype}: both must be numeric or both categorical "
            "(validate the data first: a numeric column stored as text is a data-quality fault, not drift)"
        )
    if _is_numeric(ref):
        ref_values, cur_values = np.asarray(ref_values, dtype=float), np.asarray(cur_values, dtype=float)
        levels = np.unique(ref_values)
        if len(levels) <= bins:  # discrete: one bin per value seen on either side
            levels = np.union1d(levels, cur_values)
            expected = np.bincount(np.searchsorted(levels, ref_values), minlength=len(levels))
            actual = np.bincount(np.searchsorted(levels, cur_values), minlength=len(levels))
        else:
            cuts = np.unique(np.quantile(ref_values, np.linspace(0.0, 1.0, bins + 1)[1:-1]))
            expected = np.bincount(np.searchsorted(cuts, ref_values, side="right"), minlength=len(cuts) + 1)
            actual = np.bincount(np.searchsorted(cuts, cur_values, side="right"), minlength=len(cuts) + 1)
    else:
        expected, actual = _ColumnProfile(ref).counts(cur_values)
    e = expected / expected.sum()
    a = actual / actual.sum()
    e = np.where(e == 0, eps, e)
    a = np.where(a == 0, eps, a)
    return float(np.sum((a - e) * np.log(a / e)))


def _non_missing(series: pd.Series) -> np.ndarray:
    """The non-missing values of ``series`` as a numpy array (``series.dropna().to_numpy()``, faster)."""
    dtype = series.dtype
    if isinstance(dtype, np.dtype):
        if dtype.kind in "iub":  # numpy integers and booleans cannot be missing
            return series.to_numpy()
        if dtype.kind in "fc":
            values = series.to_numpy()
            missing = np.isnan(values)
            return values[~missing] if missing.any() else values
    # missing values become None / NaN / pd.NA
    if (isinstance(dtype, np.dtype) and dtype.kind == "O") or isinstance(dtype, pd.StringDtype):
        values = series.to_numpy(dtype=object)
        missing = pd.isna(values)
        return values[~missing] if missing.any() else values
    return series.dropna().to_numpy()


class _ColumnProfile:
    """What the drift tests need from one reference column, computed once.

    ``values`` are the non-missing values. Numeric columns also keep them as floats in their original order
    (for the standard deviation), sorted (for Wasserstein and KS) and their number of distinct values; the
    distinct values and their counts, in order of first appearance, are computed on first use.
    """

    def __init__(self, series: pd.Series) -> None:
        self.name = series.name
        self.dtype = series.dtype
        self.numeric = _is_numeric(series)
        self.values = _values(series, "reference")
        self.n = len(self.values)
        self._keys: tuple[np.ndarray, np.ndarray] | None = None
        if self.numeric and self.n:
            floats = np.asarray(self.values, dtype=float)
            self.std = float(np.std(floats))  # population (ddof=0) standard deviation, original order
            self.sorted = np.sort(floats)
            self.n_distinct = int(np.count_nonzero(np.diff(self.sorted))) + 1

    def keys(self) -> tuple[np.ndarray, np.ndarray]:
        """The distinct values in order of first appearance, and how often each occurs."""
        if self._keys is None:
            codes, uniques = pd.factorize(self.values)
            self._keys = (np.asarray(uniques), np.bincount(codes, minlength=len(uniques)).astype(np.int64))
        return self._keys

    def counts(self, current: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Counts of every value seen on either side, aligned: the reference's values in order of first
        appearance, then values new in ``current`` in order of first appearance (as ``pd.unique`` orders
        reference and current concatenated)."""
        keys, key_counts = self.keys()
        codes, uniques = pd.factorize(np.concatenate([keys, current]))
        ref_counts = np.zeros(len(uniques), dtype=np.int64)
        np.add.at(ref_counts, codes[: len(keys)], key_counts)
        cur_counts = np.bincount(codes[len(keys) :], minlength=len(uniques)).astype(np.int64)
        return ref_counts, cur_counts

    def choose(self, current: np.ndarray, current_numeric: bool) -> tuple[str, tuple[np.ndarray, np.ndarray] | None]:
        """Evidently's default test for this column against ``current`` (see :func:`choose_test`), and the
        aligned value counts when they were needed to choose (else None)."""
        numeric = self.numeric and current_numeric
        if numeric and self.n_distinct > 5:  # reference + current has at least as many distinct values
            return ("ks" if self.n <= SMALL_REFERENCE_ROWS else "wasserstein"), None
        counts = self.counts(current)
        n_values = len(counts[0])
        if self.n <= SMALL_REFERENCE_ROWS:
            if numeric and n_values > 5:
                return "ks", counts
            return ("chi_squared" if n_values > 2 else "z_test"), counts
        return ("wasserstein" if numeric and n_values > 5 else "jensen_shannon"), counts

    def test(
        self, current: np.ndarray, current_dtype: object, current_numeric: bool, test: str | None
    ) -> tuple[str, float, float]:
        """Run one test (``None``: Evidently's choice) against the non-missing ``current`` values; see
        :func:`column_drift`."""
        if self.numeric != current_numeric:
            raise TypeError(
                f"column {self.name!r}: reference is {self.dtype} but current is {current_dtype}; validate the data "
                "first (a numeric column arriving as text is a schema fault, not drift)"
            )
        counts = None
        if test is None:
            test, counts = self.choose(current, current_numeric)
        if test not in TESTS:
            raise ValueError(f"unknown test {test!r}; choose one of {TESTS}")
        if test in _NUMERIC_ONLY and not self.numeric:
            raise TypeError(f"test {test!r} needs a numeric column, got dtype {self.dtype}")
        nan = float("nan")
        if test == "ks":
            # ks_2samp sorts both samples first, so passing the sorted reference changes nothing.
            result = _ks_2samp(self.sorted, np.asarray(current, dtype=float))
            return test, float(result.statistic), float(result.pvalue)
        if test == "wasserstein":
            distance = _wasserstein_sorted(self.sorted, np.asarray(current, dtype=float))
            return test, float(distance / max(self.std, _MIN_STD)), nan
        ref_counts, cur_counts = self.counts(current) if counts is None else counts
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


def _wasserstein_sorted(u_sorted: np.ndarray, v_values: np.ndarray) -> float:
    """``scipy.stats.wasserstein_distance(u, v)`` for an already sorted ``u``, bit for bit.

    scipy (``_cdf_distance`` with p = 1) sorts u and v together and sums |F_u - F_v| times the gaps between
    successive values, finding each CDF by ``searchsorted``. Here the CDFs come from a cumulative count over
    one stable merge of the two sorted samples instead; they differ from scipy's only where a value is
    repeated, and there the gap is exactly 0, so every product, and hence the sum, is the same.
    """
    v_sorted = np.sort(v_values)
    merged = np.concatenate((u_sorted, v_sorted))
    order = np.argsort(merged, kind="stable")
    all_values = merged[order]
    deltas = np.diff(all_values)
    u_counts = np.cumsum(order < u_sorted.size)[:-1]
    u_cdf = u_counts / u_sorted.size
    v_cdf = (np.arange(1, all_values.size) - u_counts) / v_sorted.size
    return float(np.vecdot(np.abs(u_cdf - v_cdf), deltas))


class ReferenceProfile:
    """Reference data prepared once for repeated drift reports: pass it to :func:`drift_report` as ``reference``.

    A monitor compares many batches with the same reference; the profile keeps, per column, the non-missing
    values, and for numeric columns their sorted values, population standard deviation and number of distinct
    values, so that each report only has to process the current batch. The report is exactly the one
    ``drift_report(reference_frame, current, ...)`` gives. ``columns`` (default: all) are the columns kept.
    """

    def __init__(self, reference: pd.DataFrame, columns: Iterable[str] | None = None) -> None:
        _require_frame(reference, "reference")
        if isinstance(columns, str):
            columns = [columns]
        columns = list(reference.columns) if columns is None else list(columns)
        if not columns:
            raise ValueError("no columns to profile; pass columns=[...] with at least one name")
        missing = [c for c in columns if c not in reference.columns]
        if missing:
            raise KeyError(f"reference is missing column(s) {missing}; it has {list(reference.columns)}")
        self.columns = columns
        self.n_rows = len(reference)
        self._profiles = {column: _ColumnProfile(_one_column(reference, column, "reference")) for column in columns}

    def __repr__(self) -> str:
        return f"ReferenceProfile({self.n_rows} rows, columns={self.columns})"


def _one_column(frame: pd.DataFrame, column: str, name: str) -> pd.Series:
    values = frame[column]
    if isinstance(values, pd.DataFrame):
        raise TypeError(f"{name} has several columns named {column!r}; rename them so that each column name is unique")
    return values


def choose_test(reference: pd.Series, current: pd.Series) -> str:
    """Return the name of the test Evidently's default rules pick for this column (see the module table)."""
    ref, cur = _as_series(reference, "reference"), _as_series(current, "current")
    return _ColumnProfile(ref).choose(_values(cur, "current"), _is_numeric(cur))[0]


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
    return _ColumnProfile(ref).test(_values(cur, "current"), cur.dtype, _is_numeric(cur), test)


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
        return f"<p>{self!s}</p>" + self.table.to_html(index=False)


def _require_frame(df: object, name: str) -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"drift_report() expects {name} to be a pandas DataFrame, got {type(df).__name__}")
    if len(df) == 0:
        raise ValueError(f"{name} is empty (0 rows); drift needs rows on both sides")
    return df


def drift_report(
    reference: pd.DataFrame | ReferenceProfile,
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
    is not an input. When the same reference is compared with many batches, pass a :class:`ReferenceProfile`
    of it as ``reference``: the report is the same, only faster.
    """
    profile = reference if isinstance(reference, ReferenceProfile) else None
    if profile is None:
        _require_frame(reference, "reference")
    _require_frame(current, "current")
    if isinstance(columns, str):
        columns = [columns]
    default = profile.columns if profile is not None else reference.columns
    columns = list(default if columns is None else columns)
    if not columns:
        raise ValueError("no columns to test; pass columns=[...] with at least one name")
    reference_columns = profile.columns if profile is not None else reference.columns
    for name, have in (("reference", reference_columns), ("current", current.columns)):
        missing = [c for c in columns if c not in have]
        if missing:
            raise KeyError(f"{name} is missing column(s) {missing}; it has {list(have)}")
    tests = dict(tests or {})
    unknown = [c for c in tests if c not in columns]
    if unknown:
        raise KeyError(f"tests= names column(s) {unknown} that are not being tested ({columns})")
    bonferroni = check_bool(bonferroni, "bonferroni")
    alpha = check_number(alpha, "alpha", greater_than=0.0, less_than=1.0)
    distance_threshold = check_number(distance_threshold, "distance_threshold", greater_than=0.0)
    drift_share = check_fraction(drift_share, "drift_share")
    if profile is None:
        profile = ReferenceProfile(reference, columns)
    p_threshold = alpha / len(columns) if bonferroni else alpha
    rows = []
    for column in columns:
        ref = profile._profiles[column]
        cur_series = _one_column(current, column, "current")
        cur = _values(cur_series, "current")
        for side, n in (("reference", ref.n), ("current", len(cur))):
            if n == 0:
                raise ValueError(f"column {column!r} has no non-missing values in {side}")
        test, statistic, p_value = ref.test(cur, cur_series.dtype, _is_numeric(cur_series), tests.get(column))
        if test in P_VALUE_TESTS:
            threshold, drifted = p_threshold, p_value <= p_threshold
        else:
            threshold, drifted = distance_threshold, statistic >= distance_threshold
        kind = "numeric" if ref.numeric else "categorical"
        rows.append((column, kind, test, statistic, p_value, threshold, bool(drifted)))
    table = pd.DataFrame(rows, columns=["column", "kind", "test", "statistic", "p_value", "threshold", "drifted"])
    drifted_columns = table["column"].to_numpy()[table["drifted"].to_numpy()].tolist()
    share = len(drifted_columns) / len(columns)
    return DriftReport(table, drifted_columns, share, share >= drift_share, drift_share)
