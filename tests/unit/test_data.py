"""mlcicd.data: a seeded, reproducible stream whose injectors produce exactly the drift or fault they name."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from mlcicd.data import (
    BASE_RULE,
    CONCEPT_DRIFT_RULE,
    FAULTS,
    FEATURES,
    LABEL,
    NUMERIC_FEATURES,
    REGIONS,
    concept_drift,
    covariate_drift,
    default_probability,
    inject_fault,
    make_applications,
    make_stream,
    prior_drift,
)
from mlcicd.versioning import fingerprint

F = list(FEATURES)


@pytest.fixture(scope="module")
def stream() -> pd.DataFrame:
    return make_stream(n_days=30, rows_per_day=500, seed=0)


def _model():
    pre = ColumnTransformer(
        [("num", StandardScaler(), list(NUMERIC_FEATURES)), ("cat", OneHotEncoder(handle_unknown="ignore"), ["region"])]
    )
    return make_pipeline(pre, LogisticRegression(max_iter=1000))


# ---------------------------------------------------------------- reproducibility

SMALL = make_stream(n_days=6, rows_per_day=100, seed=11)
GENERATORS = {
    "make_applications": lambda seed: make_applications(300, seed=seed),
    "make_stream": lambda seed: make_stream(n_days=4, rows_per_day=50, seed=seed),
    "covariate_drift": lambda seed: covariate_drift(SMALL, 2, shift={"income": -10}, ramp_days=2, seed=seed),
    "prior_drift": lambda seed: prior_drift(SMALL, 2, positive_rate=0.6, seed=seed),
    "concept_drift": lambda seed: concept_drift(SMALL, 2, ramp_days=3, seed=seed),
    **{
        f"inject_fault-{fault}": (lambda seed, fault=fault: inject_fault(SMALL, fault, start_day=2, seed=seed))
        for fault in FAULTS
    },
}
SEEDED = [
    name
    for name in GENERATORS
    if name not in ("inject_fault-numbers_as_strings", "inject_fault-unit_x1000", "inject_fault-renamed_column")
]


@pytest.mark.parametrize("name", GENERATORS)
def test_same_seed_gives_the_identical_frame(name):
    first, second = GENERATORS[name](5), GENERATORS[name](5)
    pd.testing.assert_frame_equal(first, second, check_exact=True)
    assert fingerprint(first) == fingerprint(second)


@pytest.mark.parametrize("name", SEEDED)
def test_another_seed_gives_another_frame(name):
    # (numbers_as_strings, unit_x1000 and renamed_column are deterministic: they use no randomness.)
    assert fingerprint(GENERATORS[name](5)) != fingerprint(GENERATORS[name](6))


def test_stream_is_pinned_bit_for_bit():
    # Same seed, same frame, across sessions and machines. If this digest changes, the numbers quoted in the
    # lessons may change too: re-run the notebooks before updating it.
    digest = "87c3c7ba5659437480867a3a183f91dc6418e0d60d07975bcc41191c9273a675"
    assert fingerprint(make_stream(n_days=2, rows_per_day=20, seed=0)) == digest


@pytest.mark.parametrize("name", GENERATORS)
def test_injectors_do_not_modify_their_input(name):
    before = fingerprint(SMALL)
    GENERATORS[name](1)
    assert fingerprint(SMALL) == before


def test_generators_accept_a_numpy_generator_as_seed():
    assert len(make_applications(10, seed=np.random.default_rng(0))) == 10


# ---------------------------------------------------------------- the base population


def test_stream_shape_columns_and_dtypes(stream):
    assert stream.shape == (15000, 9)
    assert list(stream.columns) == ["day", *FEATURES, LABEL]
    assert stream["day"].value_counts().eq(500).all() and stream["day"].max() == 29
    assert set(stream["region"]) == set(REGIONS)
    assert all(pd.api.types.is_numeric_dtype(stream[c]) for c in NUMERIC_FEATURES)


def test_default_rate_and_bayes_accuracy_are_as_documented(stream):
    p = default_probability(stream)
    assert 0.30 < stream[LABEL].mean() < 0.36
    assert 0.83 < ((p > 0.5) == stream[LABEL]).mean() < 0.87


def test_labels_follow_the_rule(stream):
    # Within bins of the true probability, the observed default rate matches the probability.
    p = default_probability(stream)
    bins = pd.cut(p, [0, 0.2, 0.4, 0.6, 0.8, 1.0])
    observed = stream[LABEL].groupby(bins, observed=True).mean()
    expected = pd.Series(p).groupby(bins, observed=True).mean()
    assert np.allclose(observed.to_numpy(), expected.to_numpy(), atol=0.04)


def test_model_accuracy_before_after_concept_drift_and_after_retraining(stream):
    drifted = concept_drift(stream, start_day=15, seed=0)
    late = drifted[drifted["day"] >= 20]
    model = _model().fit(stream.loc[stream["day"] < 5, F], stream.loc[stream["day"] < 5, LABEL])
    before = model.score(stream.loc[stream["day"] >= 20, F], stream.loc[stream["day"] >= 20, LABEL])
    after = model.score(late[F], late[LABEL])
    window = drifted[(drifted["day"] >= 15) & (drifted["day"] < 20)]
    retrained = _model().fit(window[F], window[LABEL]).score(late[F], late[LABEL])
    assert 0.82 < before < 0.88
    assert 0.58 < after < 0.70
    assert 0.81 < retrained < 0.87


# ---------------------------------------------------------------- drift injectors


def test_covariate_drift_moves_only_the_named_columns_from_the_start_day(stream):
    drifted = covariate_drift(stream, start_day=10, shift={"income": -15}, scale={"loan_amount": 1.5}, seed=1)
    early, late = stream["day"] < 10, stream["day"] >= 10
    pd.testing.assert_frame_equal(drifted[early], stream[early])
    untouched = [c for c in F if c not in ("income", "loan_amount")]
    pd.testing.assert_frame_equal(drifted.loc[late, untouched], stream.loc[late, untouched])
    assert drifted.loc[late, "income"].mean() == pytest.approx(stream.loc[late, "income"].mean() - 15, abs=0.5)
    assert drifted.loc[late, "loan_amount"].median() == pytest.approx(
        1.5 * stream.loc[late, "loan_amount"].median(), rel=0.01
    )


def test_covariate_drift_keeps_p_y_given_x_so_labels_match_the_base_rule(stream):
    drifted = covariate_drift(stream, start_day=0, shift={"credit_score": -80}, seed=2)
    assert drifted[LABEL].mean() > stream[LABEL].mean() + 0.1  # lower scores, more defaults
    assert drifted[LABEL].mean() == pytest.approx(default_probability(drifted, BASE_RULE).mean(), abs=0.015)


def test_covariate_drift_ramp_grows_linearly(stream):
    drifted = covariate_drift(stream, start_day=10, shift={"age": 20}, ramp_days=10, seed=3)
    gap = (drifted["age"] - stream["age"]).groupby(stream["day"]).mean()
    assert gap[9] == 0
    assert gap[10] == pytest.approx(2, abs=0.3) and gap[14] == pytest.approx(10, abs=0.5)
    assert gap[19] == pytest.approx(20, abs=0.5) and gap[29] == pytest.approx(20, abs=0.5)


def test_covariate_drift_keeps_values_in_their_valid_range(stream):
    drifted = covariate_drift(stream, shift={"debt_to_income": 0.9, "credit_score": 400}, seed=4)
    assert drifted["debt_to_income"].max() <= 1.0 and drifted["credit_score"].max() <= 850
    assert drifted["credit_score"].dtype == stream["credit_score"].dtype


def test_prior_drift_sets_the_rate_keeps_row_counts_and_p_x_given_y(stream):
    drifted = prior_drift(stream, start_day=15, positive_rate=0.6, seed=5)
    rate = drifted.groupby("day")[LABEL].mean()
    assert (rate.loc[15:] - 0.6).abs().max() < 0.002  # rounding to whole rows
    pd.testing.assert_frame_equal(drifted[drifted["day"] < 15], stream[stream["day"] < 15])
    assert drifted["day"].value_counts().eq(500).all()
    late, base = drifted[drifted["day"] >= 15], stream[stream["day"] >= 15]
    for label in (0, 1):
        assert late.loc[late[LABEL] == label, "credit_score"].mean() == pytest.approx(
            base.loc[base[LABEL] == label, "credit_score"].mean(), abs=3
        )


def test_prior_drift_ramp_moves_the_rate_gradually(stream):
    rate = prior_drift(stream, start_day=10, positive_rate=0.8, ramp_days=10, seed=6).groupby("day")[LABEL].mean()
    assert rate[10] < rate[14] < rate[19] and rate[19] == pytest.approx(0.8, abs=0.002)


def test_concept_drift_changes_labels_but_not_inputs(stream):
    drifted = concept_drift(stream, start_day=15, seed=7)
    pd.testing.assert_frame_equal(drifted[[*F, "day"]], stream[[*F, "day"]])
    pd.testing.assert_series_equal(drifted.loc[stream["day"] < 15, LABEL], stream.loc[stream["day"] < 15, LABEL])
    late = drifted[drifted["day"] >= 15]
    p_new = default_probability(late, CONCEPT_DRIFT_RULE)
    assert ((p_new > 0.5) == late[LABEL]).mean() > 0.82  # the new rule explains the new labels
    assert (late[LABEL] != stream.loc[stream["day"] >= 15, LABEL]).mean() > 0.2


def test_gradual_concept_drift_moves_a_growing_share_of_rows(stream):
    drifted = concept_drift(stream, start_day=10, ramp_days=10, seed=8)
    changed = (drifted[LABEL] != stream[LABEL]).groupby(stream["day"]).mean()
    assert changed[9] == 0 and changed[11] < changed[15] < changed[25]


# ---------------------------------------------------------------- faults


def test_nulls_fault_blanks_a_fraction_from_the_start_day(stream):
    broken = inject_fault(stream, "nulls", column="age", start_day=20, fraction=0.2, seed=9)
    nulls = broken["age"].isna()
    assert not nulls[stream["day"] < 20].any()
    assert nulls[stream["day"] >= 20].mean() == pytest.approx(0.2, abs=0.02)


def test_numbers_as_strings_fault_turns_the_column_into_text(stream):
    broken = inject_fault(stream, "numbers_as_strings", column="credit_score")
    assert pd.api.types.is_string_dtype(broken["credit_score"])
    assert broken["credit_score"].iloc[0] == str(stream["credit_score"].iloc[0])


def test_unit_x1000_fault_multiplies_from_the_start_day(stream):
    broken = inject_fault(stream, "unit_x1000", start_day=10)
    late = stream["day"] >= 10
    assert np.allclose(broken.loc[late, "income"], stream.loc[late, "income"] * 1000)
    assert np.allclose(broken.loc[~late, "income"], stream.loc[~late, "income"])


def test_unseen_category_and_renamed_column_faults(stream):
    unseen = inject_fault(stream, "unseen_category", fraction=0.05, seed=1)
    assert (unseen["region"] == "unknown").mean() == pytest.approx(0.05, abs=0.01)
    renamed = inject_fault(stream, "renamed_column", column="age")
    assert "age" not in renamed.columns and "age_v2" in renamed.columns


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda s: make_applications(0), ValueError, "n must be a positive integer"),
        (lambda s: make_applications(2.5), ValueError, "n must be a positive integer"),
        (lambda s: make_stream(n_days=0), ValueError, "n_days must be a positive integer"),
        (lambda s: default_probability([1, 2]), TypeError, "expected a pandas DataFrame, got list"),
        (lambda s: default_probability(s.drop(columns=["age"])), KeyError, "missing column"),
        (lambda s: covariate_drift(s.to_dict(), shift={"age": 1}), TypeError, "expected a pandas DataFrame"),
        (lambda s: covariate_drift(s), ValueError, "at least one column"),
        (lambda s: covariate_drift(s, shift={"region": 1}), ValueError, "not a numeric feature"),
        (lambda s: covariate_drift(s, shift={"salary": 1}), KeyError, "salary"),
        (lambda s: covariate_drift(s, shift={"age": 1}, ramp_days=-1), ValueError, "ramp_days"),
        (lambda s: prior_drift(s, 0, positive_rate=1.0), ValueError, "strictly between 0 and 1"),
        (lambda s: prior_drift(s.drop(columns=[LABEL]), 0, 0.5), KeyError, "missing column"),
        (lambda s: concept_drift(s.iloc[:0].drop(columns=["region"])), KeyError, "region"),
        (lambda s: inject_fault(s, "typo"), ValueError, "unknown fault 'typo'"),
        (lambda s: inject_fault(s, "nulls", fraction=0), ValueError, "fraction"),
        (lambda s: inject_fault(s, "unit_x1000", column="region"), ValueError, "numeric feature"),
        (lambda s: inject_fault(s, "unseen_category", column="age"), ValueError, "text column"),
        (lambda s: inject_fault(s, "numbers_as_strings", column="region"), ValueError, "numeric feature"),
        (lambda s: inject_fault([1], "nulls"), TypeError, "expected a pandas DataFrame"),
    ],
)
def test_bad_input_raises_one_clear_error(call, error, match):
    with pytest.raises(error, match=match):
        call(SMALL)


def test_prior_drift_on_a_day_with_one_class_explains_why():
    one_class = SMALL.assign(**{LABEL: 0})
    with pytest.raises(ValueError, match="only one class"):
        prior_drift(one_class, 0, 0.5)
