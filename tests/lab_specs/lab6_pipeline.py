"""Grading spec of lab6_pipeline: a partially correct student, cheaters and an endless loop, with exact scores.

Read by tests/end_to_end/test_grading.py and mlcicd.grader.sample_class (format: CONTRIBUTING.md, "The lab spec").
Autograded maximum: 11 points (decide 2 + 1 + 1, check_batch 2 + 2, three multiple-choice answers 1 each).
"""

CHEAT_CELLS = {
    "pipeline-decide-solution": (
        "from mlcicd.pipeline import decide as reference_decide\n\n\n"
        "def decide(errors, drift, accuracy, min_accuracy=0.8):\n"
        '    """Delegate to the course library."""\n'
        "    return str(reference_decide(errors, drift, accuracy, min_accuracy))\n"
    ),
}

SPEC = {
    # Part A keeps the old rule (dataset drift retrains even when the labels say the model is fine) and forgets the
    # ValueError check: the truth-table cell fails (drift with accuracy 0.90), the threshold cell passes, the input
    # cell fails. Part B left as the release stub. Q1 and Q2 right, Q3 wrong: 1 + 0 + 2 = 3 points.
    "partial": {
        "cells": {
            "pipeline-decide-solution": (
                "def decide(errors, drift, accuracy, min_accuracy=0.8):\n"
                '    """Dataset drift always retrains; no check of the accuracy range."""\n'
                "    if errors:\n"
                '        return "STOP"\n'
                "    if (drift is not None and drift.dataset_drift) or (accuracy is not None and accuracy < min_accuracy):\n"
                '        return "RETRAIN"\n'
                '    return "NO_ACTION"\n'
            ),
            "pipeline-check-batch-solution": None,
            "pipeline-mcq-answers": 'answer_q1 = "D"\nanswer_q2 = "B"\nanswer_q3 = "B"\n',
        },
        "score": 3.0,
    },
    # decide() only calls the package's reference (mlcicd.pipeline.decide, switched off while graded): Part A
    # scores 0 and so does Part B, which calls decide(); the multiple choice keeps its 3 points.
    "cheat": {
        "cells": CHEAT_CELLS,
        "score": 3.0,
    },
    # An endless loop before the definition of check_batch: Part B scores 0, everything else is graded.
    "infinite_loop": {"cell": "pipeline-check-batch-solution", "score": 7.0},
    # The cheat again, with reference_disabled rebound to a no-op in a solution cell: every test cell imports it
    # itself, so the rebinding must not help: exactly the cheat's score.
    "rebinding": {"cell": "pipeline-decide-solution", "score": 3.0},
    # The complete submission with answers that compare equal to everything: the multiple-choice tests check the
    # exact type (str), so they score 0 and everything else is full: 11 - 3 points.
    "always_equal": {"cell": "pipeline-mcq-answers", "score": 8.0},
}
