"""Grading spec of lab3_monitoring: a partially correct student, cheaters and an endless loop, with exact scores.

Read by tests/end_to_end/test_grading.py and mlcicd.grader.sample_class (format: CONTRIBUTING.md, "The lab spec").
Autograded maximum: 13 points (psi 1 + 2 + 1, drift_report 2 + 2 + 2, three multiple-choice answers 1 each).
"""

CHEAT_CELLS = {
    "monitoring-psi-solution": (
        "from mlcicd.drift import psi as library_psi\n\n\n"
        "def psi(reference, current, bins=10, eps=1e-4):\n"
        '    """Delegate to the course library."""\n'
        "    return library_psi(reference, current, bins=bins, eps=eps)\n"
    ),
}

SPEC = {
    # psi correct (its three cells, the empty-sample check included); drift_report left as the stub; Q1 right, Q2
    # and Q3 wrong: 4 + 0 + 1 = 5 points.
    "partial": {
        "cells": {
            "monitoring-drift-report-solution": None,
            "monitoring-mcq-answers": 'answer_q1 = "C"\nanswer_q2 = "B"\nanswer_q3 = "C"\n',
        },
        "score": 5.0,
    },
    # psi only calls the package's PSI: Part A scores 0, everything else full: 9 points.
    "cheat": {
        "cells": CHEAT_CELLS,
        "score": 9.0,
    },
    # An endless loop before the definition of drift_report: Part B scores 0, the rest is graded: 7 points.
    "infinite_loop": {"cell": "monitoring-drift-report-solution", "score": 7.0},
    # The cheat again, with reference_disabled rebound to a no-op in a solution cell: every test cell imports it
    # itself, so the rebinding must not help: exactly the cheat's score.
    "rebinding": {"cell": "monitoring-psi-solution", "score": 9.0},
    # The complete submission with answers that compare equal to everything: the multiple-choice tests check the
    # exact type (str), so they score 0 and everything else is full: 13 - 3 points.
    "always_equal": {"cell": "monitoring-mcq-answers", "score": 10.0},
}
