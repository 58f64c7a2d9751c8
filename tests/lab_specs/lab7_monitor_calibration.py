"""Grading spec of lab7_monitor_calibration: a partially correct student, cheaters and an endless loop, with exact scores.

Read by tests/end_to_end/test_grading.py and mlcicd.grader.sample_class (format: CONTRIBUTING.md, "The lab spec").
Autograded maximum: 11 points (calibrate 2 + 2, choose_monitor 2 + 2, three multiple-choice answers 1 each).
"""

#: Monitors for Part B with the points each earns there (checked by tests/course/test_lab7_monitor_calibration.py,
#: which runs Part B's test cells on them): one point per target met, as the lab's Part B promises.
PART_B_VARIANTS = {
    # the conventional PSI rule: about 40% of calm checks alarm, so neither target is met
    "conventional_rule": ({"test": "psi", "window": 1, "threshold": 0.1}, 0.0),
    # a strict single-batch PSI threshold: few false alarms, but 19% of the drifts missed and a 7-batch delay
    "strict_psi": ({"test": "psi", "window": 1, "threshold": 0.25}, 0.0),
    # a calibrated 3-batch PSI monitor: the false-alarm target is met, the delay (about 3.3 batches) is not
    "calibrated_psi": ({"test": "psi", "window": 3, "threshold": 0.08}, 2.0),
    # a monitor that alarms on everything: no false-alarm target met, and no delay points either
    "always_alarm": ({"test": "mean_z", "window": 1, "threshold": 0.0}, 0.0),
    # the solution's: a mean-shift test pooled over 2 batches
    "solution": ({"test": "mean_z", "window": 2, "threshold": 2.6}, 4.0),
}

CHEAT_CELLS = {
    "monitoring-calibrate-solution": (
        "from mlcicd.monitor_calibration import calibrate_threshold\n\n\n"
        "def calibrate(reference, window, batch_size, false_alarm_rate=0.01, n_sim=400, seed=0):\n"
        '    """Delegate to the course library."""\n'
        '    return calibrate_threshold("psi", reference, window, batch_size, false_alarm_rate=false_alarm_rate,\n'
        "                               n_sim=n_sim, seed=seed)\n"
    ),
}

SPEC = {
    # calibrate correct; choose_monitor left as the stub; Q1 right, Q2 and Q3 wrong: 4 + 0 + 1 = 5 points.
    "partial": {
        "cells": {
            "monitoring-config-solution": None,
            "monitoring-mcq-answers": 'answer_q1 = "B"\nanswer_q2 = "C"\nanswer_q3 = "C"\n',
        },
        "score": 5.0,
    },
    # calibrate only calls the package's calibration: Part A scores 0, everything else full: 7 points.
    "cheat": {"cells": CHEAT_CELLS, "score": 7.0},
    # An endless loop before the definition of choose_monitor: Part B scores 0, the rest is graded: 7 points.
    "infinite_loop": {"cell": "monitoring-config-solution", "score": 7.0},
    # The cheat again, with reference_disabled rebound to a no-op: the test cells import it themselves.
    "rebinding": {"cell": "monitoring-calibrate-solution", "score": 7.0},
    # Answers equal to everything: the multiple-choice tests check the exact type (str): 11 - 3 points.
    "always_equal": {"cell": "monitoring-mcq-answers", "score": 8.0},
}
