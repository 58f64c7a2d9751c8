"""Training-serving skew from a leaky feature, and point-in-time correctness: an as-of join and a time-based split.

A loan is decided on the **decision day** from what is known about the customer on that day. Whether it defaults
(the label) is known only ``label_delay`` days later. :func:`make_loan_events` simulates a table of applications
and each customer's monthly payment history (one row per due instalment, ``missed`` = 1 when it was not paid),
extracted on a day when every label is known, so the table also holds payments made *after* each decision. A
customer whose loan defaults stops paying, so those later rows are full of missed payments.

Two ways to compute the feature "number of missed payments":

* :func:`naive_missed_payments` counts over **every** row of the customer in the extract: it looks past the
  decision day and sees the consequences of the label (leakage). Offline it predicts the label very well; in
  serving the future rows do not exist yet, so the feature the model gets is a different, smaller number;
* :func:`point_in_time_missed_payments` is an **as-of join** (:func:`pandas.merge_asof`, by customer, on the
  decision day, strictly before it): the count the serving system would have seen on the decision day.

:func:`future_rows_used` is the test of a feature that CI can run: change the payment rows on or after each
decision (drop them, mark them all missed, mark them all paid) and count the applications whose feature moves
(0 for a point-in-time feature).

Two ways to split applications into training and test rows: :func:`random_split` mixes periods, so the model
is trained on applications decided after some of its test rows; :func:`time_split` trains on the applications
decided before a cutoff day and tests on those from the cutoff on, as serving will. The time split fixes the
*rows*; it does not fix a *feature* that counts payments after each row's decision: only the as-of join does.
:func:`compare_setups` scores the combinations offline and in serving; :func:`skew_check` compares a feature's
distribution in training with the one serving sees.

Every random draw takes an explicit ``seed``; nothing happens at import.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, roc_auc_score
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from mlcicd._checks import check_fraction, check_frame, check_int, check_number, check_seed, check_text
from mlcicd.data import LABEL
from mlcicd.drift import psi

__all__ = [
    "APPLICATION_COLUMNS",
    "PAYMENT_COLUMNS",
    "FEATURE",
    "MODEL_FEATURES",
    "LABEL",
    "LoanEvents",
    "make_loan_events",
    "naive_missed_payments",
    "point_in_time_missed_payments",
    "with_feature",
    "future_rows_used",
    "random_split",
    "time_split",
    "fit_model",
    "score",
    "SETUPS",
    "compare_setups",
    "SkewCheck",
    "skew_check",
]

APPLICATION_COLUMNS = ("customer_id", "decision_day", "label_day", "income", LABEL)
PAYMENT_COLUMNS = ("customer_id", "day", "missed")
FEATURE = "missed_payments"
MODEL_FEATURES = (FEATURE, "income")
_PAYMENT_INTERVAL = 30  # days between two instalments


@dataclass(frozen=True)
class LoanEvents:
    """Applications (one per customer) and the customers' payment rows, as extracted on ``extracted_day``."""

    applications: pd.DataFrame
    payments: pd.DataFrame
    extracted_day: int


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def make_loan_events(
    n_customers: int,
    *,
    seed: int,
    first_day: int = 0,
    last_day: int = 720,
    history_days: int = 360,
    label_delay: int = 90,
    missed_after_default: float = 0.7,
) -> LoanEvents:
    """A seeded table of loan applications and payment histories.

    Each customer has a hidden risk ``z`` (standard normal) and applies once, on a decision day drawn uniformly
    from ``[first_day, last_day)``; the label ``default`` (P = sigmoid(-1.2 + 1.3 z)) is known on ``label_day =
    decision_day + label_delay``. ``income`` (thousand dollars) is lower for riskier customers. Instalments of
    earlier credit fall due every 30 days from between ``history_days`` and ``history_days - 29`` days before the
    customer's decision up to the extract on ``last_day + label_delay`` (so every customer has the same length of
    history before the decision, in training and in serving); each is missed with probability sigmoid(-3 + 0.9 z), except instalments due on or after the
    decision of a loan that defaults, which are missed with probability ``missed_after_default``.
    """
    n_customers = check_int(n_customers, "n_customers", min_value=2)
    seed = check_seed(seed)
    first_day = check_int(first_day, "first_day")
    last_day = check_int(last_day, "last_day", min_value=first_day + 1)
    history_days = check_int(history_days, "history_days", min_value=0)
    label_delay = check_int(label_delay, "label_delay", min_value=0)
    missed_after_default = check_fraction(missed_after_default, "missed_after_default")

    rng = np.random.default_rng(seed)
    risk = rng.standard_normal(n_customers)
    decision = rng.integers(first_day, last_day, size=n_customers)
    default = (rng.random(n_customers) < _sigmoid(-1.2 + 1.3 * risk)).astype(int)
    income = np.round(np.exp(rng.normal(3.9 - 0.25 * risk, 0.35)), 1)
    customer_id = np.arange(n_customers)
    applications = pd.DataFrame(
        {
            "customer_id": customer_id,
            "decision_day": decision,
            "label_day": decision + label_delay,
            "income": income,
            LABEL: default,
        }
    )

    extracted_day = last_day + label_delay
    offset = rng.integers(0, _PAYMENT_INTERVAL, size=n_customers)
    start = decision - history_days + offset
    counts = (extracted_day - start) // _PAYMENT_INTERVAL + 1
    who = np.repeat(customer_id, counts)
    step = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    day = start[who] + _PAYMENT_INTERVAL * step
    after_default = (default[who] == 1) & (day >= decision[who])
    p_missed = np.where(after_default, missed_after_default, _sigmoid(-3.0 + 0.9 * risk[who]))
    missed = (rng.random(len(day)) < p_missed).astype(int)
    payments = pd.DataFrame({"customer_id": who, "day": day, "missed": missed})
    return LoanEvents(applications=applications, payments=payments, extracted_day=int(extracted_day))


def _inputs(applications: object, payments: object) -> tuple[pd.DataFrame, pd.DataFrame]:
    apps = check_frame(applications, "applications", columns=("customer_id", "decision_day"))
    pays = check_frame(payments, "payments", columns=PAYMENT_COLUMNS, non_empty=False)
    return apps, pays


def naive_missed_payments(applications: pd.DataFrame, payments: pd.DataFrame) -> pd.Series:
    """LEAKY: the customer's missed payments over every row of ``payments``, before and after the decision."""
    apps, pays = _inputs(applications, payments)
    totals = pays.groupby("customer_id")["missed"].sum()
    counts = apps["customer_id"].map(totals).fillna(0).astype(int)
    return counts.rename(FEATURE)


def point_in_time_missed_payments(applications: pd.DataFrame, payments: pd.DataFrame) -> pd.Series:
    """The customer's missed payments due strictly before the decision day, by an as-of join.

    The running count of missed payments per customer is joined to each application with
    ``pandas.merge_asof(..., by="customer_id", left_on="decision_day", right_on="day",
    allow_exact_matches=False)``: the last payment row *before* the decision, never one on or after it. A
    customer with no earlier row gets 0. The result is aligned with ``applications``' index.
    """
    apps, pays = _inputs(applications, payments)
    history = pays.sort_values(["day", "customer_id"], kind="stable").copy()
    history["missed_so_far"] = history.groupby("customer_id")["missed"].cumsum()
    left = apps[["customer_id", "decision_day"]].assign(_row=np.arange(len(apps)))
    left = left.sort_values("decision_day", kind="stable")
    joined = pd.merge_asof(
        left,
        history[["customer_id", "day", "missed_so_far"]],
        left_on="decision_day",
        right_on="day",
        by="customer_id",
        allow_exact_matches=False,
        direction="backward",
    )
    counts = joined.sort_values("_row")["missed_so_far"].fillna(0).astype(int).to_numpy()
    return pd.Series(counts, index=apps.index, name=FEATURE)


FeatureFunction = Callable[[pd.DataFrame, pd.DataFrame], pd.Series]


def with_feature(events: LoanEvents, *, point_in_time: bool) -> pd.DataFrame:
    """``events.applications`` with the column ``missed_payments``: as of the decision, or (leaky) over all rows."""
    if not isinstance(events, LoanEvents):
        raise TypeError(f"events must be a LoanEvents from make_loan_events, got {type(events).__name__}")
    feature = point_in_time_missed_payments if point_in_time else naive_missed_payments
    return events.applications.assign(**{FEATURE: feature(events.applications, events.payments)})


def future_rows_used(feature: FeatureFunction, applications: pd.DataFrame, payments: pd.DataFrame) -> int:
    """How many applications' feature changes when the payment rows on or after their decision day change.

    The rows due on or after each customer's decision day are changed three ways: dropped, all marked missed,
    all marked paid; ``feature(applications, payments)`` is computed for each version and compared with its
    value on the original table. An application counts once if any version moves its value. A point-in-time
    feature depends on nothing from the decision day on, so the answer is 0; a feature that reads later rows
    changes for every customer who has such rows (a single change, such as flipping each row, can miss it: a
    count stays the same when exactly half of the later rows flip from missed to paid). A CI test asserts 0.
    """
    apps, pays = _inputs(applications, payments)
    if not callable(feature):
        raise TypeError(f"feature must be a function (applications, payments) -> Series, got {type(feature).__name__}")
    if apps["customer_id"].duplicated().any():
        raise ValueError(
            "applications has several rows for one customer; future_rows_used needs one application per customer "
            "(test each decision separately)"
        )
    decision = pays["customer_id"].map(apps.set_index("customer_id")["decision_day"])
    later = (pays["day"] >= decision).to_numpy()
    versions = (
        pays[~later],
        pays.assign(missed=np.where(later, 1, pays["missed"])),
        pays.assign(missed=np.where(later, 0, pays["missed"])),
    )
    original = np.asarray(feature(apps, pays))
    moved = np.zeros(len(apps), dtype=bool)
    for version in versions:
        moved |= np.asarray(feature(apps, version)) != original
    return int(moved.sum())


def random_split(frame: pd.DataFrame, *, test_fraction: float = 0.25, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(train, test): a seeded random share ``test_fraction`` of the rows is the test set, whatever their day."""
    frame = check_frame(frame, "frame")
    test_fraction = check_fraction(test_fraction, "test_fraction")
    seed = check_seed(seed)
    n_test = round(test_fraction * len(frame))
    if not 0 < n_test < len(frame):
        raise ValueError(
            f"test_fraction={test_fraction} of {len(frame)} rows leaves {n_test} test rows; "
            "choose a fraction that puts rows on both sides"
        )
    test_rows = np.zeros(len(frame), dtype=bool)
    test_rows[np.random.default_rng(seed).choice(len(frame), size=n_test, replace=False)] = True
    return frame[~test_rows], frame[test_rows]


def time_split(
    frame: pd.DataFrame, *, cutoff_day: int, column: str = "decision_day"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(train, test): rows with ``column`` before ``cutoff_day`` train the model; rows from ``cutoff_day`` on test it."""
    column = check_text(column, "column", example="decision_day")
    frame = check_frame(frame, "frame", columns=(column,))
    cutoff_day = check_int(cutoff_day, "cutoff_day")
    early = (frame[column] < cutoff_day).to_numpy()
    if early.all() or not early.any():
        raise ValueError(
            f"cutoff_day={cutoff_day} puts every row on one side ({column} runs from {frame[column].min()} to "
            f"{frame[column].max()}); choose a cutoff inside that range"
        )
    return frame[early], frame[~early]


def fit_model(train: pd.DataFrame) -> Pipeline:
    """A standardised logistic regression of ``default`` on ``missed_payments`` and ``income``."""
    train = check_frame(train, "train", columns=(*MODEL_FEATURES, LABEL))
    if train[LABEL].nunique() < 2:
        raise ValueError(f"train has only one class in {LABEL!r}; training needs both 0 and 1")
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    return model.fit(train[list(MODEL_FEATURES)], train[LABEL].to_numpy())


def score(model: Pipeline, frame: pd.DataFrame) -> dict[str, float]:
    """ROC AUC and accuracy (threshold 0.5) of ``model`` on ``frame``."""
    frame = check_frame(frame, "frame", columns=(*MODEL_FEATURES, LABEL))
    if frame[LABEL].nunique() < 2:
        raise ValueError(f"frame has only one class in {LABEL!r}; AUC needs both 0 and 1")
    y = frame[LABEL].to_numpy()
    x = frame[list(MODEL_FEATURES)]
    return {
        "auc": float(roc_auc_score(y, model.predict_proba(x)[:, 1])),
        "accuracy": float(accuracy_score(y, model.predict(x))),
    }


SETUPS = (
    ("leaky feature, random split", False, "random"),
    ("leaky feature, time split", False, "time"),
    ("point-in-time feature, time split", True, "time"),
)


def compare_setups(
    events: LoanEvents,
    serving: LoanEvents,
    *,
    cutoff_day: int,
    test_fraction: float = 0.25,
    seed: int,
) -> pd.DataFrame:
    """Offline and serving AUC and accuracy of the model trained in each of :data:`SETUPS`.

    Offline, a setup computes the feature its way on ``events`` (the extract, with every label known), splits
    the rows its way (``random_split`` with ``test_fraction`` and ``seed``, or ``time_split`` at
    ``cutoff_day``), trains on one part and scores the other. In serving, the same model scores the later
    applications of ``serving`` with the feature as of each decision: all that exists on that day.
    """
    if not isinstance(serving, LoanEvents):
        raise TypeError(f"serving must be a LoanEvents from make_loan_events, got {type(serving).__name__}")
    serving_rows = with_feature(serving, point_in_time=True)
    rows = []
    for name, point_in_time, split in SETUPS:
        frame = with_feature(events, point_in_time=point_in_time)
        if split == "random":
            train, test = random_split(frame, test_fraction=test_fraction, seed=seed)
        else:
            train, test = time_split(frame, cutoff_day=cutoff_day)
        model = fit_model(train)
        offline, online = score(model, test), score(model, serving_rows)
        rows.append(
            {
                "setup": name,
                "n_train": len(train),
                "n_test": len(test),
                "offline_auc": offline["auc"],
                "serving_auc": online["auc"],
                "offline_accuracy": offline["accuracy"],
                "serving_accuracy": online["accuracy"],
            }
        )
    return pd.DataFrame(rows).set_index("setup")


@dataclass(frozen=True)
class SkewCheck:
    """A feature's distribution in training against serving: means, PSI, and whether PSI exceeds the threshold."""

    column: str
    training_mean: float
    serving_mean: float
    psi: float
    threshold: float

    @property
    def skewed(self) -> bool:
        return self.psi > self.threshold


def skew_check(
    training: pd.DataFrame, serving: pd.DataFrame, column: str = FEATURE, *, threshold: float = 0.25
) -> SkewCheck:
    """Compare ``column`` in the training rows with the same column computed by the serving path.

    PSI (:func:`mlcicd.drift.psi`, the training rows as the reference) above ``threshold`` (0.25, the
    conventional "significant" line) flags skew. Unlike drift, which compares periods, this compares the two
    code paths that compute the feature, on comparable applications: any difference is a bug, not a change in
    the world.
    """
    column = check_text(column, "column", example=FEATURE)
    training = check_frame(training, "training", columns=(column,))
    serving = check_frame(serving, "serving", columns=(column,))
    threshold = check_number(threshold, "threshold", greater_than=0.0)
    return SkewCheck(
        column=column,
        training_mean=float(training[column].mean()),
        serving_mean=float(serving[column].mean()),
        psi=psi(training[column], serving[column]),
        threshold=threshold,
    )
