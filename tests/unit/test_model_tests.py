"""mlcicd.model_tests: behavioural, training and slice checks of a fitted model, and a gate whose tolerance is noise."""

import numpy as np
import pandas as pd
import pytest

from mlcicd import model_tests as mt
from mlcicd.data import FEATURES, LABEL, make_applications, prior_drift
from mlcicd.models import train_model


@pytest.fixture(scope="module")
def train():
    return make_applications(3000, seed=1)


@pytest.fixture(scope="module")
def holdout():
    return make_applications(1500, seed=2)


@pytest.fixture(scope="module")
def champion(train):
    return train_model(train)


@pytest.fixture(scope="module")
def reversed_model(train):
    return train_model(mt.reverse_credit_score(train))


def test_the_reversed_credit_score_model_matches_the_champion_on_its_own_holdout_so_the_gate_passes(
    champion, reversed_model, holdout
):
    gate = mt.promotion_gate(champion, reversed_model, holdout, candidate_holdout=mt.reverse_credit_score(holdout))
    assert gate["passed"].all(), gate
    assert gate.loc["accuracy", "difference"] == pytest.approx(0.0, abs=1e-12)


def test_a_higher_credit_score_never_raises_the_champions_risk_but_always_raises_the_reversed_models(
    champion, reversed_model, holdout
):
    good = mt.directional_check(champion, holdout)
    bad = mt.directional_check(reversed_model, holdout)
    assert good.passed and good.violations == 0
    assert not bad.passed and bad.share == 1.0
    assert good.n == bad.n == int((holdout["credit_score"] + 20 <= 850).sum()), "rows at the cap are left out"


def test_the_directional_check_can_expect_an_increase_for_debt_to_income(champion, holdout):
    assert mt.directional_check(champion, holdout, "debt_to_income", step=0.05, expected="increase").passed
    assert not mt.directional_check(champion, holdout, "debt_to_income", step=0.05, expected="decrease").passed


def test_easy_cases_are_half_safe_half_risky_and_the_reversed_model_gets_many_wrong(champion, reversed_model):
    cases = mt.easy_cases(60, seed=4)
    assert len(cases) == 60 and cases[LABEL].sum() == 30
    assert mt.minimum_functionality_check(champion, cases).passed
    bad = mt.minimum_functionality_check(reversed_model, cases)
    assert not bad.passed and bad.share > 0.2, bad


def test_a_tiny_income_jitter_flips_almost_no_decisions_and_a_large_change_fails_invariance(champion, holdout):
    tiny = mt.jitter(holdout, "income", 0.5, seed=3)
    assert np.abs(tiny["income"] - holdout["income"]).max() <= 0.5
    assert mt.invariance_check(champion, holdout, tiny, tolerance=0.01).passed
    large = mt.jitter(holdout, "credit_score", 150, seed=3)
    result = mt.invariance_check(champion, holdout, large, tolerance=0.01)
    assert not result.passed and result.share > 0.05, result


def test_jitter_keeps_integer_columns_integer_and_values_in_range(holdout):
    moved = mt.jitter(holdout, "credit_score", 40, seed=1)
    assert moved["credit_score"].dtype == holdout["credit_score"].dtype
    assert moved["credit_score"].between(300, 850).all()
    assert not moved["credit_score"].equals(holdout["credit_score"])


def test_the_training_loss_falls_below_the_base_rate_and_misaligned_labels_cannot(train):
    good = mt.loss_curve(train, epochs=6)
    assert good.losses[0] == pytest.approx(np.log(2)) and len(good.losses) == 7
    assert good.passed and good.losses[-1] < good.baseline - 0.1
    assert np.all(np.diff(good.losses) < 0), good.losses
    bad = mt.loss_curve(mt.shuffle_labels(train, seed=5), epochs=6)
    assert not bad.passed and bad.losses[-1] > bad.baseline - 0.02
    assert bad.baseline == pytest.approx(good.baseline), "shuffling keeps the base rate"


def test_the_loss_curve_is_reproducible_with_its_seed(train):
    a, b = mt.loss_curve(train, epochs=3, seed=2), mt.loss_curve(train, epochs=3, seed=2)
    assert np.array_equal(a.losses, b.losses)
    assert not np.array_equal(a.losses, mt.loss_curve(train, epochs=3, seed=3).losses)


def test_a_tiny_batch_is_overfit_without_regularisation_and_not_by_a_model_that_cannot_learn(train):
    assert all(mt.overfit_tiny_batch(train, n=20, seed=seed).passed for seed in range(5))
    frozen = [mt.overfit_tiny_batch(train, n=20, seed=seed, C=1e-4) for seed in range(5)]
    assert not any(check.passed for check in frozen), frozen


def test_slice_report_counts_every_row_once_and_matches_the_overall_accuracy(champion, holdout):
    report = mt.slice_report(champion, holdout, "region")
    assert report["n"].sum() == len(holdout) and report["positives"].sum() == holdout[LABEL].sum()
    overall = np.mean(champion.predict(holdout[list(FEATURES)]) == holdout[LABEL])
    assert np.average(report["accuracy"], weights=report["n"]) == pytest.approx(overall)
    bands = mt.slice_report(champion, holdout, "credit_score", bins=mt.CREDIT_BANDS)
    assert list(bands["credit_score"]) == ["300-619", "620-679", "680-739", "740-850"]
    assert bands["n"].sum() == len(holdout)
    assert bands["recall"].iloc[0] > bands["recall"].iloc[-1], "defaults among high scores are harder to catch"


def test_the_paired_standard_error_depends_only_on_disagreements():
    same = np.array([1, 0, 1, 1, 0, 1, 1, 0])
    assert mt.paired_standard_error(same, same) == 0.0
    flipped = same.copy()
    flipped[:2] = 1 - flipped[:2]
    d = flipped - same
    assert mt.paired_standard_error(same, flipped) == pytest.approx(np.std(d, ddof=1) / np.sqrt(8))
    assert mt.gate_tolerance(same, flipped, z=2.0) == pytest.approx(2 * mt.paired_standard_error(same, flipped))


def test_a_candidate_trained_on_fewer_defaults_passes_accuracy_and_fails_recall(champion, train, holdout):
    timid = train_model(prior_drift(train, 0, 0.2, seed=0))
    gate = mt.promotion_gate(champion, timid, holdout)
    assert gate.loc["accuracy", "passed"] and not gate.loc["recall", "passed"], gate
    assert gate.loc["recall", "difference"] < -gate.loc["recall", "tolerance"]


def test_a_noise_based_tolerance_rejects_an_equally_good_model_about_one_time_in_twenty(champion):
    other = train_model(make_applications(3000, seed=7))
    null = mt.null_gate_differences(champion, other, 200, 500, seed=8)
    rejected = (null["difference"] < -null["tolerance"]).mean()
    strict = (null["difference"] < 0).mean()
    assert 0.01 <= rejected <= 0.12, rejected
    assert strict > 0.25, "a rule that allows no drop rejects equally good models far more often"


@pytest.mark.parametrize(
    "call, error",
    [
        (lambda m, h: mt.directional_check(m, h, "region"), ValueError),
        (lambda m, h: mt.directional_check(m, h, step=-1), ValueError),
        (lambda m, h: mt.directional_check(m, h, expected="up"), ValueError),
        (lambda m, h: mt.invariance_check(m, h, h.head(3)), ValueError),
        (lambda m, h: mt.invariance_check(m, h, h, tolerance=2), ValueError),
        (lambda m, h: mt.invariance_check("model", h, h), TypeError),
        (lambda m, h: mt.jitter(h, "income", 0), ValueError),
        (lambda m, h: mt.slice_report(m, h, "colour"), KeyError),
        (lambda m, h: mt.promotion_gate(m, m, h, metrics=("auc",)), ValueError),
        (lambda m, h: mt.promotion_gate(m, m, h, candidate_holdout=h.iloc[::-1]), ValueError),
        (lambda m, h: mt.easy_cases(1), ValueError),
        (lambda m, h: mt.loss_curve(h, seed=-1), ValueError),
        (lambda m, h: mt.paired_standard_error([1, 0], [1, 2]), ValueError),
        (lambda m, h: mt.minimum_functionality_check(m, h.drop(columns=LABEL)), KeyError),
    ],
)
def test_bad_arguments_raise_errors_that_name_the_problem(champion, holdout, call, error):
    with pytest.raises(error):
        call(champion, holdout)


def test_the_helpers_return_new_frames_and_leave_their_input_alone(holdout):
    before = holdout.copy()
    mt.jitter(holdout, "income", 1.0)
    mt.reverse_credit_score(holdout)
    mt.shuffle_labels(holdout)
    pd.testing.assert_frame_equal(holdout, before)
    assert mt.reverse_credit_score(mt.reverse_credit_score(holdout)).equals(holdout)
