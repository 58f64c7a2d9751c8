"""``FeedbackSanitizer``: what a student's feedback page may show of the autograded notebook.

nbgrader's ``generate_feedback`` renders the autograded notebook, hidden tests included, and everything the
notebook printed. This preprocessor, used in place of nothing (nbgrader has no such step), keeps:

* in graded test cells, the visible part of the source, and as output only pass or fail: the instructor's
  assertion message for an ``AssertionError``, the exception's name for anything else. Output printed while a
  hidden test ran (student code called by it can print the hidden inputs) is dropped;
* in every other cell, the outputs, except any that quote a line of a hidden test (code watching later cells, or
  reading the kernel's history, can print them): those are replaced by a notice.

It also marks a hand-graded answer that nobody has graded yet as ``awaiting grading`` instead of nbgrader's
"Score: 0.0 / 4.0", and the notebook's score in the header as "11.0 so far + 4.0 points awaiting grading" (nbgrader counts
the ungraded answer as 0). nbgrader's feedback template passes every score through Jinja's ``float`` and
``round`` filters, which turn that text into 0.0; ``FEEDBACK_FILTERS`` replaces the two with ones that leave text
alone (numbers are converted exactly as before).

Enable it in ``nbgrader_config.py``::

    c.GenerateFeedback.preprocessors = [
        "nbgrader.preprocessors.GetGrades",
        "mlcicd.grader.feedback.FeedbackSanitizer",
        "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    ]
    c.HTMLExporter.filters = FEEDBACK_FILTERS  # imported from this module
"""

from __future__ import annotations

import json
import re

from nbformat.notebooknode import NotebookNode
from nbgrader import utils
from nbgrader.preprocessors import ClearHiddenTests
from traitlets import List

__all__ = ["AWAITING", "FEEDBACK_FILTERS", "FeedbackSanitizer", "score_float", "score_round"]

HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.DOTALL)
#: Hidden lines shorter than this (``else:``, ``)``) are too common to count as a quotation.
MIN_QUOTED = 16
REMOVED = "[output removed from the feedback: it showed part of a hidden test]\n"
#: The score shown for a hand-graded answer that is not graded yet.
AWAITING = "awaiting grading"


def score_float(value, default=0.0):
    """Jinja's ``float`` filter, except that text such as ``awaiting grading`` is kept as it is."""
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return value
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def score_round(value, precision=0, method="common"):
    """Jinja's ``round`` filter, except that text is kept as it is."""
    if isinstance(value, str):
        return value
    from jinja2.filters import do_round

    return do_round(value, precision, method)


#: ``c.HTMLExporter.filters`` for generate_feedback: nbgrader's template then prints ``awaiting grading``.
FEEDBACK_FILTERS = {"float": "mlcicd.grader.feedback.score_float", "round": "mlcicd.grader.feedback.score_round"}


def _hidden_lines(nb) -> set[str]:
    lines: set[str] = set()
    for cell in nb.cells:
        if cell.cell_type == "code" and utils.is_grade(cell):
            for block in HIDDEN.findall(cell.source):
                lines.update(line.strip() for line in block.splitlines() if len(line.strip()) >= MIN_QUOTED)
    return lines


def _verdict(output) -> NotebookNode:
    if output.get("ename") == "AssertionError":
        value = output.get("evalue", "")
        return NotebookNode(
            output_type="error", ename="AssertionError", evalue=value, traceback=[f"AssertionError: {value}"]
        )
    name = output.get("ename", "Error")
    return NotebookNode(
        output_type="error", ename=name, evalue="", traceback=[f"{name} was raised while this test ran"]
    )


def _awaiting(info: dict) -> dict[str, float]:
    """grade_id -> points of the hand-graded answers of this submission that nobody has graded yet."""
    needed = ("db_url", "assignment", "notebook", "student")
    if not all(info.get(k) for k in needed):
        return {}
    from nbgrader.api import Gradebook, MissingEntry

    try:
        with Gradebook(info["db_url"]) as gb:
            notebook = gb.find_submission_notebook(info["notebook"], info["assignment"], info["student"])
            return {
                g.name: float(g.max_score or 0)
                for g in notebook.grades
                if g.needs_manual_grade and g.manual_score is None
            }
    except MissingEntry:
        return {}


class FeedbackSanitizer(ClearHiddenTests):
    """Remove hidden tests, what hidden tests printed, and outputs that quote hidden tests (see the module)."""

    # The HTML exporter hands this nbconvert option to every preprocessor; accept it so nothing is logged.
    display_data_priority: List = List().tag(config=True)

    def preprocess(self, nb, resources):
        self._hidden = _hidden_lines(nb)
        self._awaiting = _awaiting(resources.get("nbgrader", {}))
        self._marked: dict[str, float] = {}
        nb, resources = super().preprocess(nb, resources)
        info = resources.get("nbgrader", {})
        if self._marked and isinstance(info.get("score"), int | float):
            info["score"] = (
                f"{round(float(info['score']), 2)} so far + {round(sum(self._marked.values()), 2)} points {AWAITING}"
            )
        return nb, resources

    def preprocess_cell(self, cell, resources, cell_index):
        self.enforce_metadata = False  # a student's own text may contain the delimiter; never fail on it
        test = cell.cell_type == "code" and utils.is_grade(cell) and not utils.is_solution(cell)
        cell, resources = super().preprocess_cell(cell, resources, cell_index)
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade_id") in self._awaiting and (meta.get("solution") or meta.get("task")):
            meta["score"] = AWAITING
            self._marked[meta["grade_id"]] = self._awaiting[meta["grade_id"]]
        if cell.cell_type != "code":
            return cell, resources
        if test:
            cell.outputs = [_verdict(o) for o in cell.outputs if o.get("output_type") == "error"][:1]
        else:
            cell.outputs = [self._scrubbed(o) for o in cell.outputs]
        return cell, resources

    def _scrubbed(self, output):
        text = json.dumps(output, ensure_ascii=False).replace("\\n", "\n").replace('\\"', '"')
        if any(line in text for line in self._hidden):
            return NotebookNode(output_type="stream", name="stdout", text=REMOVED)
        return output
