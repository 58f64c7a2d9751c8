"""mlcicd.skew: a leaky feature against its point-in-time (as-of join) version, random and time-based splits."""

import numpy as np
import pandas as pd
import pytest

from mlcicd import skew as sk


@pytest.fixture(scope="module")
def events():
    return sk.make_loan_events(600, seed=3)


@pytest.fixture(scope="module")
def serving():
    return sk.make_loan_events(400, seed=4, first_day=720, last_day=810)


def brute_force_count_before_decision(applications, payments):
    """The number of missed payments due strictly before each decision, one application at a time."""
    counts = []
    for customer, decision in zip(applications["customer_id"], applications["decision_day"], strict=True):
        rows = payments[(payments["customer_id"] == customer) & (payments["day"] < decision)]
        counts.append(int(rows["missed"].sum()))
    return np.array(counts)


# --- the as-of feature never looks past the decision ------------------------------------------------------------


def test_the_point_in_time_feature_equals_a_count_of_the_rows_before_each_decision(events):
    apps, pays = events.applications, events.payments
    expected = brute_force_count_before_decision(apps, pays)
    assert (sk.point_in_time_missed_payments(apps, pays).to_numpy() == expected).all()


def test_the_naive_feature_is_not_the_count_before_the_decision(events):
    apps, pays = events.applications, events.payments
    expected = brute_force_count_before_decision(apps, pays)
    assert (sk.naive_missed_payments(apps, pays).to_numpy() > expected).mean() > 0.5


@pytest.mark.parametrize(
    ("feature", "leaks"),
    [(sk.point_in_time_missed_payments, False), (sk.naive_missed_payments, True)],
    ids=["point-in-time", "naive"],
)
def test_changing_every_row_from_the_decision_on_moves_only_the_leaky_feature(events, feature, leaks):
    moved = sk.future_rows_used(feature, events.applications, events.payments)
    assert moved == (len(events.applications) if leaks else 0)


def test_the_future_rows_test_catches_an_as_of_join_that_takes_the_decision_days_own_row():
    apps = pd.DataFrame({"customer_id": [1, 2], "decision_day": [100, 100]})
    pays = pd.DataFrame({"customer_id": [1, 1, 2], "day": [40, 100, 70], "missed": [0, 1, 1]})

    def inclusive(applications, payments):
        history = payments.sort_values("day").assign(so_far=lambda d: d.groupby("customer_id")["missed"].cumsum())
        joined = pd.merge_asof(applications, history, left_on="decision_day", right_on="day", by="customer_id")
        return joined["so_far"].fillna(0)

    assert sk.future_rows_used(inclusive, apps, pays) == 1  # customer 1's instalment is due on the decision day
    assert sk.future_rows_used(sk.point_in_time_missed_payments, apps, pays) == 0


def test_a_feature_that_stays_equal_under_a_plain_flip_is_still_caught():
    """Two later rows, one missed: flipping both keeps the count at 1; marking them all missed does not."""
    apps = pd.DataFrame({"customer_id": [1], "decision_day": [50]})
    pays = pd.DataFrame({"customer_id": [1, 1, 1], "day": [20, 80, 110], "missed": [0, 1, 0]})
    assert sk.future_rows_used(sk.naive_missed_payments, apps, pays) == 1


def test_a_payment_due_on_the_decision_day_itself_is_not_counted():
    apps = pd.DataFrame({"customer_id": [7], "decision_day": [100]})
    pays = pd.DataFrame({"customer_id": [7, 7, 7], "day": [40, 70, 100], "missed": [1, 0, 1]})
    assert sk.point_in_time_missed_payments(apps, pays).tolist() == [1]
    assert sk.naive_missed_payments(apps, pays).tolist() == [2]


def test_the_as_of_join_keeps_each_customers_rows_apart_and_the_applications_order():
    apps = pd.DataFrame({"customer_id": [2, 1, 3], "decision_day": [50, 200, 10]}, index=[10, 11, 12])
    pays = pd.DataFrame({"customer_id": [1, 1, 2, 2, 1], "day": [20, 80, 30, 60, 250], "missed": [1, 1, 1, 1, 1]})
    feature = sk.point_in_time_missed_payments(apps, pays)
    assert feature.index.tolist() == [10, 11, 12]
    assert feature.tolist() == [1, 2, 0]  # customer 3 has no history: 0


# --- the simulation -------------------------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_tables_and_another_seed_other_ones():
    a, b, c = (sk.make_loan_events(200, seed=s) for s in (5, 5, 6))
    pd.testing.assert_frame_equal(a.applications, b.applications)
    pd.testing.assert_frame_equal(a.payments, b.payments)
    assert not a.applications["default"].equals(c.applications["default"])


def test_the_tables_have_their_columns_labels_later_than_decisions_and_every_label_known_at_the_extract(events):
    apps, pays = events.applications, events.payments
    assert tuple(apps.columns) == sk.APPLICATION_COLUMNS
    assert tuple(pays.columns) == sk.PAYMENT_COLUMNS
    assert (apps["label_day"] == apps["decision_day"] + 90).all()
    assert apps["label_day"].max() <= events.extracted_day
    assert pays["day"].max() <= events.extracted_day
    assert 0.15 < apps["default"].mean() < 0.45


def test_defaulted_loans_miss_most_payments_after_the_decision_and_few_before(events):
    rows = events.payments.merge(events.applications, on="customer_id")
    after = rows["day"] >= rows["decision_day"]
    defaulted = rows["default"] == 1
    assert rows.loc[after & defaulted, "missed"].mean() > 0.6
    assert rows.loc[~after & defaulted, "missed"].mean() < 0.2


# --- splits, setups and the skew check ------------------------------------------------------------------------


def test_the_time_split_trains_only_on_decisions_before_the_cutoff(events):
    train, test = sk.time_split(events.applications, cutoff_day=540)
    assert train["decision_day"].max() < 540 <= test["decision_day"].min()
    assert len(train) + len(test) == len(events.applications)


def test_the_random_split_is_seeded_and_mixes_periods(events):
    train, test = sk.random_split(events.applications, test_fraction=0.25, seed=0)
    again, _ = sk.random_split(events.applications, test_fraction=0.25, seed=0)
    assert train.index.equals(again.index) and len(test) == 150
    assert train["decision_day"].max() > test["decision_day"].min()


def test_the_leaky_setups_look_great_offline_and_drop_in_serving_the_point_in_time_one_holds(events, serving):
    table = sk.compare_setups(events, serving, cutoff_day=540, seed=0)
    assert list(table.index) == [name for name, _, _ in sk.SETUPS]
    for setup in ("leaky feature, random split", "leaky feature, time split"):
        assert table.loc[setup, "offline_auc"] > 0.9
        assert table.loc[setup, "offline_auc"] - table.loc[setup, "serving_auc"] > 0.2
    honest = table.loc["point-in-time feature, time split"]
    assert abs(honest["offline_auc"] - honest["serving_auc"]) < 0.1


def test_the_skew_check_flags_the_leaky_feature_and_passes_the_point_in_time_one(events, serving):
    served = sk.with_feature(serving, point_in_time=True)
    leaky = sk.skew_check(sk.with_feature(events, point_in_time=False), served)
    honest = sk.skew_check(sk.with_feature(events, point_in_time=True), served)
    assert leaky.skewed and leaky.training_mean > 2 * leaky.serving_mean
    assert not honest.skewed and honest.psi < 0.1


# --- input errors ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"n_customers": 1, "seed": 0}, ValueError, "n_customers must be >= 2"),
        ({"n_customers": 10, "seed": -1}, ValueError, "seed must be >= 0"),
        ({"n_customers": 10, "seed": 1.5}, TypeError, "seed must be a non-negative integer"),
        ({"n_customers": 10, "seed": 0, "first_day": 5, "last_day": 5}, ValueError, "last_day must be >= 6"),
        ({"n_customers": 10, "seed": 0, "missed_after_default": 1.5}, ValueError, "between 0 and 1"),
    ],
)
def test_make_loan_events_rejects_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        sk.make_loan_events(**kwargs)


def test_features_name_a_missing_column_and_a_wrong_type(events):
    with pytest.raises(KeyError, match="payments is missing column"):
        sk.point_in_time_missed_payments(events.applications, events.payments.drop(columns="day"))
    with pytest.raises(TypeError, match="applications must be a pandas DataFrame"):
        sk.naive_missed_payments([1, 2], events.payments)
    with pytest.raises(TypeError, match="events must be a LoanEvents"):
        sk.with_feature(events.applications, point_in_time=True)


def test_a_cutoff_outside_the_decisions_and_a_split_with_an_empty_side_are_refused(events):
    with pytest.raises(ValueError, match="every row on one side"):
        sk.time_split(events.applications, cutoff_day=5000)
    with pytest.raises(ValueError, match="rows on both sides"):
        sk.random_split(events.applications, test_fraction=0.0, seed=0)


def test_future_rows_used_needs_one_application_per_customer(events):
    twice = pd.concat([events.applications.head(3), events.applications.head(1)])
    with pytest.raises(ValueError, match="one application per customer"):
        sk.future_rows_used(sk.point_in_time_missed_payments, twice, events.payments)


def test_scoring_needs_both_classes(events):
    frame = sk.with_feature(events, point_in_time=True)
    with pytest.raises(ValueError, match="only one class"):
        sk.fit_model(frame[frame["default"] == 0])
