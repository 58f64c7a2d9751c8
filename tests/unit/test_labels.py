"""mlcicd.labels: a label delay postpones the first alert by the delay; CBPE needs no label but misses concept drift."""

import numpy as np
import pandas as pd
import pytest

from mlcicd import data, labels, models


@pytest.fixture(scope="module")
def served():
    stream = data.make_stream(n_days=40, rows_per_day=300, seed=4)
    model = models.train_model(stream[stream["day"] < 10], seed=0)
    return stream, model


def test_the_first_alert_comes_later_by_exactly_the_label_delay(served):
    stream, model = served
    drifted = data.concept_drift(stream, start_day=20, seed=5)
    predictions = model.predict(drifted[list(data.FEATURES)])
    days = labels.alert_day_by_delay(drifted, predictions, [0, 5, 10])
    first = days["first_alert_day"].tolist()
    assert first[0] >= 20 and first[1] - first[0] == 5 and first[2] - first[0] == 10


def test_the_window_only_uses_labels_that_have_arrived():
    stream = pd.DataFrame({"day": np.repeat(np.arange(4), 2), data.LABEL: [1, 1, 0, 0, 1, 1, 1, 1]})
    monitor = labels.delayed_label_monitor(stream, np.ones(8, dtype=int), 1, window_days=1, threshold=0.9)
    assert monitor["n_labelled"].tolist() == [0, 2, 2, 2]
    assert monitor["window_accuracy"].iloc[1:].tolist() == [1.0, 0.0, 1.0]
    assert monitor["alert"].tolist() == [False, False, True, False]
    approved = labels.delayed_label_monitor(stream, np.ones(8, dtype=int), 0, labelled=np.arange(8) % 2 == 0)
    assert approved["n_labelled"].tolist() == [1, 2, 3, 4]


def test_estimated_accuracy_tracks_covariate_shift_and_misses_concept_drift(served):
    stream, model = served
    shifted = data.covariate_drift(stream, start_day=20, shift={"credit_score": -100.0, "debt_to_income": 0.2}, seed=6)
    concept = data.concept_drift(stream, start_day=20, seed=5)
    for frame, gap_after in ((shifted, 0.02), (concept, None)):
        perf = labels.daily_performance(model, frame)
        after = perf[perf["day"] >= 20][["accuracy", "estimated_accuracy"]].mean()
        if gap_after is not None:
            assert abs(after["accuracy"] - after["estimated_accuracy"]) < gap_after
        else:
            assert after["estimated_accuracy"] - after["accuracy"] > 0.15


def test_estimated_accuracy_is_the_mean_confidence_and_refuses_bad_probabilities():
    assert labels.estimated_accuracy([0.9, 0.2, 0.5]) == pytest.approx((0.9 + 0.8 + 0.5) / 3)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        labels.estimated_accuracy([1.2])
    with pytest.raises(ValueError, match="one value per row"):
        labels.delayed_label_monitor(pd.DataFrame({"day": [0], data.LABEL: [1]}), [1, 0], 0)
