"""``FeedbackSanitizer``: what a student's feedback page may show of the autograded notebook.

nbgrader's ``generate_feedback`` renders the autograded notebook, hidden tests included, and everything the
notebook printed. This preprocessor, used in place of nothing (nbgrader has no such step), keeps:

* in graded test cells, the visible part of the source, and as output only pass or fail: the instructor's
  assertion message for an ``AssertionError``, the exception's name for anything else. Output printed while a
  hidden test ran (student code called by it can print the hidden inputs) is dropped;
* in every other cell, the outputs, except any that quote a line of a hidden test (code watching later cells, or
  reading the kernel's history, can print them): those are replaced by a notice.

Enable it in ``nbgrader_config.py``::

    c.GenerateFeedback.preprocessors = [
        "nbgrader.preprocessors.GetGrades",
        "mlcicd.grader.feedback.FeedbackSanitizer",
        "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    ]
"""

from __future__ import annotations

import json
import re

from nbformat.notebooknode import NotebookNode
from nbgrader import utils
from nbgrader.preprocessors import ClearHiddenTests
from traitlets import List

__all__ = ["FeedbackSanitizer"]

HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.DOTALL)
#: Hidden lines shorter than this (``else:``, ``)``) are too common to count as a quotation.
MIN_QUOTED = 16
REMOVED = "[output removed from the feedback: it showed part of a hidden test]\n"


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
        return NotebookNode(output_type="error", ename="AssertionError", evalue=value,
                            traceback=[f"AssertionError: {value}"])
    name = output.get("ename", "Error")
    return NotebookNode(output_type="error", ename=name, evalue="",
                        traceback=[f"{name} was raised while this test ran"])


class FeedbackSanitizer(ClearHiddenTests):
    """Remove hidden tests, what hidden tests printed, and outputs that quote hidden tests (see the module)."""

    # The HTML exporter hands this nbconvert option to every preprocessor; accept it so nothing is logged.
    display_data_priority = List().tag(config=True)

    def preprocess(self, nb, resources):
        self._hidden = _hidden_lines(nb)
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, cell_index):
        self.enforce_metadata = False  # a student's own text may contain the delimiter; never fail on it
        test = cell.cell_type == "code" and utils.is_grade(cell) and not utils.is_solution(cell)
        cell, resources = super().preprocess_cell(cell, resources, cell_index)
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
