"""Grading spec of lab2_testing: a partially correct student, cheaters and an endless loop, with exact scores.

Read by tests/end_to_end/test_grading.py and mlcicd.grader.sample_class (format: CONTRIBUTING.md, "The lab spec").
Autograded maximum: 11 points (validate_batch 2 + 2, promotion_gate 2 + 2, three multiple-choice answers 1 each).
"""

CHEAT_CELLS = {
    "testing-validate-batch-solution": (
        "from mlcicd import validation\n\n\n"
        "def validate_batch(df, schema):\n"
        '    """Delegate to the course library."""\n'
        "    specs = {name: validation.ColumnSpec(**spec) for name, spec in schema.items()}\n"
        "    return {(e.code, e.column) for e in validation.validate(df, specs)}\n"
    ),
}

SPEC = {
    # validate_batch left as the stub; a promotion gate that forgets the per-slice rule (passes the overall cell
    # only); all three answers right: 0 + 2 + 3 = 5 points.
    "partial": {
        "cells": {
            "testing-validate-batch-solution": None,
            "testing-promotion-gate-solution": (
                "def promotion_gate(candidate, champion, baseline, tolerance=0.02):\n"
                '    """Compare overall accuracy only (forgets the slices and the key check)."""\n'
                '    if candidate["overall"] <= baseline["overall"]:\n'
                "        return False\n"
                '    return champion is None or candidate["overall"] >= champion["overall"]\n'
            ),
        },
        "score": 5.0,
    },
    # validate_batch only wraps the package's validator: Part A scores 0, everything else full: 7 points. The package
    # follows the lab's conventions (a missing value in an int column is null_values only; tests/unit/test_validation.py
    # checks it on the lab's cases), so only reference_disabled stops this cheat.
    "cheat": {
        "cells": CHEAT_CELLS,
        "score": 7.0,
    },
    # An endless loop before the definition of promotion_gate: Part B scores 0, the rest is graded: 7 points.
    "infinite_loop": {"cell": "testing-promotion-gate-solution", "score": 7.0},
    # The cheat again, with reference_disabled rebound to a no-op in a solution cell: every test cell imports it
    # itself, so the rebinding must not help: exactly the cheat's score.
    "rebinding": {"cell": "testing-validate-batch-solution", "score": 7.0},
    # The complete submission with answers that compare equal to everything: the multiple-choice tests check the
    # exact type (str), so they score 0 and everything else is full: 11 - 3 points.
    "always_equal": {"cell": "testing-mcq-answers", "score": 8.0},
}
