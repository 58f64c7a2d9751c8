"""Grading spec of lab5_rollback: a partially correct student, cheaters and an endless loop, with exact scores.

Read by tests/end_to_end/test_grading.py and mlcicd.grader.sample_class (format: CONTRIBUTING.md, "The lab spec").
Autograded maximum: 13 points (rollback_target 2 + 1, rollback 2 + 2, assemble 2 + 1, three multiple-choice
answers 1 each).
"""

CHEAT_CELLS = {
    "rollback-rollback-solution": (
        'def rollback(registry, monitor, alias="champion", reason="rollback"):\n'
        '    """Delegate to the course library."""\n'
        "    bundle = registry.load(registry.rollback(alias, reason=reason).to_version)\n"
        "    monitor.set_reference(bundle.reference_data)\n"
        "    monitor.reset_window()\n"
        "    return bundle\n"
    ),
}

SPEC = {
    # Part A correct; Part B moves the alias and returns the right bundle but forgets the monitor, so the cell that
    # checks the monitoring reference fails and the refuse/twice cell passes; Part C left as the release stub;
    # Q1 and Q2 right, Q3 wrong: 3 + 2 + 0 + 2 = 7 points.
    "partial": {
        "cells": {
            "rollback-rollback-solution": (
                'def rollback(registry, monitor, alias="champion", reason="rollback"):\n'
                '    """Move the alias back; the monitor is left as it was."""\n'
                "    target = rollback_target(registry.log, alias)\n"
                "    registry.promote(target, alias, reason=reason)\n"
                "    return registry.load(target)\n"
            ),
            "rollback-assemble-solution": None,
            "rollback-mcq-answers": 'answer_q1 = "B"\nanswer_q2 = "C"\nanswer_q3 = "C"\n',
        },
        "score": 7.0,
    },
    # rollback() only calls the registry's own rollback (switched off while graded): Part B scores 0.
    "cheat": {
        "cells": CHEAT_CELLS,
        "score": 9.0,
    },
    # An endless loop before the definition of assemble: Part C scores 0, everything else is graded.
    "infinite_loop": {"cell": "rollback-assemble-solution", "score": 10.0},
    # The cheat again, with reference_disabled rebound to a no-op in a solution cell: every test cell imports it
    # itself, so the rebinding must not help: exactly the cheat's score.
    "rebinding": {"cell": "rollback-rollback-solution", "score": 9.0},
    # The complete submission with answers that compare equal to everything: the multiple-choice tests check the
    # exact type (str), so they score 0 and everything else is full: 13 - 3 points.
    "always_equal": {"cell": "rollback-mcq-answers", "score": 10.0},
}
