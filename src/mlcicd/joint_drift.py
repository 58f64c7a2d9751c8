"""Drift that per-column tests cannot see: the joint distribution changes while every marginal stays the same.

:func:`correlated_pair` draws two standard-normal columns with correlation ``rho``. Whatever ``rho`` is, each
column alone is N(0, 1), so a per-column test (KS, PSI) has nothing to find when the correlation flips from
+0.8 to -0.8, yet a model that learned the old relationship is now wrong about it.

:func:`domain_classifier_test` is the multivariate check: label the reference rows 0 and the current rows 1,
fit a classifier on half of the rows, and measure on the other half how well it tells them apart.
An AUC near 0.5 means the two samples look alike; an AUC well above 0.5 means the joint distribution changed.
The classifier is a logistic regression on the columns, their squares and pairwise products
(scikit-learn's ``PolynomialFeatures(degree=2)``): a linear model on the raw columns cannot see a correlation
flip, because both samples have the same means. The p-value is the one-sided Mann-Whitney test of the held-out
scores (AUC = U / (n_ref * n_cur)); it is valid because the held-out rows played no part in the fit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler

__all__ = ["DomainClassifierResult", "correlated_pair", "domain_classifier_test"]


@dataclass(frozen=True)
class DomainClassifierResult:
    """Held-out AUC of the reference-versus-current classifier, its p-value, and the verdict at ``alpha``."""

    auc: float
    p_value: float
    drifted: bool


def correlated_pair(n: int, rho: float, seed=0, columns: tuple[str, str] = ("income", "loan_amount")) -> pd.DataFrame:
    """``n`` rows of two standard-normal columns with correlation ``rho`` (each column alone is N(0, 1))."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2:
        raise ValueError(f"n must be an integer of at least 2, got {n!r}")
    if not -1.0 <= rho <= 1.0:
        raise ValueError(f"rho is a correlation, between -1 and 1; got {rho!r}")
    rng = np.random.default_rng(seed)
    first = rng.normal(size=int(n))
    second = rho * first + np.sqrt(1.0 - rho**2) * rng.normal(size=int(n))
    return pd.DataFrame({columns[0]: first, columns[1]: second})


def domain_classifier_test(
    reference: pd.DataFrame, current: pd.DataFrame, *, alpha: float = 0.05, holdout: float = 0.5, seed=0
) -> DomainClassifierResult:
    """Can a classifier tell ``current`` rows from ``reference`` rows? AUC and p-value on a held-out share."""
    for name, frame in (("reference", reference), ("current", current)):
        if not isinstance(frame, pd.DataFrame) or frame.empty:
            raise ValueError(f"{name} must be a non-empty DataFrame, got {type(frame).__name__}")
    if list(reference.columns) != list(current.columns):
        raise ValueError(
            f"reference and current need the same columns, got {list(reference.columns)} and {list(current.columns)}"
        )
    non_numeric = [c for c in reference.columns if not pd.api.types.is_numeric_dtype(reference[c])]
    if non_numeric:
        raise ValueError(f"columns {non_numeric} are not numeric: encode them first (e.g. one-hot)")
    if not 0.0 < holdout < 1.0:
        raise ValueError(f"holdout is the share of rows kept for scoring, strictly between 0 and 1; got {holdout!r}")
    if min(len(reference), len(current)) < 10:
        raise ValueError("each sample needs at least 10 rows to fit on one part and score the other")
    x = pd.concat([reference, current], ignore_index=True).to_numpy(dtype=float)
    y = np.r_[np.zeros(len(reference)), np.ones(len(current))]
    model = make_pipeline(
        PolynomialFeatures(degree=2, include_bias=False), StandardScaler(), LogisticRegression(max_iter=1000)
    )
    x_fit, x_test, y_fit, y_test = train_test_split(x, y, test_size=holdout, stratify=y, random_state=seed)
    scores = model.fit(x_fit, y_fit).predict_proba(x_test)[:, 1]
    auc = float(roc_auc_score(y_test, scores))
    p_value = float(stats.mannwhitneyu(scores[y_test == 1], scores[y_test == 0], alternative="greater").pvalue)
    return DomainClassifierResult(auc=auc, p_value=p_value, drifted=p_value <= alpha)
