"""mlcicd.joint_drift: a correlation flip leaves the marginals alone and a domain classifier still sees it."""

import numpy as np
import pytest

from mlcicd.drift import column_drift
from mlcicd.joint_drift import correlated_pair, domain_classifier_test


def test_correlated_pair_has_the_asked_correlation_and_standard_marginals():
    frame = correlated_pair(20000, -0.8, seed=0)
    assert frame.corr().iloc[0, 1] == pytest.approx(-0.8, abs=0.01)
    assert np.allclose(frame.mean(), 0, atol=0.03) and np.allclose(frame.std(), 1, atol=0.03)


def test_a_correlation_flip_passes_per_column_ks_but_not_the_domain_classifier():
    reference, flipped = correlated_pair(1000, 0.8, seed=1), correlated_pair(1000, -0.8, seed=3)
    assert all(column_drift(reference[c], flipped[c], test="ks")[2] > 0.05 for c in reference)
    result = domain_classifier_test(reference, flipped, seed=0)
    assert result.auc > 0.8 and result.p_value < 1e-6 and result.drifted


def test_the_domain_classifier_stays_near_chance_without_drift():
    result = domain_classifier_test(correlated_pair(1000, 0.8, seed=1), correlated_pair(1000, 0.8, seed=2), seed=0)
    assert 0.45 < result.auc < 0.56 and not result.drifted


def test_the_domain_classifier_refuses_mismatched_or_text_columns_and_a_bad_holdout():
    frame = correlated_pair(50, 0.5, seed=0)
    with pytest.raises(ValueError, match="same columns"):
        domain_classifier_test(frame, frame.rename(columns={"income": "x"}))
    with pytest.raises(ValueError, match="not numeric"):
        text = frame.assign(region="north")
        domain_classifier_test(text, text)
    with pytest.raises(ValueError, match="between -1 and 1"):
        correlated_pair(10, 1.5)
    with pytest.raises(ValueError, match="holdout"):
        domain_classifier_test(frame, frame, holdout=1.0)
