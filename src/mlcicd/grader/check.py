"""``mlcicd check release/LAB/LAB.ipynb``: a student's check before submitting, on a copy of the notebook.

It runs a copy of the notebook (in a temporary copy of its folder: the student's file is never saved or changed),
top to bottom like the Validate button, and says how many of the visible checks (the test cells) pass and how many
of the lab's autograded points those cover. It says what it cannot know: the multiple-choice checks look only at
the format of the answer (one of the letters), not at whether it is right, and hidden tests run only when the
instructor grades the notebook; the open answers are graded by hand.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from mlcicd.grader.sample_class import is_test_cell, nbgrader_meta

__all__ = ["CheckError", "CheckResult", "check_notebook", "format_result"]

#: Files beside the notebook larger than this are not copied for the run.
MAX_COPIED_BYTES = 20_000_000


class CheckError(Exception):
    """The notebook cannot be checked: the message names the file, the problem and what to do."""


@dataclass
class Check:
    grade_id: str
    points: float
    passed: bool
    message: str = ""

    @property
    def multiple_choice(self) -> bool:
        return "-mcq-" in self.grade_id


@dataclass
class CheckResult:
    notebook: Path
    checks: list[Check] = field(default_factory=list)
    hand_graded_points: float = 0.0

    @property
    def passed(self) -> list[Check]:
        return [c for c in self.checks if c.passed]

    @property
    def autograded_points(self) -> float:
        return sum(c.points for c in self.checks)


def _load(path: Path) -> nbformat.NotebookNode:
    if not path.exists():
        raise CheckError(
            f"{path}: no such file. Give the path of your lab notebook, "
            "e.g. `mlcicd check release/lab1_versioning/lab1_versioning.ipynb`."
        )
    if not path.is_file():
        raise CheckError(f"{path} is a folder. Give the lab notebook inside it, e.g. {path / (path.name + '.ipynb')}.")
    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception as error:  # not JSON, not UTF-8, not a notebook
        raise CheckError(
            f"{path} is not a readable notebook ({type(error).__name__}). Download it again from "
            "JupyterLab (right-click, Download) or check that you chose the .ipynb file."
        ) from None
    if not any(is_test_cell(c) for c in nb.cells):
        raise CheckError(
            f"{path} is not a lab notebook: it has no graded checks (nbgrader test cells). "
            "Check the lab you will submit, from release/<lab>/<lab>.ipynb, not a lesson."
        )
    return nb


def _message(outputs) -> str:
    for output in outputs:
        if output.get("output_type") == "error":
            value = str(output.get("evalue", "")).strip().splitlines()
            return f"{output.get('ename', 'Error')}: {value[0]}" if value else str(output.get("ename", "Error"))
    return ""


def check_notebook(path: Path, timeout: int = 120) -> CheckResult:
    """Run a copy of the lab notebook at ``path`` and return which visible checks pass."""
    from nbconvert.preprocessors import ExecutePreprocessor

    path = Path(path)
    nb = _load(path)
    result = CheckResult(path)
    with tempfile.TemporaryDirectory(prefix="mlcicd-check-") as scratch:
        # The files beside the notebook (a lab's data), not folders: the notebook may sit in a home folder.
        for sibling in path.parent.iterdir():
            if sibling.is_file() and sibling.suffix != ".ipynb" and sibling.stat().st_size <= MAX_COPIED_BYTES:
                shutil.copy2(sibling, scratch)
        ExecutePreprocessor(timeout=timeout, allow_errors=True).preprocess(nb, {"metadata": {"path": scratch}})
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        points = float(meta.get("points", 0) or 0)
        if is_test_cell(cell):
            message = _message(cell.get("outputs", []))
            result.checks.append(Check(meta["grade_id"], points, passed=not message, message=message))
        elif meta.get("grade") or meta.get("task"):
            result.hand_graded_points += points
    return result


def format_result(result: CheckResult) -> str:
    passed = result.passed
    covered = sum(c.points for c in passed)
    lines = [
        f"{result.notebook.name}: {len(passed)} of {len(result.checks)} visible checks pass, covering "
        f"{covered:g} of the lab's {result.autograded_points:g} autograded points.",
        "",
    ]
    for check in result.checks:
        kind = " (multiple choice: format only)" if check.multiple_choice else ""
        line = f"  {'pass' if check.passed else 'FAIL'}  {check.grade_id}, {check.points:g} point(s){kind}"
        lines.append(line + (f"\n        {check.message}" if check.message else ""))
    mcq = [c for c in result.checks if c.multiple_choice]
    lines.append("")
    if mcq:
        lines.append(
            f"The {len(mcq)} multiple-choice checks test only the format of your answer (one of the "
            "letters), not whether it is right."
        )
    lines.append(
        "Hidden tests run when your notebook is graded: a passing check earns its points only if they pass too."
    )
    if result.hand_graded_points:
        lines.append(f"Your open answers ({result.hand_graded_points:g} points) are graded by hand.")
    lines.append("Your notebook was not changed: a copy of it was run.")
    return "\n".join(lines)
