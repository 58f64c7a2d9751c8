"""Grading spec of lab8_canary: a partially correct student, cheaters and an endless loop, with exact scores.

Read by tests/end_to_end/test_grading.py and mlcicd.grader.sample_class (format: CONTRIBUTING.md, "The lab spec").
Autograded maximum: 11 points (mcnemar 2 + 2, decide 2 + 2, three multiple-choice answers 1 each).
"""

CHEAT_CELLS = {
    "deployment-mcnemar-solution": (
        "from mlcicd.canary import discordant_counts, mcnemar_exact\n\n\n"
        "def mcnemar(champion_correct, candidate_correct):\n"
        '    """Delegate to the course library."""\n'
        "    result = mcnemar_exact(*discordant_counts(champion_correct, candidate_correct))\n"
        '    return {"b": result.b, "c": result.c, "p_value": result.p_value}\n'
    ),
    "deployment-decide-solution": (
        "from mlcicd.canary import canary_decision\n\n\n"
        "def decide(champion_correct, candidate_correct, alpha=0.05, min_discordant=20, looks=1):\n"
        '    """Delegate to the course library."""\n'
        "    return canary_decision(champion_correct, candidate_correct, alpha=alpha, min_discordant=min_discordant,\n"
        "                           looks=looks)\n"
    ),
}

SPEC = {
    # mcnemar correct; decide left as the stub; Q1 right, Q2 and Q3 wrong: 4 + 0 + 1 = 5 points.
    "partial": {
        "cells": {
            "deployment-decide-solution": None,
            "deployment-mcq-answers": 'answer_q1 = "B"\nanswer_q2 = "A"\nanswer_q3 = "A"\n',
        },
        "score": 5.0,
    },
    # mcnemar and decide only call the package's reference: Parts A and B score 0, the answers 3: 3 points.
    "cheat": {"cells": CHEAT_CELLS, "score": 3.0},
    # An endless loop before the definition of decide: Part B scores 0, the rest is graded: 4 + 0 + 3 = 7 points.
    "infinite_loop": {"cell": "deployment-decide-solution", "score": 7.0},
    # The cheat again, with reference_disabled rebound to a no-op: the test cells import it themselves.
    "rebinding": {"cell": "deployment-mcnemar-solution", "score": 3.0},
    # Answers equal to everything: the multiple-choice tests check the exact type (str): 11 - 3 points.
    "always_equal": {"cell": "deployment-mcq-answers", "score": 8.0},
}
