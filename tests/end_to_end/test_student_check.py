"""`mlcicd check NOTEBOOK`: a student's pre-submit check on the sample class's complete, partial and blank work."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from mlcicd.grader import sample_class
from support import REPO_ROOT, course_env

pytestmark = pytest.mark.grading

LAB = sample_class.discover_labs(REPO_ROOT)[0]


def check(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(Path(sys.executable).parent / "mlcicd"), "check", str(path)],
        env=course_env(),
        capture_output=True,
        text=True,
        timeout=900,
    )


def summary(stdout: str) -> tuple[int, int, float, float]:
    match = re.search(r"(\d+) of (\d+) visible checks pass, covering ([\d.]+) of the lab's ([\d.]+) autograded", stdout)
    assert match, stdout
    passed, total, covered, points = match.groups()
    return int(passed), int(total), float(covered), float(points)


@pytest.mark.parametrize("kind", ["complete", "partial", "blank"])
def test_check_counts_the_visible_checks_and_never_changes_the_notebook(tmp_path, kind):
    text = getattr(sample_class, kind)(LAB, REPO_ROOT)
    notebook = tmp_path / LAB / f"{LAB}.ipynb"
    notebook.parent.mkdir()
    notebook.write_text(text, encoding="utf-8")
    proc = check(notebook)
    release = sample_class.release_notebook(LAB, REPO_ROOT)
    tests = sample_class.test_points(release)
    passed, total, covered, points = summary(proc.stdout)
    assert total == len(tests) and points == sum(tests.values()) == sample_class.max_autograded(LAB, REPO_ROOT)
    passing = [g for g in tests if re.search(rf"^  pass  {re.escape(g)},", proc.stdout, re.MULTILINE)]
    failing = [g for g in tests if re.search(rf"^  FAIL  {re.escape(g)},", proc.stdout, re.MULTILINE)]
    assert len(passing) == passed and len(failing) == total - passed, proc.stdout
    assert covered == sum(tests[g] for g in passing)
    if kind == "complete":
        assert passed == total and proc.returncode == 0, proc.stdout + proc.stderr
    elif kind == "blank":
        assert passed == 0 and proc.returncode == 1, proc.stdout + proc.stderr
    else:
        assert 0 < passed < total and proc.returncode == 1, proc.stdout + proc.stderr
        assert "NotImplementedError" in proc.stdout  # the parts the partial student left as the stub
    assert "test only the format of your answer" in proc.stdout
    assert "Hidden tests run when your notebook is graded" in proc.stdout
    assert notebook.read_text(encoding="utf-8") == text, "mlcicd check changed the student's notebook"
    assert sorted(p.name for p in notebook.parent.iterdir()) == [notebook.name]


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda d: d / "missing.ipynb", "no such file"),
        (lambda d: d, "is a folder"),
        (
            lambda d: (d / "broken.ipynb").write_text('{"cells": [', encoding="utf-8") and d / "broken.ipynb",
            "is not a readable notebook",
        ),
        (lambda d: REPO_ROOT / "notebooks" / "01_versioning.ipynb", "is not a lab notebook"),
    ],
    ids=["missing", "folder", "not-json", "lesson"],
)
def test_a_file_that_is_not_a_lab_notebook_is_a_clear_error(tmp_path, make, expected):
    proc = check(make(tmp_path))
    assert proc.returncode == 2 and expected in proc.stderr, proc.stdout + proc.stderr
    assert "mlcicd check:" in proc.stderr and "Traceback" not in proc.stderr
