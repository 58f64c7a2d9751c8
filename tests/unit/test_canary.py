"""mlcicd.canary: paired outcomes of champion and candidate, the exact McNemar test and the canary decision."""

import numpy as np
import pytest
from scipy import stats

from mlcicd import canary as cy
from mlcicd.data import FEATURES, make_applications
from mlcicd.models import train_model


@pytest.fixture(scope="module")
def models():
    champion = train_model(make_applications(1500, seed=1))
    candidate = train_model(make_applications(1500, seed=2, rule=cy.RECENT_RULE))
    return champion, candidate


@pytest.mark.parametrize("b, c", [(0, 0), (1, 0), (5, 15), (0, 7), (30, 51), (10, 10), (200, 170)])
def test_the_exact_mcnemar_p_value_is_scipys_two_sided_binomial_test_on_the_discordant_pairs(b, c):
    result = cy.mcnemar_exact(b, c)
    want = 1.0 if b + c == 0 else stats.binomtest(c, b + c, 0.5).pvalue
    assert result.p_value == pytest.approx(want, abs=1e-12)
    assert (result.b, result.c, result.n_discordant) == (b, c, b + c)
    assert cy.mcnemar_exact(c, b).p_value == pytest.approx(result.p_value, abs=1e-12), "the test is two-sided"


def test_discordant_counts_count_only_the_requests_where_the_models_disagree():
    champion = [True, True, False, False, True, 1, 0]
    candidate = [True, False, True, False, False, 1, 1]
    assert cy.discordant_counts(champion, candidate) == (2, 2)
    assert cy.discordant_counts(np.ones(5, bool), np.ones(5, bool)) == (0, 0)


@pytest.mark.parametrize(
    "champion, candidate, error",
    [
        ([True, False], [True], "one pair per request"),
        ([[True, False]], [[True, False]], "1-d"),
        ([0.5, 1.0], [1, 1], "True/False"),
        (["yes"], [True], "True/False"),
    ],
)
def test_outcomes_that_are_not_one_pair_of_booleans_per_request_are_refused(champion, candidate, error):
    with pytest.raises(ValueError, match=error):
        cy.discordant_counts(champion, candidate)


def test_mcnemar_refuses_negative_or_fractional_counts():
    with pytest.raises(ValueError, match="b must be >= 0"):
        cy.mcnemar_exact(-1, 3)
    with pytest.raises(TypeError, match="c must be an integer"):
        cy.mcnemar_exact(3, 2.5)


def _pairs(b, c, both_right=100, both_wrong=20):
    champion = [True] * both_right + [True] * b + [False] * c + [False] * both_wrong
    candidate = [True] * both_right + [False] * b + [True] * c + [False] * both_wrong
    return np.array(champion), np.array(candidate)


@pytest.mark.parametrize(
    "b, c, decision",
    [
        (5, 25, "promote"),  # p = 0.0003
        (25, 5, "roll back"),
        (14, 16, "keep collecting"),  # not significant
        (0, 15, "keep collecting"),  # significant (p = 6e-5) but fewer than 20 discordant pairs
        (40, 60, "keep collecting"),  # p = 0.057 > 0.05
    ],
)
def test_canary_decision_promotes_rolls_back_or_keeps_collecting(b, c, decision):
    assert cy.canary_decision(*_pairs(b, c)) == decision


def test_more_planned_looks_lower_the_level_of_each_look():
    champion, candidate = _pairs(40, 65)  # p = 0.019
    assert cy.canary_decision(champion, candidate, alpha=0.05) == "promote"
    assert cy.canary_decision(champion, candidate, alpha=0.05, looks=5) == "keep collecting"  # tested at 0.01


@pytest.mark.parametrize(
    "options, error",
    [
        ({"alpha": 0.0}, ValueError),
        ({"alpha": 1.5}, ValueError),
        ({"alpha": "0.05"}, TypeError),
        ({"min_discordant": 0}, ValueError),
        ({"looks": 0}, ValueError),
        ({"looks": True}, TypeError),
    ],
)
def test_canary_decision_checks_its_settings(options, error):
    with pytest.raises(error):
        cy.canary_decision(*_pairs(5, 25), **options)


def test_run_canary_stops_at_the_first_look_with_a_verdict():
    champion, candidate = cy.simulate_paired_outcomes(4000, 0.80, 0.86, discordant_rate=0.12, seed=3)
    run = cy.run_canary(champion, candidate, check_every=200)
    assert run.decision == "promote" and run.looks < run.planned_looks == 20 and run.n_paired == 200 * run.looks
    assert run.alpha_per_look == pytest.approx(0.05 / 20)
    assert cy.canary_decision(champion[: run.n_paired], candidate[: run.n_paired], looks=20) == "promote"
    assert cy.canary_decision(champion[: run.n_paired - 200], candidate[: run.n_paired - 200], looks=20) == (
        "keep collecting"
    )


def test_run_canary_without_a_verdict_keeps_collecting_to_the_end():
    champion, candidate = cy.simulate_paired_outcomes(1000, 0.8, 0.8, discordant_rate=0.02, seed=4)
    run = cy.run_canary(champion, candidate, check_every=300)
    assert run == cy.CanaryRun("keep collecting", 1000, 4, 4, 0.05 / 4)


def test_simulated_paired_outcomes_have_the_requested_accuracies_and_discordant_rate():
    champion, candidate = cy.simulate_paired_outcomes(200_000, 0.83, 0.855, discordant_rate=0.094, seed=5)
    assert champion.mean() == pytest.approx(0.83, abs=0.003)
    assert candidate.mean() == pytest.approx(0.855, abs=0.003)
    assert np.mean(champion != candidate) == pytest.approx(0.094, abs=0.003)
    again = cy.simulate_paired_outcomes(200_000, 0.83, 0.855, discordant_rate=0.094, seed=5)
    assert np.array_equal(again[0], champion) and np.array_equal(again[1], candidate)


def test_impossible_accuracy_pairs_are_refused():
    with pytest.raises(ValueError, match="discordant rate must be at least the accuracy gap"):
        cy.simulate_paired_outcomes(100, 0.7, 0.9, discordant_rate=0.1)


def test_peeking_at_every_look_inflates_the_false_verdict_rate_and_the_bonferroni_level_holds_it():
    """Two equally good models: every promote or roll back is a false verdict."""
    naive = cy.decision_rates(300, 4000, 0.83, 0.83, check_every=200, correct_for_looks=False, seed=1)
    corrected = cy.decision_rates(300, 4000, 0.83, 0.83, check_every=200, correct_for_looks=True, seed=1)
    assert naive["promote"] + naive["roll back"] > 0.10, naive
    assert corrected["promote"] + corrected["roll back"] <= 0.05, corrected


def test_decision_rates_agree_with_run_canary_on_each_seeded_run():
    rates = cy.decision_rates(20, 1500, 0.8, 0.83, check_every=300, seed=7)
    seeds = np.random.default_rng(7).integers(0, 2**32 - 1, 20)
    runs = [cy.run_canary(*cy.simulate_paired_outcomes(1500, 0.8, 0.83, seed=int(s)), check_every=300) for s in seeds]
    for decision in cy.DECISIONS:
        assert rates[decision] == pytest.approx(np.mean([r.decision == decision for r in runs]))
    assert rates["mean_requests"] == pytest.approx(np.mean([r.n_paired for r in runs]))


def test_route_traffic_sends_about_the_share_to_the_candidate_and_is_seeded():
    routed = cy.route_traffic(20_000, 0.1, seed=3)
    assert routed.dtype == bool and routed.mean() == pytest.approx(0.1, abs=0.01)
    assert np.array_equal(routed, cy.route_traffic(20_000, 0.1, seed=3))
    with pytest.raises(ValueError):
        cy.route_traffic(100, 1.2)


def test_shadow_mode_serves_only_the_champion_and_pairs_every_request(models):
    requests = make_applications(400, seed=3, rule=cy.RECENT_RULE)
    log = cy.simulate_traffic(*models, requests, mode="shadow")
    assert not log["to_candidate"].any() and log["paired"].all()
    assert (log["served_by"] == "champion").all()
    assert log["served_correct"].equals(log["champion_correct"])


def test_canary_mode_serves_the_routed_share_by_the_candidate_and_pairs_only_those(models):
    requests = make_applications(2000, seed=3, rule=cy.RECENT_RULE)
    log = cy.simulate_traffic(*models, requests, mode="canary", share=0.2, seed=4)
    assert log["paired"].equals(log["to_candidate"])
    assert log["to_candidate"].mean() == pytest.approx(0.2, abs=0.03)
    routed = log[log["to_candidate"]]
    assert routed["served_correct"].equals(routed["candidate_correct"]) and (routed["served_by"] == "candidate").all()


def test_a_serving_skew_on_the_candidates_path_shows_up_only_in_live_outcomes(models):
    requests = make_applications(3000, seed=5, rule=cy.RECENT_RULE)
    clean = cy.simulate_traffic(*models, requests, mode="shadow")
    skewed = cy.simulate_traffic(
        *models,
        requests,
        mode="shadow",
        candidate_features=cy.serving_skew(requests, "income", 1000.0, share=0.5, seed=6),
    )
    assert clean["candidate_correct"].mean() > clean["champion_correct"].mean()
    assert skewed["candidate_correct"].mean() < skewed["champion_correct"].mean() - 0.03
    assert skewed["champion_correct"].equals(clean["champion_correct"]), "the champion's path is unchanged"


def test_serving_skew_changes_only_the_chosen_share_of_one_column():
    requests = make_applications(1000, seed=8)
    skewed = cy.serving_skew(requests, "income", 1000.0, share=0.3, seed=9)
    changed = skewed["income"] != requests["income"]
    assert changed.mean() == pytest.approx(0.3, abs=0.05)
    assert np.allclose(skewed.loc[changed, "income"], requests.loc[changed, "income"] * 1000)
    assert skewed.drop(columns="income").equals(requests.drop(columns="income"))
    with pytest.raises(ValueError, match="numeric feature"):
        cy.serving_skew(requests, "region")


def test_simulate_traffic_refuses_unknown_modes_and_misaligned_candidate_features(models):
    requests = make_applications(50, seed=1)
    with pytest.raises(ValueError, match="mode must be one of"):
        cy.simulate_traffic(*models, requests, mode="blue-green")
    with pytest.raises(ValueError, match="one row per"):
        cy.simulate_traffic(*models, requests, candidate_features=requests.iloc[:10])
    with pytest.raises(KeyError):
        cy.simulate_traffic(*models, requests[list(FEATURES)])


def test_importing_the_module_sets_no_global_random_state():
    import importlib

    state = np.random.get_state()[1].copy()
    importlib.reload(cy)
    assert np.array_equal(np.random.get_state()[1], state)


def test_decision_table_gives_decision_rates_for_each_schedule_on_the_same_runs():
    table = cy.decision_table(50, 1200, 0.8, 0.82, [1200, 300, 100], seed=2)
    assert list(table["looks"]) == [1, 1, 4, 4, 12, 12] and list(table["corrected"]) == [False, True] * 3
    for row in table.to_dict("records"):
        want = cy.decision_rates(
            50, 1200, 0.8, 0.82, check_every=row["check_every"], correct_for_looks=row["corrected"], seed=2
        )
        assert {key: row[key] for key in want} == want, row
