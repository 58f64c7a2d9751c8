"""Grading spec of lab1_versioning: a partially correct student, cheaters and an endless loop, with exact scores.

Read by tests/end_to_end/test_grading.py and mlcicd.grader.sample_class (format: CONTRIBUTING.md, "The lab spec").
Autograded maximum: 11 points (fingerprint 1 + 2 + 1, what_changed 2 + 2, three multiple-choice answers 1 each).
"""

CHEAT_CELLS = {
    "versioning-fingerprint-solution": (
        "from mlcicd.versioning import fingerprint as reference_fingerprint\n\n\n"
        "def fingerprint(df):\n"
        '    """Delegate to the course library."""\n'
        "    return reference_fingerprint(df)\n"
    ),
    "versioning-what-changed-solution": (
        "import mlcicd.versioning\n\n\n"
        "def what_changed(old, new):\n"
        '    """Delegate to the course library."""\n'
        "    return mlcicd.versioning.what_changed(old, new)\n"
    ),
}

SPEC = {
    # Part A correct (its three cells, input check included); Part B left as the release stub; Q1 right, Q2 and Q3
    # wrong: 4 + 0 + 1 = 5 points.
    "partial": {
        "cells": {
            "versioning-what-changed-solution": None,
            "versioning-mcq-answers": 'answer_q1 = "B"\nanswer_q2 = "A"\nanswer_q3 = "A"\n',
        },
        "score": 5.0,
    },
    # Both functions only call the package's reference implementations: Parts A and B score 0, the MCQs 3.
    "cheat": {
        "cells": CHEAT_CELLS,
        "score": 3.0,
    },
    # An endless loop before the definition of what_changed: Part B scores 0, everything else is graded.
    "infinite_loop": {"cell": "versioning-what-changed-solution", "score": 7.0},
    # The cheat again, with reference_disabled rebound to a no-op in a solution cell: every test cell imports it
    # itself, so the rebinding must not help: exactly the cheat's score.
    "rebinding": {"cell": "versioning-fingerprint-solution", "score": 3.0},
    # The complete submission with answers that compare equal to everything: the multiple-choice tests check the
    # exact type (str), so they score 0 and everything else is full: 11 - 3 points.
    "always_equal": {"cell": "versioning-mcq-answers", "score": 8.0},
}
