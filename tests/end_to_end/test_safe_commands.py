"""Instructor commands never lose work: `make clean`, `make demo` (scripts/demo.py) and its score table."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mlcicd.grader import sample_class
from support import REPO_ROOT, copy_course, course_env

pytestmark = pytest.mark.grading

LAB = sample_class.discover_labs(REPO_ROOT)[0]
#: The instructor's work in a course folder: nothing of it can be rebuilt.
GRADING_WORK = (
    "submitted/zoe/LAB/LAB.ipynb",
    "gradebook.db",
    "autograded/zoe/LAB/LAB.ipynb",
    "feedback/zoe/LAB/LAB.html",
    "grades.csv",
    "reports/LAB/status.csv",
)
REBUILDABLE = (
    ".venv/bin/python",
    ".pytest_cache/v/x",
    "demo-output/grades.csv",
    "test-artifacts/shot.png",
    "src/mlcicd/__pycache__/x.pyc",
)


def tree(root: Path, skip: str = "") -> dict[str, str]:
    """Every file under ``root`` (relative path -> sha256 of its bytes), without the folder ``skip``."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not (skip and p.relative_to(root).parts[0] == skip)
    }


def demo(*args: str, timeout: float = 1500) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(REPO_ROOT / "scripts" / "demo.py"), *args],
        env=course_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def add_real_student(course: Path, student: str = "zoe") -> None:
    """A student of the instructor's own: a submission and a gradebook entry."""
    from nbgrader.api import Gradebook

    sample_class.write_submission(course, student, LAB, sample_class.blank(LAB, REPO_ROOT))
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        gb.update_or_create_student(student, first_name="Zoe")


def gradebook_students(course: Path) -> list[str]:
    from mlcicd.grader.scores import gradebook_students

    return gradebook_students(f"sqlite:///{course / 'gradebook.db'}")


def test_make_clean_removes_only_what_can_be_rebuilt(tmp_path):
    shutil.copy2(REPO_ROOT / "Makefile", tmp_path / "Makefile")
    for name in (*GRADING_WORK, *REBUILDABLE):
        path = tmp_path / name.replace("LAB", LAB)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"contents of {name}\n", encoding="utf-8")
    kept = tree(tmp_path / "submitted") | tree(tmp_path / "autograded") | tree(tmp_path / "feedback")
    proc = subprocess.run(["make", "clean"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lost = [n for n in GRADING_WORK if not (tmp_path / n.replace("LAB", LAB)).is_file()]
    assert not lost, f"make clean deleted the instructor's work: {lost}"
    assert tree(tmp_path / "submitted") | tree(tmp_path / "autograded") | tree(tmp_path / "feedback") == kept
    left = [n for n in REBUILDABLE if (tmp_path / n).exists()]
    assert not left, f"make clean left rebuildable files: {left}"
    assert "kept submitted/" in proc.stdout


class TestDemoInPlace:
    """`make demo --in-place` in a course folder with students of its own is refused, and changes nothing."""

    @pytest.mark.parametrize("where", ["submitted", "gradebook"])
    def test_it_refuses_and_names_the_student(self, course, where):
        from nbgrader.api import Gradebook

        shutil.copytree(REPO_ROOT / "tests" / "lab_specs", course / "tests" / "lab_specs")
        if where == "submitted":
            sample_class.write_submission(course, "zoe", LAB, sample_class.blank(LAB, REPO_ROOT))
        else:
            with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
                gb.update_or_create_student("zoe")
        before = tree(course)
        proc = demo("--root", str(course), "--in-place", LAB, timeout=300)
        assert proc.returncode == 3, proc.stdout + proc.stderr
        assert "REFUSED" in proc.stdout and "zoe" in proc.stdout and "Nothing was changed" in proc.stdout
        assert "--force" in proc.stdout and "changes this course folder" in proc.stdout
        assert tree(course) == before

    def test_force_without_in_place_is_an_error(self, course):
        proc = demo("--root", str(course), "--force", LAB, timeout=300)
        assert proc.returncode == 2 and "--in-place" in proc.stdout, proc.stdout

    def test_a_folder_not_made_by_the_demo_is_not_overwritten(self, course, tmp_path):
        out = tmp_path / "precious"
        out.mkdir()
        (out / "notes.txt").write_text("mine\n", encoding="utf-8")
        proc = demo("--root", str(course), "--out", str(out), LAB, timeout=300)
        assert proc.returncode == 2 and "left alone" in proc.stdout, proc.stdout
        assert tree(out) == {"notes.txt": hashlib.sha256(b"mine\n").hexdigest()}


def _points(lab: str) -> tuple[float, float]:
    """(autograded, hand-graded) points of a lab, from its source notebook's nbgrader metadata."""
    nb = sample_class.source_notebook(lab, REPO_ROOT)
    total = sum(
        float(sample_class.nbgrader_meta(c).get("points", 0))
        for c in nb.cells
        if sample_class.nbgrader_meta(c).get("grade") or sample_class.nbgrader_meta(c).get("task")
    )
    auto = sample_class.max_autograded(lab, REPO_ROOT)
    return auto, total - auto


@pytest.mark.slow
def test_the_demo_leaves_the_course_untouched_and_its_table_fits_80_columns(tmp_path):
    course = copy_course(tmp_path / "course", ("nbgrader_config.py", "source", "release", "tests/lab_specs"))
    add_real_student(course)
    before, students_before = tree(course), gradebook_students(course)
    auto, hand = _points(LAB)
    partial = sample_class.load_spec(LAB, REPO_ROOT)["partial"]["score"]
    for _ in range(2):  # a second run rebuilds the copy
        proc = demo("--root", str(course), LAB)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert tree(course, skip="demo-output") == before, "make demo changed the course folder"
        assert gradebook_students(course) == students_before == ["zoe"]
    out = course / "demo-output"
    assert str(out) in proc.stdout and (out / "grades.csv").is_file()
    assert gradebook_students(out) == sorted(s for s in sample_class.SAMPLE_CLASS if s != "dana")
    assert not (out / "submitted" / "zoe").exists()

    start = proc.stdout.index("Scores of the sample class")
    table = proc.stdout[start : proc.stdout.index("Done in")]
    too_wide = [line for line in table.splitlines() if len(line) > 80 and str(out) not in line]  # paths may be long
    assert not too_wide, f"lines wider than 80 columns: {too_wide}"
    rows = {line.split()[0]: line for line in table.splitlines() if line.split()[1:2] == [LAB]}

    def row(got: float, hand_cell: str) -> str:
        total = got + (0 if hand_cell.startswith("awaiting") else float(hand_cell.split()[0]))
        return (
            rf"{got:g} / {auto:g}\s+{re.escape(hand_cell)} / {hand:g}\s+{total:g} / {auto + hand:g}"
            rf"\s+{100 * total / (auto + hand):.0f}%"
        )

    assert re.search(row(auto, "awaiting"), rows["amara"]), rows["amara"]
    assert re.search(row(partial, "awaiting"), rows["bruno"]), rows["bruno"]
    assert re.search(row(0, "0"), rows["chen"]), rows["chen"]  # nbgrader scores an untouched answer 0 itself
    assert "rejected" in rows["dana"]
    assert "awaiting: not graded by hand yet" in table
    assert f"grades.csv:    {out / 'grades.csv'}" in table and f"{out / 'feedback'}/<student>/" in table


def mlcicd(course: Path, *args: str, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(Path(sys.executable).parent / "mlcicd"), *args],
        cwd=course,
        env=course_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_mlcicd_grade_does_not_silently_replace_grades_it_did_not_record(course):
    from support import run_nbgrader

    run_nbgrader(course, "generate_assignment", LAB, "--force")
    sample_class.write_submission(course, "zoe", LAB, sample_class.complete(LAB, REPO_ROOT))
    first = mlcicd(course, "grade", LAB)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "no earlier grade is replaced" in first.stdout, first.stdout
    shutil.rmtree(course / "reports")  # e.g. graded by plain `nbgrader autograde`, or the report was deleted
    sample_class.write_submission(course, "zoe", LAB, sample_class.blank(LAB, REPO_ROOT))
    graded = tree(course / "autograded")
    database = (course / "gradebook.db").read_bytes()
    refused = mlcicd(course, "grade", LAB)
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert "zoe" in refused.stderr and "--force" in refused.stderr and "Nothing was changed" in refused.stderr
    assert tree(course / "autograded") == graded and (course / "gradebook.db").read_bytes() == database
    assert not (course / "reports").exists()
    forced = mlcicd(course, "grade", LAB, "--force")
    assert forced.returncode == 0, forced.stdout + forced.stderr
    assert "regrading 1 already graded student(s) (--force): zoe" in forced.stdout, forced.stdout
    assert tree(course / "autograded") != graded


def test_feedback_says_awaiting_grading_until_the_answer_is_graded_by_hand(course):
    from nbgrader.api import Gradebook

    from support import run_nbgrader

    run_nbgrader(course, "generate_assignment", LAB, "--force")
    sample_class.write_submission(course, "amara", LAB, sample_class.complete(LAB, REPO_ROOT))
    proc = mlcicd(course, "grade", LAB)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    auto, hand = _points(LAB)
    page = course / "feedback" / "amara" / LAB / f"{LAB}.html"

    run_nbgrader(course, "generate_feedback", LAB, "--force")
    text = page.read_text(encoding="utf-8")
    assert f"Written response</a> (Score: awaiting grading / {hand:.1f})" in text, text[:3000]
    assert f"Score: 0.0 / {hand:.1f}" not in text
    assert f"(Score: {auto:.1f} so far + {hand:.1f} points awaiting grading / {auto + hand:.1f})" in text

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        submission = gb.find_submission_notebook(LAB, LAB, "amara")
        written = [g for g in submission.grades if g.needs_manual_grade]
        assert written, "the complete submission has an answer waiting for hand-grading"
        for grade in written:
            grade.manual_score = grade.max_score - 1
        gb.db.commit()
    run_nbgrader(course, "generate_feedback", LAB, "--force")
    text = page.read_text(encoding="utf-8")
    assert "awaiting grading" not in text
    assert f"Written response</a> (Score: {hand - len(written):.1f} / {hand:.1f})" in text
    assert f"(Score: {auto + hand - len(written):.1f} / {auto + hand:.1f})" in text
