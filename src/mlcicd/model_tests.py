"""Tests of the model, not just the code: behavioural checks, training checks, slices and a noise-aware gate.

A fitted course model (:func:`mlcicd.models.train_model`) can be tested like a function with a specification:

* **behavioural checks** (after Ribeiro et al.'s CheckList) compare its decisions on inputs whose right answer
  is known without labels: :func:`invariance_check` (a change that must not matter, such as a tiny
  :func:`jitter` of income, flips at most a tolerance share of decisions), :func:`directional_check` (a higher
  credit score must not raise the predicted default probability) and :func:`minimum_functionality_check`
  (clear-cut cases from :func:`easy_cases` are scored right);
* **training checks** test the training code: :func:`loss_curve` (the log loss falls over the epochs, below
  the loss of always predicting the base rate) and :func:`overfit_tiny_batch` (a model that can learn at all
  fits 20 rows, about two per weight, exactly once regularisation is switched off);
* :func:`slice_report` gives a metric per region or per credit-score band with its row count and standard error;
* :func:`promotion_gate` compares a candidate with the champion on the same holdout rows, on accuracy **and**
  recall (a third of the labels are positive, so predicting "no default" for everyone is already 67% accurate),
  with a tolerance from the noise of each metric: :func:`gate_tolerance` is ``z`` times the paired standard
  error of the difference, not a guessed number.

:func:`reverse_credit_score` is the bug the lesson plants: a data source that stores credit scores reversed
(300 and 850 swapped). A model trained and evaluated on such data has exactly the champion's accuracy, yet in
serving, where scores are the right way round, a higher score raises its predicted risk.

Every random draw takes an explicit ``seed``; nothing happens at import.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from mlcicd._checks import check_frame, check_int, check_number, check_seed, check_text
from mlcicd.data import BASE_RULE, FEATURES, LABEL, NUMERIC_FEATURES, default_probability, make_applications
from mlcicd.models import make_model, make_preprocessor

__all__ = [
    "CREDIT_BANDS",
    "GATE_METRICS",
    "LossCurve",
    "ModelCheck",
    "directional_check",
    "easy_cases",
    "gate_tolerance",
    "invariance_check",
    "jitter",
    "loss_curve",
    "minimum_functionality_check",
    "null_gate_differences",
    "overfit_tiny_batch",
    "paired_standard_error",
    "promotion_gate",
    "reverse_credit_score",
    "shuffle_labels",
    "slice_report",
]

#: The metrics :func:`promotion_gate` compares: the share of rows right, and the share of defaults caught.
GATE_METRICS = ("accuracy", "recall")
#: Credit-score band edges for :func:`slice_report` (``bins=CREDIT_BANDS``): [300, 620), [620, 680), ... [740, 851).
CREDIT_BANDS = (300, 620, 680, 740, 851)

# Valid ranges, so a perturbed row is still a possible applicant.
_RANGE = {
    "age": (18, 100),
    "income": (1.0, np.inf),
    "loan_amount": (0.5, np.inf),
    "credit_score": (300, 850),
    "debt_to_income": (0.0, 1.0),
    "employment_years": (0.0, 60.0),
}


@dataclass(frozen=True)
class ModelCheck:
    """The outcome of one check: ``violations`` of ``n`` rows (``share``), passed when ``share <= tolerance``."""

    name: str
    n: int
    violations: int
    share: float
    tolerance: float
    passed: bool


@dataclass(frozen=True)
class LossCurve:
    """Training log loss before training (epoch 0, ln 2) and after each epoch, and ``baseline``: the log loss of
    always predicting the base rate.

    ``passed`` when the loss fell from the first to the last epoch and ends at least ``margin`` below the
    baseline (a model that learned nothing from the inputs cannot beat the base rate).
    """

    losses: np.ndarray
    baseline: float
    margin: float
    passed: bool


def _features(df: pd.DataFrame) -> pd.DataFrame:
    return df[list(FEATURES)]


def _check_model(model: Any) -> None:
    if not (hasattr(model, "predict") and hasattr(model, "predict_proba")):
        raise TypeError(
            f"model must be a fitted classifier with predict and predict_proba, such as train_model(df) returns; "
            f"got {type(model).__name__}"
        )


def _result(name: str, bad: np.ndarray, tolerance: float) -> ModelCheck:
    n = int(bad.size)
    violations = int(np.sum(bad))
    share = violations / n
    return ModelCheck(
        name=name, n=n, violations=violations, share=share, tolerance=tolerance, passed=bool(share <= tolerance)
    )


def _numeric_column(column: Any, name: str = "column") -> str:
    column = check_text(column, name, example="credit_score")
    if column not in NUMERIC_FEATURES:
        raise ValueError(f"{name} must be one of the numeric features {NUMERIC_FEATURES}, got {column!r}")
    return column


def _set_column(df: pd.DataFrame, column: str, values: np.ndarray) -> pd.DataFrame:
    low, high = _RANGE[column]
    values = np.clip(values, low, high)
    out = df.copy()
    if np.issubdtype(df[column].dtype, np.integer):
        out[column] = np.rint(values).astype(df[column].dtype)
    else:
        out[column] = values
    return out


def jitter(df: pd.DataFrame, column: str, amount: float, seed: int = 0) -> pd.DataFrame:
    """A copy of ``df`` with ``amount`` of uniform noise, in the column's own unit, added to ``column``.

    ``jitter(df, "income", 0.5)`` moves every income by up to 500 dollars either way (income is in thousand
    dollars): a change that should not change a loan decision. Values stay in the column's valid range.
    """
    check_frame(df, "df", columns=FEATURES)
    column = _numeric_column(column)
    amount = check_number(amount, "amount", greater_than=0)
    rng = np.random.default_rng(check_seed(seed))
    noise = rng.uniform(-amount, amount, len(df))
    return _set_column(df, column, df[column].to_numpy(dtype=float) + noise)


def reverse_credit_score(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with credit scores reversed, ``1150 - score`` (300 becomes 850): the planted data bug."""
    check_frame(df, "df", columns=("credit_score",))
    out = df.copy()
    out["credit_score"] = 1150 - df["credit_score"].to_numpy()
    return out


def shuffle_labels(df: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    """A copy of ``df`` whose labels are shuffled against the rows: a join bug that misaligns features and labels."""
    check_frame(df, "df", columns=(LABEL,))
    rng = np.random.default_rng(check_seed(seed))
    out = df.copy()
    out[LABEL] = rng.permutation(df[LABEL].to_numpy())
    return out


def easy_cases(n: int, seed: int = 0, margin: float = 0.05) -> pd.DataFrame:
    """Clear-cut applications: rows whose true default probability is below ``margin`` or above ``1 - margin``.

    Drawn from :func:`mlcicd.data.make_applications` and kept by the known ground truth
    (:func:`mlcicd.data.default_probability` under ``BASE_RULE``); the ``default`` column holds the *expected*
    decision (1 where the probability is above ``1 - margin``), not a random draw. Returns ``n`` rows, half of each
    class (the extra row, for odd ``n``, is a safe case).
    """
    n = check_int(n, "n", min_value=2)
    seed = check_seed(seed)
    margin = check_number(margin, "margin", greater_than=0, less_than=0.5)
    risky_wanted, safe_wanted = n // 2, n - n // 2
    rows = make_applications(max(20 * n, 2000), seed=seed)
    p = default_probability(rows, BASE_RULE)
    safe, risky = rows[p < margin], rows[p > 1 - margin]
    if len(safe) < safe_wanted or len(risky) < risky_wanted:
        raise ValueError(f"margin={margin} leaves too few clear-cut rows for n={n}; use a larger margin or a smaller n")
    out = pd.concat([safe.head(safe_wanted).assign(**{LABEL: 0}), risky.head(risky_wanted).assign(**{LABEL: 1})])
    return out.reset_index(drop=True)


def invariance_check(model: Any, df: pd.DataFrame, changed: pd.DataFrame, tolerance: float = 0.01) -> ModelCheck:
    """Share of rows whose decision differs between ``df`` and ``changed`` (the same rows after a change that must
    not matter, such as :func:`jitter`); passed when it is at most ``tolerance``."""
    _check_model(model)
    check_frame(df, "df", columns=FEATURES)
    check_frame(changed, "changed", columns=FEATURES)
    if len(df) != len(changed):
        raise ValueError(f"changed must hold the same rows as df: got {len(changed)} rows for {len(df)}")
    tolerance = check_number(tolerance, "tolerance", min_value=0, max_value=1)
    flipped = np.asarray(model.predict(_features(df))) != np.asarray(model.predict(_features(changed)))
    return _result("invariance", flipped, tolerance)


def directional_check(
    model: Any,
    df: pd.DataFrame,
    column: str = "credit_score",
    step: float = 20,
    expected: str = "decrease",
    tolerance: float = 0.0,
) -> ModelCheck:
    """Raise ``column`` by ``step`` on every row and count rows whose predicted default probability moved the wrong way.

    ``expected="decrease"`` (a higher credit score must not raise the risk): a violation is a row whose
    probability *rose* (by more than 1e-9); ``expected="increase"`` (for example debt_to_income): a row whose
    probability fell. Rows already at the top of the column's valid range are left out (they cannot be raised).
    """
    _check_model(model)
    check_frame(df, "df", columns=FEATURES)
    column = _numeric_column(column)
    step = check_number(step, "step", greater_than=0)
    if expected not in ("decrease", "increase"):
        raise ValueError(f"expected must be 'decrease' or 'increase', got {expected!r}")
    tolerance = check_number(tolerance, "tolerance", min_value=0, max_value=1)
    rows = df[df[column].to_numpy(dtype=float) + step <= _RANGE[column][1]]
    if len(rows) == 0:
        raise ValueError(f"no row of df can have {column} raised by {step} within its valid range {_RANGE[column]}")
    raised = _set_column(rows, column, rows[column].to_numpy(dtype=float) + step)
    before = model.predict_proba(_features(rows))[:, 1]
    after = model.predict_proba(_features(raised))[:, 1]
    wrong_way = after > before + 1e-9 if expected == "decrease" else after < before - 1e-9
    return _result(f"directional ({column} +{step:g})", wrong_way, tolerance)


def minimum_functionality_check(model: Any, cases: pd.DataFrame, tolerance: float = 0.0) -> ModelCheck:
    """Share of clear-cut ``cases`` (from :func:`easy_cases`) whose decision differs from the expected one."""
    _check_model(model)
    check_frame(cases, "cases", columns=(*FEATURES, LABEL))
    tolerance = check_number(tolerance, "tolerance", min_value=0, max_value=1)
    wrong = np.asarray(model.predict(_features(cases))) != cases[LABEL].to_numpy()
    return _result("minimum functionality", wrong, tolerance)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def _log_loss(y: np.ndarray, p: np.ndarray) -> float:
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def loss_curve(
    df: pd.DataFrame,
    epochs: int = 10,
    batch_size: int = 500,
    learning_rate: float = 0.002,
    seed: int = 0,
    margin: float = 0.02,
) -> LossCurve:
    """Train a logistic model by mini-batch gradient descent on the course's preprocessed features and record the
    training log loss before training and after each epoch.

    This is the kind of hand-written training loop a training test exists for: the weights and the intercept start
    at zero; each mini-batch of ``batch_size`` rows moves them by ``learning_rate`` times the summed gradient of its
    rows' log loss (the step ``batch_size`` per-row SGD updates would take, taken at once); no penalty. The rows
    are visited in a seeded random order each epoch; the same ``seed`` gives the same curve.
    """
    check_frame(df, "df", columns=(*FEATURES, LABEL))
    epochs = check_int(epochs, "epochs", min_value=2)
    batch_size = check_int(batch_size, "batch_size", min_value=1)
    learning_rate = check_number(learning_rate, "learning_rate", greater_than=0)
    seed = check_seed(seed)
    margin = check_number(margin, "margin", min_value=0)
    y = df[LABEL].to_numpy(dtype=float)
    if np.unique(y).size < 2:
        raise ValueError(f"df has only one class in {LABEL!r}; training needs both 0 and 1")
    x = make_preprocessor().fit_transform(_features(df))
    x = x.toarray() if hasattr(x, "toarray") else np.asarray(x, dtype=float)
    x = np.hstack([x, np.ones((len(y), 1))])  # the last weight is the intercept
    weights = np.zeros(x.shape[1])
    rng = np.random.default_rng(seed)
    losses = [float(np.log(2.0))]  # epoch 0: all weights zero, p = 0.5 for every row
    for _ in range(epochs):
        order = rng.permutation(len(y))
        for start in range(0, len(y), batch_size):
            batch = order[start : start + batch_size]
            weights -= learning_rate * x[batch].T @ (_sigmoid(x[batch] @ weights) - y[batch])
        losses.append(_log_loss(y, _sigmoid(x @ weights)))
    rate = float(np.mean(y))
    baseline = _log_loss(y, np.full(len(y), rate))
    curve = np.array(losses)
    return LossCurve(
        losses=curve,
        baseline=baseline,
        margin=margin,
        passed=bool(curve[-1] < curve[0] and curve[-1] <= baseline - margin),
    )


def overfit_tiny_batch(df: pd.DataFrame, n: int = 20, seed: int = 0, C: float = 1e3) -> ModelCheck:
    """Fit the course model with regularisation ``C`` on ``n`` seeded rows of ``df`` and count the rows of that same
    tiny batch it still gets wrong; passed when there are none (tolerance 0).

    The course model has 10 inputs after preprocessing and an intercept, about one weight per two rows of the batch,
    so a model and training code that can learn at all fit real applications exactly (for every seed the tests try);
    a bug that cuts the inputs off the model, freezes its weights or over-regularises it cannot. ``C=1e3`` all but
    switches off the L2 penalty; the course's default ``C=1.0`` does not fit every tiny batch.
    """
    check_frame(df, "df", columns=(*FEATURES, LABEL))
    n = check_int(n, "n", min_value=2, max_value=len(df))
    seed = check_seed(seed)
    C = check_number(C, "C", greater_than=0)
    batch = df.sample(n=n, random_state=seed)
    if batch[LABEL].nunique() < 2:
        raise ValueError(f"the {n} sampled rows hold only one class; choose another seed or a larger n")
    model = make_model(seed).set_params(model__C=C).fit(_features(batch), batch[LABEL].to_numpy())
    wrong = np.asarray(model.predict(_features(batch))) != batch[LABEL].to_numpy()
    return _result("overfit a tiny batch", wrong, 0.0)


def _metric(metric: str, y: np.ndarray, pred: np.ndarray) -> tuple[float, np.ndarray]:
    """The metric's value and the per-row correctness it averages (recall: over the positive rows only)."""
    rows = y == 1 if metric == "recall" else np.ones(y.size, dtype=bool)
    correct = (pred == y)[rows].astype(float)
    return (float(correct.mean()) if correct.size else float("nan")), correct


def slice_report(model: Any, df: pd.DataFrame, by: str, bins: Any = None) -> pd.DataFrame:
    """Accuracy and recall of ``model`` per value of column ``by`` (or per band of ``bins`` edges, left-closed).

    One row per slice with ``n`` (rows), ``positives`` (defaults), ``accuracy``, ``accuracy_se`` (its binomial
    standard error sqrt(a(1 - a)/n): a slice of 50 rows is about 4 times noisier than one of 800) and ``recall``
    (NaN in a slice without defaults).
    """
    _check_model(model)
    check_frame(df, "df", columns=(*FEATURES, LABEL))
    by = check_text(by, "by", example="region")
    if by not in df.columns:
        raise KeyError(f"df has no column {by!r} to slice by; it has {list(df.columns)}")
    keys = df[by] if bins is None else pd.cut(df[by], bins=list(bins), right=False)
    y = df[LABEL].to_numpy()
    pred = np.asarray(model.predict(_features(df)))
    rows = []
    for key in sorted(keys.dropna().unique()) if bins is None else keys.cat.categories:
        mask = (keys == key).to_numpy()
        if not mask.any():
            continue
        acc, _ = _metric("accuracy", y[mask], pred[mask])
        rec, _ = _metric("recall", y[mask], pred[mask])
        label = key if bins is None else f"{key.left:g}-{key.right - 1:g}"
        rows.append(
            {
                by: label,
                "n": int(mask.sum()),
                "positives": int(y[mask].sum()),
                "accuracy": acc,
                "accuracy_se": float(np.sqrt(acc * (1 - acc) / mask.sum())),
                "recall": rec,
            }
        )
    return pd.DataFrame(rows)


def paired_standard_error(correct_champion: Any, correct_candidate: Any) -> float:
    """Standard error of mean(correct_candidate) - mean(correct_champion) on the same rows.

    ``correct_*`` are 0/1 per row (1 = the model was right). The difference per row is -1, 0 or 1, so the standard
    error is sd(d) / sqrt(n): it depends on how often the two models *disagree*, not on the accuracy itself.
    """
    a = np.asarray(correct_champion, dtype=float).ravel()
    b = np.asarray(correct_candidate, dtype=float).ravel()
    if a.size != b.size:
        raise ValueError(f"both models must be scored on the same rows: got {a.size} and {b.size} values")
    if a.size < 2:
        raise ValueError(f"the standard error needs at least 2 rows, got {a.size}")
    if not np.all(np.isin(a, (0, 1))) or not np.all(np.isin(b, (0, 1))):
        raise ValueError("correct_champion and correct_candidate hold 0 (wrong) or 1 (right) per row")
    return float(np.std(b - a, ddof=1) / np.sqrt(a.size))


def gate_tolerance(correct_champion: Any, correct_candidate: Any, z: float = 1.645) -> float:
    """How far the candidate may fall below the champion and still pass: ``z`` times the paired standard error.

    ``z = 1.645`` rejects an equally good candidate about 5% of the time (one-sided); the tolerance shrinks as
    ``1/sqrt(n)`` with the holdout size.
    """
    z = check_number(z, "z", greater_than=0)
    return z * paired_standard_error(correct_champion, correct_candidate)


def promotion_gate(
    champion: Any,
    candidate: Any,
    holdout: pd.DataFrame,
    z: float = 1.645,
    metrics: tuple[str, ...] = GATE_METRICS,
    candidate_holdout: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Compare ``candidate`` with ``champion`` on the same ``holdout`` rows, one row per metric.

    Columns: ``champion``, ``candidate``, ``difference`` (candidate minus champion), ``se`` (paired standard error),
    ``tolerance`` (``z * se``) and ``passed`` (``difference >= -tolerance``). Promote only if every row passed.
    ``candidate_holdout``: the same rows (same order and labels) as the candidate's own feature job delivers them,
    when it differs from the champion's; by default the candidate is scored on ``holdout`` too.
    """
    _check_model(champion)
    _check_model(candidate)
    check_frame(holdout, "holdout", columns=(*FEATURES, LABEL))
    z = check_number(z, "z", greater_than=0)
    unknown = [m for m in metrics if m not in GATE_METRICS]
    if unknown or not metrics:
        raise ValueError(f"metrics must be a non-empty tuple from {GATE_METRICS}, got {metrics!r}")
    y = holdout[LABEL].to_numpy()
    if y.sum() < 2:
        raise ValueError("the holdout needs at least 2 defaults to measure recall")
    pred_a = np.asarray(champion.predict(_features(holdout)))
    if candidate_holdout is None:
        candidate_holdout = holdout
    check_frame(candidate_holdout, "candidate_holdout", columns=(*FEATURES, LABEL))
    if len(candidate_holdout) != len(holdout) or not np.array_equal(candidate_holdout[LABEL].to_numpy(), y):
        raise ValueError("candidate_holdout must hold the rows of holdout, in the same order, with the same labels")
    pred_b = np.asarray(candidate.predict(_features(candidate_holdout)))
    rows = {}
    for metric in metrics:
        value_a, correct_a = _metric(metric, y, pred_a)
        value_b, correct_b = _metric(metric, y, pred_b)
        se = paired_standard_error(correct_a, correct_b)
        rows[metric] = {
            "champion": value_a,
            "candidate": value_b,
            "difference": value_b - value_a,
            "se": se,
            "tolerance": z * se,
            "passed": bool(value_b - value_a >= -z * se),
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def null_gate_differences(
    champion: Any, candidate: Any, n_holdouts: int, n_rows: int, seed: int = 0, z: float = 1.645
) -> pd.DataFrame:
    """Score two models on ``n_holdouts`` fresh seeded holdouts of ``n_rows`` rows each.

    One row per holdout: ``difference`` (candidate minus champion accuracy) and ``tolerance``
    (:func:`gate_tolerance` on that holdout). With two equally good models this is the gate's null distribution:
    how often a rule rejects a candidate that is no worse.
    """
    _check_model(champion)
    _check_model(candidate)
    n_holdouts = check_int(n_holdouts, "n_holdouts", min_value=1)
    n_rows = check_int(n_rows, "n_rows", min_value=2)
    seed = check_seed(seed)
    z = check_number(z, "z", greater_than=0)
    rows = make_applications(n_holdouts * n_rows, seed=seed)
    y = rows[LABEL].to_numpy().reshape(n_holdouts, n_rows)
    right_a = (np.asarray(champion.predict(_features(rows))).reshape(n_holdouts, n_rows) == y).astype(float)
    right_b = (np.asarray(candidate.predict(_features(rows))).reshape(n_holdouts, n_rows) == y).astype(float)
    d = right_b - right_a
    se = d.std(axis=1, ddof=1) / np.sqrt(n_rows)
    return pd.DataFrame({"difference": d.mean(axis=1), "tolerance": z * se})
