"""Grading spec of lab4_deployment: a partially correct student, cheaters and an endless loop, with exact scores.

Read by tests/end_to_end/test_grading.py and mlcicd.grader.sample_class (format: CONTRIBUTING.md, "The lab spec").
Autograded maximum: 13 points (daily_accuracy 2 + 1, window_accuracy 2 + 1 + 1, first_alert_day 2 + 1, three
multiple-choice answers 1 each).
"""

CHEAT_CELLS = {
    "deployment-daily-accuracy-solution": (
        "from mlcicd.serving import daily_metrics\n\n\n"
        "def daily_accuracy(log):\n"
        '    """Delegate to the course library."""\n'
        '    return daily_metrics(log.assign(model_version="v1"))[["day", "n", "accuracy"]]\n'
    ),
}

SPEC = {
    # Part A correct; Part B averages the daily accuracies over the last rows (unweighted, rows instead of calendar
    # days), so its weighting and calendar-day cells fail, while its input cell passes (pandas' rolling() raises
    # ValueError for a window of 0, -2 or 1.5); Part C left as the release stub; Q1 and Q3 right, Q2 wrong:
    # 3 + 1 + 0 + 2 = 6 points.
    "partial": {
        "cells": {
            "deployment-window-accuracy-solution": (
                "def window_accuracy(daily, window_days):\n"
                '    """Mean of the daily accuracies over the last window_days rows."""\n'
                '    return daily["accuracy"].rolling(window_days, min_periods=1).mean()\n'
            ),
            "deployment-first-alert-solution": None,
            "deployment-mcq-answers": 'answer_q1 = "C"\nanswer_q2 = "A"\nanswer_q3 = "A"\n',
        },
        "score": 6.0,
    },
    # daily_accuracy() only calls the package's reference (mlcicd.serving.daily_metrics): Part A scores 0, and so
    # does Part C, which uses daily_accuracy(); Part B and the multiple choice keep their 4 + 3 points.
    "cheat": {
        "cells": CHEAT_CELLS,
        "score": 7.0,
    },
    # An endless loop before the definition of first_alert_day: Part C scores 0, everything else is graded.
    "infinite_loop": {"cell": "deployment-first-alert-solution", "score": 10.0},
    # The cheat again, with reference_disabled rebound to a no-op in a solution cell: every test cell imports it
    # itself, so the rebinding must not help: exactly the cheat's score.
    "rebinding": {"cell": "deployment-daily-accuracy-solution", "score": 7.0},
    # The complete submission with answers that compare equal to everything: the multiple-choice tests check the
    # exact type (str), so they score 0 and everything else is full: 13 - 3 points.
    "always_equal": {"cell": "deployment-mcq-answers", "score": 10.0},
}
