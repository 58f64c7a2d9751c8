"""mlcicd.monitor_calibration: the monitor's false-alarm rate and detection delay are measured, tested properties."""

import numpy as np
import pytest
from scipy import stats

from mlcicd import monitor_calibration as mc
from mlcicd.drift import psi

REFERENCE = mc.make_reference(5000, seed=1)


def test_window_statistics_match_the_library_psi_scipy_ks_and_the_z_formula():
    window = np.random.default_rng(5).normal(0.1, 1.0, 300)
    assert mc.window_statistic("psi", REFERENCE, window) == pytest.approx(psi(REFERENCE, window), abs=1e-12)
    assert mc.window_statistic("ks", REFERENCE, window) == pytest.approx(stats.ks_2samp(REFERENCE, window).statistic)
    z = abs(window.mean() - REFERENCE.mean()) / (REFERENCE.std() * np.sqrt(1 / 300 + 1 / 5000))
    assert mc.window_statistic("mean_z", REFERENCE, window) == pytest.approx(z)


def test_the_conventional_psi_rule_false_alarms_on_calm_100_row_batches_and_a_calibrated_threshold_does_not():
    calm = mc.make_streams(20, 30, 100, seed=2)
    drifted = mc.make_streams(20, 30, 100, shift=0.3, drift_batch=15, seed=3)
    rule = mc.evaluate_monitor({"test": "psi", "window": 1, "threshold": 0.1}, REFERENCE, calm, drifted, 15)
    assert rule.false_alarm_rate > 0.25, rule
    threshold = mc.calibrate_threshold("psi", REFERENCE, 1, 100, false_alarm_rate=0.01, seed=0)
    assert threshold > 0.1 + mc.psi_no_drift_bias(5000, 100) / 2
    calibrated = mc.evaluate_monitor({"test": "psi", "window": 1, "threshold": threshold}, REFERENCE, calm, drifted, 15)
    assert calibrated.false_alarm_rate < 0.03 and calibrated.missed_rate == 0.0, calibrated
    assert calibrated.mean_delay > rule.mean_delay, "a stricter threshold pays with a longer delay"


def test_psi_no_drift_mean_is_close_to_the_bias_formula():
    batches = mc.make_streams(1, 200, 200, seed=4)[0]
    draws = mc.batch_statistics("psi", REFERENCE, batches)
    assert draws[7] == mc.window_statistic("psi", REFERENCE, batches[7])
    assert np.mean(draws) == pytest.approx(mc.psi_no_drift_bias(5000, 200), rel=0.2)


def test_a_longer_window_lowers_the_calibrated_psi_threshold():
    thresholds = [mc.calibrate_threshold("psi", REFERENCE, w, 100, seed=0) for w in (1, 2, 4)]
    assert thresholds[0] > thresholds[1] > thresholds[2]


def test_run_monitor_never_alarms_before_the_window_is_full_and_alarms_on_a_large_shift():
    stream = mc.make_streams(1, 10, 50, shift=2.0, drift_batch=5, seed=6)[0]
    alarms = mc.run_monitor({"test": "mean_z", "window": 3, "threshold": 3.0}, REFERENCE, stream)
    assert alarms.dtype == bool and not alarms[:2].any() and alarms[5:].all()


def test_a_missed_drift_counts_as_the_rest_of_the_stream():
    calm = mc.make_streams(2, 10, 50, seed=7)
    score = mc.evaluate_monitor({"test": "ks", "window": 2, "threshold": 2.0}, REFERENCE, calm, calm, 4)
    assert score.missed_rate == 1.0 and score.mean_delay == 6.0 and score.false_alarm_rate == 0.0


@pytest.mark.parametrize(
    "config, message",
    [
        ([1, 2], "dict"),
        ({"test": "psi", "window": 2}, "threshold"),
        ({"test": "chi", "window": 2, "threshold": 1}, "one of"),
        ({"test": "psi", "window": 0, "threshold": 1}, "positive integer"),
        ({"test": "psi", "window": 2, "threshold": float("nan")}, "finite"),
    ],
)
def test_a_bad_config_is_refused_with_what_to_fix(config, message):
    with pytest.raises(ValueError, match=message):
        mc.check_config(config)


def test_calibration_refuses_too_few_simulations_for_the_tail():
    with pytest.raises(ValueError, match="n_sim >= 200"):
        mc.calibrate_threshold("psi", REFERENCE, 1, 100, false_alarm_rate=0.01, n_sim=100)
