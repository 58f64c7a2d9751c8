"""mlcicd.drift: PSI, agreement with scipy, Evidently's test choice, and a detector matrix on seeded drift."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from scipy.spatial.distance import jensenshannon
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from mlcicd.data import (
    FEATURES,
    LABEL,
    NUMERIC_FEATURES,
    concept_drift,
    covariate_drift,
    make_stream,
    prior_drift,
)
from mlcicd.drift import TESTS, DriftReport, choose_test, column_drift, drift_report, psi

TOL = 1e-9


# ---------------------------------------------------------------- PSI


def test_psi_matches_a_hand_computed_value():
    reference = np.arange(100, dtype=float)  # deciles: 10 values per bin
    current = np.concatenate([np.arange(50, dtype=float), np.full(50, 95.0)])  # half in bins 0-4, half in bin 9
    e = np.full(10, 0.1)
    a = np.array([0.1] * 5 + [1e-4] * 4 + [0.5])  # empty bins get eps
    assert psi(reference, current) == pytest.approx(float(np.sum((a - e) * np.log(a / e))), abs=TOL)


def test_psi_of_a_sample_with_itself_is_zero():
    x = np.random.default_rng(0).normal(size=1000)
    assert psi(x, x) == 0.0


def test_psi_counts_current_values_beyond_the_reference_range_in_the_outer_bins():
    reference = np.linspace(0, 1, 1000)
    assert psi(reference, reference + 10) > 5  # everything lands in the top bin


def test_psi_grows_with_the_shift():
    rng = np.random.default_rng(1)
    reference = rng.normal(size=5000)
    values = [psi(reference, rng.normal(loc=shift, size=5000)) for shift in (0.0, 0.25, 0.5, 1.0)]
    assert values == sorted(values)
    assert values[0] < 0.1 < values[2]


def test_psi_handles_a_constant_reference_and_categorical_values():
    assert psi(np.ones(50), np.ones(20)) == 0.0
    assert psi(np.ones(50), np.zeros(20)) > 1
    ref = pd.Series(["a"] * 50 + ["b"] * 50)
    assert psi(ref, ref) == 0.0
    assert psi(ref, pd.Series(["a"] * 90 + ["c"] * 10)) > 0.25


@pytest.mark.parametrize("n, low, high", [(200, 0.07, 0.13), (5000, 0.002, 0.006)])
def test_psi_is_biased_upwards_on_small_samples_as_design_section_8_says(n, low, high):
    rng = np.random.default_rng(2)
    mean = np.mean([psi(rng.normal(size=n), rng.normal(size=n)) for _ in range(100)])
    assert low < mean < high


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=200),
    st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=200),
    st.integers(1, 20),
)
def test_property_psi_is_non_negative_and_zero_on_identical_samples(reference, current, bins):
    assert psi(reference, current, bins=bins) >= 0.0
    assert psi(reference, reference, bins=bins) == 0.0


@pytest.mark.parametrize(
    "reference, current, error, match",
    [
        ("abc", [1.0], TypeError, "Series, numpy array or list"),
        (pd.DataFrame({"a": [1.0]}), [1.0], TypeError, "one column"),
        ([], [1.0], ValueError, "reference has no non-missing values"),
        ([1.0, 2.0], [np.nan], ValueError, "current has no non-missing values"),
        ([1.0, 2.0], ["a", "b"], TypeError, "both must be numeric or both categorical"),
    ],
)
def test_psi_bad_input_raises_one_clear_error(reference, current, error, match):
    with pytest.raises(error, match=match):
        psi(reference, current)


def test_psi_rejects_bad_bins_and_eps():
    with pytest.raises(ValueError, match="bins must be >= 1"):
        psi([1.0], [1.0], bins=0)
    with pytest.raises(TypeError, match="bins must be an integer"):
        psi([1.0], [1.0], bins=2.5)
    with pytest.raises(ValueError, match="eps must be > 0"):
        psi([1.0], [1.0], eps=0)
    with pytest.raises(TypeError, match="eps must be a number"):
        psi([1.0], [1.0], eps="0.1")


# ---------------------------------------------------------------- agreement with scipy (1e-9)


@pytest.fixture(scope="module")
def samples():
    rng = np.random.default_rng(3)
    return {
        "num_ref": pd.Series(rng.normal(0, 2, 800)),
        "num_cur": pd.Series(rng.normal(0.3, 2.5, 600)),
        "cat_ref": pd.Series(rng.choice(["a", "b", "c", "d"], 800, p=[0.4, 0.3, 0.2, 0.1])),
        "cat_cur": pd.Series(rng.choice(["a", "b", "c", "e"], 600, p=[0.3, 0.3, 0.3, 0.1])),
        "bin_ref": pd.Series(rng.integers(0, 2, 800)),
        "bin_cur": pd.Series((rng.random(600) < 0.6).astype(int)),
    }


def _table(ref: pd.Series, cur: pd.Series) -> np.ndarray:
    """2 x k contingency table built independently of mlcicd (pandas crosstab)."""
    values = pd.concat([ref, cur], ignore_index=True)
    side = np.repeat(["reference", "current"], [len(ref), len(cur)])
    return pd.crosstab(side, values).loc[["reference", "current"]].to_numpy()


def test_ks_agrees_with_scipy_ks_2samp(samples):
    test, statistic, p = column_drift(samples["num_ref"], samples["num_cur"], "ks")
    expected = stats.ks_2samp(samples["num_ref"], samples["num_cur"])
    assert test == "ks"
    assert abs(statistic - expected.statistic) <= TOL and abs(p - expected.pvalue) <= TOL


def test_chi_squared_agrees_with_scipy_chi2_contingency_including_unseen_values(samples):
    _, statistic, p = column_drift(samples["cat_ref"], samples["cat_cur"], "chi_squared")
    expected = stats.chi2_contingency(_table(samples["cat_ref"], samples["cat_cur"]))
    assert abs(statistic - expected.statistic) <= TOL and abs(p - expected.pvalue) <= TOL


def test_wasserstein_agrees_with_scipy_divided_by_reference_population_std(samples):
    _, statistic, p = column_drift(samples["num_ref"], samples["num_cur"], "wasserstein")
    expected = stats.wasserstein_distance(samples["num_ref"], samples["num_cur"]) / np.std(samples["num_ref"], ddof=0)
    assert abs(statistic - expected) <= TOL and np.isnan(p)


def test_wasserstein_std_is_floored_so_a_constant_reference_does_not_divide_by_zero():
    _, statistic, _ = column_drift(pd.Series([5.0] * 10), pd.Series([5.0] * 9 + [6.0]), "wasserstein")
    assert statistic == pytest.approx(0.1 / 0.001, abs=TOL)


def test_jensen_shannon_agrees_with_scipy_on_value_shares(samples):
    _, statistic, p = column_drift(samples["cat_ref"], samples["cat_cur"], "jensen_shannon")
    table = _table(samples["cat_ref"], samples["cat_cur"])
    expected = jensenshannon(table[0] / table[0].sum(), table[1] / table[1].sum())
    assert abs(statistic - expected) <= TOL and np.isnan(p)
    assert 0 < statistic <= np.sqrt(np.log(2))


def test_z_test_squared_equals_the_uncorrected_2x2_chi_squared(samples):
    _, z, p = column_drift(samples["bin_ref"], samples["bin_cur"], "z_test")
    expected = stats.chi2_contingency(_table(samples["bin_ref"], samples["bin_cur"]), correction=False)
    assert abs(z**2 - expected.statistic) <= 1e-9 * max(1.0, expected.statistic)
    assert abs(p - expected.pvalue) <= TOL


def test_z_test_on_one_constant_value_says_no_drift():
    assert column_drift(pd.Series([1] * 20), pd.Series([1] * 30), "z_test")[1:] == (0.0, 1.0)


def test_report_statistics_are_the_scipy_ones(samples):
    reference = pd.DataFrame({"x": samples["num_ref"], "c": samples["cat_ref"]})
    current = pd.DataFrame({"x": samples["num_cur"], "c": samples["cat_cur"]})
    table = drift_report(reference, current).table.set_index("column")
    assert abs(table.loc["x", "p_value"] - stats.ks_2samp(samples["num_ref"], samples["num_cur"]).pvalue) <= TOL
    chi = stats.chi2_contingency(_table(samples["cat_ref"], samples["cat_cur"]))
    assert abs(table.loc["c", "statistic"] - chi.statistic) <= TOL


# ---------------------------------------------------------------- Evidently's default test choice


def _numbers(n, n_values, seed=0):
    return pd.Series(np.random.default_rng(seed).integers(0, n_values, n).astype(float))


@pytest.mark.parametrize(
    "reference, current, expected",
    [
        (_numbers(1000, 50), _numbers(300, 50, 1), "ks"),
        (_numbers(1001, 50), _numbers(300, 50, 1), "wasserstein"),
        (_numbers(1000, 6), _numbers(300, 6, 1), "ks"),
        (_numbers(1000, 5), _numbers(300, 5, 1), "chi_squared"),
        (_numbers(1001, 5), _numbers(300, 5, 1), "jensen_shannon"),
        (_numbers(1000, 3), _numbers(300, 3, 1), "chi_squared"),
        (_numbers(1000, 2), _numbers(300, 2, 1), "z_test"),
        (_numbers(1001, 2), _numbers(300, 2, 1), "jensen_shannon"),
        (pd.Series(list("abc") * 100), pd.Series(list("ab") * 50), "chi_squared"),
        (pd.Series(list("ab") * 100), pd.Series(list("ab") * 50), "z_test"),
        (pd.Series(list("abcdefgh") * 200), pd.Series(list("ab") * 50), "jensen_shannon"),
    ],
    ids=[
        "num-1000",
        "num-1001",
        "6-values",
        "5-values",
        "5-values-big",
        "3-values",
        "binary",
        "binary-big",
        "cat-3",
        "cat-2",
        "cat-big",
    ],
)
def test_choose_test_follows_evidently_defaults(reference, current, expected):
    assert choose_test(reference, current) == expected


def test_distinct_values_are_counted_over_both_samples():
    # 5 distinct values in the reference, 8 in reference + current: numeric with > 5 values -> KS.
    assert choose_test(_numbers(500, 5), pd.Series([10.0, 11.0, 12.0] * 10)) == "ks"


def test_the_1000_row_rule_counts_non_missing_reference_rows():
    reference = pd.concat([_numbers(1000, 50), pd.Series([np.nan] * 10)], ignore_index=True)
    assert choose_test(reference, _numbers(100, 50)) == "ks"


# ---------------------------------------------------------------- the report


def test_report_table_has_the_agreed_columns_and_verdicts():
    stream = make_stream(n_days=4, rows_per_day=300, seed=5)
    report = drift_report(stream[stream["day"] == 0], stream[stream["day"] == 3], columns=FEATURES)
    assert isinstance(report, DriftReport)
    assert list(report.table.columns) == ["column", "kind", "test", "statistic", "p_value", "threshold", "drifted"]
    assert report.table["column"].tolist() == list(FEATURES)
    assert report.table.set_index("column").loc["region", "kind"] == "categorical"
    assert set(report.table["test"]) <= set(TESTS)
    assert report.share == len(report.drifted_columns) / len(FEATURES)
    assert str(report).startswith(("DRIFT", "no dataset drift"))
    assert "<table" in report._repr_html_()


def test_bonferroni_divides_alpha_by_the_number_of_columns():
    stream = make_stream(n_days=2, rows_per_day=300, seed=6)
    ref, cur = stream[stream["day"] == 0], stream[stream["day"] == 1]
    plain = drift_report(ref, cur, FEATURES, alpha=0.05)
    corrected = drift_report(ref, cur, FEATURES, alpha=0.05, bonferroni=True)
    assert (plain.table["threshold"] == 0.05).all()
    assert np.allclose(corrected.table["threshold"], 0.05 / len(FEATURES))


def test_bonferroni_can_turn_a_marginal_p_value_into_no_drift():
    rng = np.random.default_rng(7)
    ref = pd.DataFrame({f"x{i}": rng.normal(size=300) for i in range(10)})
    cur = pd.DataFrame({f"x{i}": rng.normal(size=300) for i in range(10)})
    cur["x0"] = ref["x0"] + 0.15  # KS p = 0.021: drift at alpha 0.05, not at 0.05 / 10
    p = drift_report(ref, cur, ["x0"]).table.loc[0, "p_value"]
    assert 0.005 < p <= 0.05
    assert "x0" in drift_report(ref, cur).drifted_columns
    assert "x0" not in drift_report(ref, cur, bonferroni=True).drifted_columns


def test_dataset_drift_is_decided_by_the_share_of_drifted_columns():
    rng = np.random.default_rng(8)
    ref = pd.DataFrame({f"x{i}": rng.normal(size=2000) for i in range(4)})
    cur = ref.copy()
    cur[["x0"]] += 1.0
    one = drift_report(ref, cur)
    assert (one.share, one.dataset_drift) == (0.25, False)
    cur[["x1"]] += 1.0
    two = drift_report(ref, cur)
    assert (two.share, two.dataset_drift) == (0.5, True)
    assert drift_report(ref, cur, drift_share=0.75).dataset_drift is False


def test_tests_argument_overrides_the_default_choice():
    stream = make_stream(n_days=2, rows_per_day=300, seed=9)
    tests = {LABEL: "chi_squared", "income": "wasserstein"}
    report = drift_report(stream, stream, columns=["income", LABEL], tests=tests)
    assert report.table["test"].tolist() == ["wasserstein", "chi_squared"]


def test_categorical_dtype_counts_only_observed_values(samples):
    as_category = pd.CategoricalDtype(["a", "b", "c", "d", "e", "never"])
    _, statistic, p = column_drift(samples["cat_ref"].astype(as_category), samples["cat_cur"].astype(as_category))
    assert (statistic, p) == column_drift(samples["cat_ref"], samples["cat_cur"])[1:]


def test_missing_values_are_dropped_before_testing():
    ref = pd.DataFrame({"x": np.r_[np.arange(100.0), [np.nan] * 50]})
    assert drift_report(ref, ref.dropna()).table.loc[0, "statistic"] == 0.0


# ---------------------------------------------------------------- detector matrix (seeded)

MATRIX_SEEDS = (1, 2, 3)


def _windows(stream: pd.DataFrame):
    return stream[stream["day"] < 5], stream[stream["day"] >= 25]


def _small(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.iloc[:1000]  # <= 1000 rows: the p-value tests


def _model():
    pre = ColumnTransformer(
        [("num", StandardScaler(), list(NUMERIC_FEATURES)), ("cat", OneHotEncoder(handle_unknown="ignore"), ["region"])]
    )
    return make_pipeline(pre, LogisticRegression(max_iter=1000))


@pytest.fixture(scope="module", params=MATRIX_SEEDS)
def matrix_stream(request):
    return request.param, make_stream(n_days=30, rows_per_day=500, seed=request.param)


def test_matrix_no_drift_flags_nothing(matrix_stream):
    _seed, stream = matrix_stream
    ref, cur = _windows(stream)
    columns = (*FEATURES, LABEL)
    assert drift_report(ref, cur, columns).drifted_columns == []  # distances, 2500 rows each side
    assert drift_report(_small(ref), _small(cur), columns, bonferroni=True).drifted_columns == []


def test_matrix_covariate_drift_flags_exactly_the_shifted_columns(matrix_stream):
    seed, stream = matrix_stream
    drifted = covariate_drift(stream, start_day=25, shift={"income": -15}, scale={"loan_amount": 1.5}, seed=seed)
    ref, cur = _windows(drifted)
    assert sorted(drift_report(ref, cur, FEATURES).drifted_columns) == ["income", "loan_amount"]
    small = drift_report(_small(ref), _small(cur), FEATURES, bonferroni=True)
    assert sorted(small.drifted_columns) == ["income", "loan_amount"]
    assert set(small.table["test"]) == {"ks", "chi_squared"}


def test_matrix_concept_drift_is_invisible_to_input_tests_while_accuracy_falls(matrix_stream):
    seed, stream = matrix_stream
    drifted = concept_drift(stream, start_day=25, seed=seed)
    ref, cur = _windows(drifted)
    assert drift_report(ref, cur, FEATURES).drifted_columns == []
    assert drift_report(_small(ref), _small(cur), FEATURES, bonferroni=True).drifted_columns == []
    model = _model().fit(ref[list(FEATURES)], ref[LABEL])
    before = model.score(_windows(stream)[1][list(FEATURES)], _windows(stream)[1][LABEL])
    after = model.score(cur[list(FEATURES)], cur[LABEL])
    assert before > 0.8 and after < 0.7


def test_matrix_prior_drift_is_flagged_by_chi_squared_on_labels_and_on_predictions(matrix_stream):
    seed, stream = matrix_stream
    drifted = prior_drift(stream, start_day=25, positive_rate=0.6, seed=seed)
    ref, cur = _windows(drifted)
    model = _model().fit(ref[list(FEATURES)], ref[LABEL])
    pred_ref = pd.DataFrame({"prediction": model.predict(_small(ref)[list(FEATURES)])})
    pred_cur = pd.DataFrame({"prediction": model.predict(_small(cur)[list(FEATURES)])})
    labels = drift_report(_small(ref), _small(cur), [LABEL], tests={LABEL: "chi_squared"})
    predictions = drift_report(pred_ref, pred_cur, tests={"prediction": "chi_squared"})
    assert labels.drifted_columns == [LABEL] and labels.table.loc[0, "p_value"] < 1e-6
    assert predictions.drifted_columns == ["prediction"]
    assert drift_report(ref, cur, [LABEL]).drifted_columns == [LABEL]  # default test (Jensen-Shannon) agrees


# ---------------------------------------------------------------- bad input


@pytest.fixture(scope="module")
def small_stream():
    return make_stream(n_days=2, rows_per_day=100, seed=10)


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda s: drift_report(s.to_numpy(), s), TypeError, "reference to be a pandas DataFrame"),
        (lambda s: drift_report(s, [1, 2]), TypeError, "current to be a pandas DataFrame"),
        (lambda s: drift_report(s.iloc[:0], s), ValueError, "reference is empty"),
        (lambda s: drift_report(s, s.iloc[:0]), ValueError, "current is empty"),
        (lambda s: drift_report(s, s.drop(columns=["income"])), KeyError, r"current is missing column\(s\) \['inc"),
        (lambda s: drift_report(s, s, columns=["salary"]), KeyError, r"reference is missing column\(s\) \['salary'\]"),
        (lambda s: drift_report(s, s, columns=[]), ValueError, "no columns to test"),
        (lambda s: drift_report(s, s.astype({"income": str})), TypeError, "column 'income'.*validate the data first"),
        (lambda s: drift_report(s, s, tests={"salary": "ks"}), KeyError, "not being tested"),
        (lambda s: drift_report(s, s, tests={"income": "t_test"}), ValueError, "unknown test 't_test'"),
        (lambda s: drift_report(s, s, tests={"region": "ks"}), TypeError, "needs a numeric column"),
        (lambda s: drift_report(s, s.assign(income=np.nan)), ValueError, "'income' has no non-missing values in cur"),
        (lambda s: drift_report(s, s, alpha=5), ValueError, "alpha must be < 1"),
    ],
    ids=[
        "ref-array",
        "cur-list",
        "ref-empty",
        "cur-empty",
        "cur-missing",
        "unknown-column",
        "no-columns",
        "numbers-as-text",
        "tests-unknown-column",
        "unknown-test",
        "ks-on-text",
        "all-null",
        "bad-alpha",
    ],
)
def test_drift_report_bad_input_raises_one_clear_error(small_stream, call, error, match):
    with pytest.raises(error, match=match):
        call(small_stream)


def test_a_single_column_name_is_accepted_as_columns(small_stream):
    assert drift_report(small_stream, small_stream, columns="income").table["column"].tolist() == ["income"]


# ---------------------------------------------------------------- reference profile (the monitor's fast path)


def test_a_prepared_reference_profile_gives_the_same_report_as_the_raw_frame(small_stream):
    from mlcicd.drift import ReferenceProfile

    reference, current = small_stream[small_stream["day"] == 0], small_stream[small_stream["day"] == 1]
    for kwargs in ({}, {"bonferroni": True}, {"tests": {"income": "wasserstein"}}):
        raw = drift_report(reference, current, columns=list(FEATURES), **kwargs)
        profile = ReferenceProfile(reference, columns=list(FEATURES))
        prepared = drift_report(profile, current, columns=list(FEATURES), **kwargs)
        pd.testing.assert_frame_equal(raw.table, prepared.table)
        assert raw.dataset_drift == prepared.dataset_drift


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(-5, 5), min_size=1, max_size=60),
    st.lists(st.integers(-5, 5), min_size=1, max_size=60),
)
def test_sorted_wasserstein_equals_scipy_bit_for_bit_even_with_many_ties(u, v):
    from mlcicd.drift import _wasserstein_sorted

    u, v = np.asarray(u, dtype=float) / 2, np.asarray(v, dtype=float) / 2
    assert _wasserstein_sorted(np.sort(u), v).hex() == float(stats.wasserstein_distance(u, v)).hex()


# ---------------------------------------------------------------- issue 13: the library's blind spots


def _frame(values) -> pd.DataFrame:
    return pd.DataFrame({"x": values})


_BIG = np.random.default_rng(11).normal(size=2000)  # > 1000 rows: the Wasserstein path
_WITH_INF = np.r_[_BIG[:1990], [np.inf] * 5, [-np.inf] * 5]


@pytest.mark.parametrize(
    "call",
    [
        lambda: psi(np.full(10, np.inf), [1.0, 2.0]),
        lambda: psi(_BIG, _WITH_INF),
        lambda: column_drift(_BIG[:500], np.r_[_BIG[500:900], np.inf], test="ks"),
        lambda: drift_report(_frame(_WITH_INF), _frame(_BIG)),
        lambda: drift_report(_frame(_BIG), _frame(_WITH_INF)),
        lambda: choose_test(pd.Series(np.r_[_BIG[:995], [np.inf] * 10]), pd.Series(_BIG[:100])),
    ],
    ids=[
        "psi-all-inf-reference",
        "psi-inf-current",
        "ks",
        "wasserstein-reference",
        "wasserstein-current",
        "1000-row-rule",
    ],
)
def test_infinite_values_are_refused_on_every_path_naming_the_count_and_the_fix(call):
    with pytest.raises(ValueError, match=r"(?s)\d+ infinite value.*replace\(\[np.inf, -np.inf\], np.nan\)"):
        call()


def test_an_infinite_value_error_names_the_column_and_the_side():
    with pytest.raises(ValueError, match="column 'x' in current has 10 infinite values"):
        drift_report(_frame(_BIG), _frame(_WITH_INF))


def test_psi_sees_a_binary_column_going_from_5_to_20_percent():
    reference = np.r_[np.zeros(95), np.ones(5)]
    current = np.r_[np.zeros(80), np.ones(20)]
    e, a = np.array([0.95, 0.05]), np.array([0.80, 0.20])
    assert psi(reference, current) == pytest.approx(float(np.sum((a - e) * np.log(a / e))), abs=TOL)
    assert psi(reference, current) > 0.2


def test_psi_gives_a_rare_value_its_own_bin_instead_of_merging_it_into_its_neighbour():
    reference = np.repeat([0, 1, 2, 3], [300, 300, 365, 35])  # value 3: 3.5%
    current = np.repeat([0, 1, 2, 3], [300, 300, 250, 150])  # value 3: 15%
    e, a = np.array([300, 300, 365, 35]) / 1000, np.array([300, 300, 250, 150]) / 1000
    assert psi(reference, current) == pytest.approx(float(np.sum((a - e) * np.log(a / e))), abs=TOL)
    assert psi(reference, current) > 0.2  # was 0.0: value 3 shared a bin with value 2


def test_psi_on_a_discrete_column_bins_every_value_seen_on_either_side():
    reference = pd.Series([0, 1] * 50)
    current = pd.Series([0, 1, 2, 2] * 25)  # 2 never occurs in the reference: its own bin, eps there
    e, a = np.array([0.5, 0.5, 1e-4]), np.array([0.25, 0.25, 0.5])
    assert psi(reference, current) == pytest.approx(float(np.sum((a - e) * np.log(a / e))), abs=TOL)
    labels = pd.CategoricalDtype([0, 1, 2])
    assert psi(reference, current) == pytest.approx(psi(reference.astype(labels), current.astype(labels)), abs=TOL)


@pytest.mark.parametrize(
    "call",
    [
        lambda: drift_report(_frame(_BIG[:300].astype(str)), _frame((_BIG[300:600] + 3).astype(str))),
        lambda: drift_report(_frame(pd.Series(_BIG[:300], dtype=object)), _frame(pd.Series(_BIG[:300], dtype=object))),
        lambda: column_drift(pd.Series(["1", "2", "3"] * 50, dtype="string"), pd.Series(["3"] * 50, dtype="string")),
        lambda: psi(pd.Series(["0", "1"] * 50), pd.Series(["1"] * 50)),
    ],
    ids=["str", "object-numbers", "string-dtype", "psi"],
)
def test_numbers_stored_as_text_are_refused_with_the_conversion_to_use(call):
    pattern = r"(column 'x' in )?(reference|current) holds numbers stored as text or as objects.*pd\.to_numeric"
    with pytest.raises(TypeError, match=pattern):
        call()


def test_numbers_declared_as_labels_with_a_category_dtype_are_still_tested_as_labels():
    # numbers as text became one category per value and chi-squared said "no drift" whatever the shift: they are
    # refused now; codes that really are labels (postcodes, grades) can say so with a category dtype
    labels = pd.CategoricalDtype(["1", "2", "3"])
    reference, current = pd.Series(["1", "2", "3"] * 100).astype(labels), pd.Series(["3"] * 300).astype(labels)
    assert column_drift(reference, current)[0] == "chi_squared"
    assert column_drift(reference, current)[2] < 1e-6


@pytest.mark.parametrize(
    "values, match",
    [
        (pd.Series(pd.date_range("2024-01-01", periods=50, freq="D")), "datetime64.*dt\\."),
        (pd.Series(pd.date_range("2024-01-01", periods=50, freq="D", tz="UTC")), "datetime64.*dt\\."),
        (pd.Series(pd.to_timedelta(np.arange(50), unit="s")), "timedelta64.*total_seconds"),
        (pd.Series(np.arange(50) + 1j), "complex128.*np.abs"),
        (pd.Series(list(pd.date_range("2024-01-01", periods=50, freq="D")), dtype=object), "dates or times"),
    ],
    ids=["datetime", "datetime-tz", "timedelta", "complex", "object-timestamps"],
)
def test_datetime_and_complex_columns_are_refused_naming_the_column_and_the_fix(values, match):
    for call in (
        lambda: drift_report(_frame(values), _frame(values)),
        lambda: column_drift(values.rename("x"), values.rename("x")),
        lambda: psi(values.rename("x"), values.rename("x")),
    ):
        with pytest.raises(TypeError, match=f"column 'x'.*{match}"):
            call()


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"drift_share": "0.5"}, TypeError, "drift_share must be a number"),
        ({"drift_share": 1.5}, ValueError, "drift_share must be between 0 and 1"),
        ({"drift_share": float("nan")}, ValueError, "drift_share must be between 0 and 1"),
        ({"distance_threshold": "0.1"}, TypeError, "distance_threshold must be a number"),
        ({"distance_threshold": 0}, ValueError, "distance_threshold must be > 0"),
        ({"distance_threshold": -0.1}, ValueError, "distance_threshold must be > 0"),
        ({"distance_threshold": float("inf")}, ValueError, "distance_threshold must be finite"),
        ({"alpha": "0.05"}, TypeError, "alpha must be a number"),
        ({"alpha": True}, TypeError, "alpha must be a number"),
        ({"alpha": 0.0}, ValueError, "alpha must be > 0"),
        ({"alpha": 1.0}, ValueError, "alpha must be < 1"),
        ({"bonferroni": "yes"}, TypeError, "bonferroni must be True or False"),
    ],
)
def test_drift_report_checks_its_thresholds(small_stream, kwargs, error, match):
    with pytest.raises(error, match=match):
        drift_report(small_stream, small_stream, columns=["income"], **kwargs)


def test_the_docstring_claim_that_evidentlys_goodness_of_fit_chi_squared_false_alarms_far_more_often():
    """Module docstring: about 29% vs 5% 'drift' on no-drift pairs of 500 rows, 4 categories, alpha 0.05."""
    rng = np.random.default_rng(0)
    shares, n, runs = [0.4, 0.3, 0.2, 0.1], 500, 1000
    goodness_of_fit = contingency = 0
    for _ in range(runs):
        reference, current = rng.choice(4, n, p=shares), rng.choice(4, n, p=shares)
        ref_counts, cur_counts = np.bincount(reference, minlength=4), np.bincount(current, minlength=4)
        expected = ref_counts / ref_counts.sum() * cur_counts.sum()  # the reference shares taken as exact
        goodness_of_fit += stats.chisquare(cur_counts, expected).pvalue <= 0.05
        contingency += column_drift(reference, current, test="chi_squared")[2] <= 0.05
    assert 0.24 < goodness_of_fit / runs < 0.34
    assert 0.03 < contingency / runs < 0.07
