"""mlcicd.workspace: the work folder `make lab` opens is filled once and never overwrites a student's file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mlcicd.workspace import STUDENT_FOLDERS, prepare_work_folder
from support import REPO_ROOT, course_env


def _course(root: Path) -> Path:
    (root / "notebooks").mkdir(parents=True)
    (root / "notebooks" / "00_start_here.ipynb").write_text("start", encoding="utf-8")
    (root / "notebooks" / ".ipynb_checkpoints").mkdir()
    (root / "notebooks" / ".ipynb_checkpoints" / "00_start_here-checkpoint.ipynb").write_text("x", encoding="utf-8")
    (root / "release" / "lab1").mkdir(parents=True)
    (root / "release" / "lab1" / "lab1.ipynb").write_text("lab one", encoding="utf-8")
    return root


def _tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for p in root.rglob("*") if p.is_file()}


def test_first_run_copies_lessons_and_labs_with_their_layout(tmp_path: Path):
    course = _course(tmp_path / "course")
    copied = prepare_work_folder(course, tmp_path / "work")
    assert _tree(tmp_path / "work") == {"notebooks/00_start_here.ipynb": "start", "release/lab1/lab1.ipynb": "lab one"}
    assert sorted(p.relative_to(tmp_path / "work").as_posix() for p in copied) == sorted(_tree(tmp_path / "work"))


def test_a_second_run_copies_nothing_and_keeps_the_students_work(tmp_path: Path):
    course = _course(tmp_path / "course")
    work = tmp_path / "work"
    prepare_work_folder(course, work)
    (work / "release" / "lab1" / "lab1.ipynb").write_text("my answers", encoding="utf-8")
    (work / "notebooks" / "00_start_here.ipynb").unlink()  # a deleted file comes back, an edited one stays
    (work / "notes.txt").write_text("mine", encoding="utf-8")
    # The course changes after a git pull: an updated lab and a new lesson.
    (course / "release" / "lab1" / "lab1.ipynb").write_text("lab one, version 2", encoding="utf-8")
    (course / "notebooks" / "01_new.ipynb").write_text("new lesson", encoding="utf-8")

    copied = prepare_work_folder(course, work)
    assert sorted(p.name for p in copied) == ["00_start_here.ipynb", "01_new.ipynb"]
    assert _tree(work) == {
        "notebooks/00_start_here.ipynb": "start",
        "notebooks/01_new.ipynb": "new lesson",
        "release/lab1/lab1.ipynb": "my answers",
        "notes.txt": "mine",
    }
    assert prepare_work_folder(course, work) == []


def test_a_folder_that_is_not_the_course_is_refused_with_the_fix(tmp_path: Path):
    with pytest.raises(FileNotFoundError, match=r"has no notebooks, release/: run this from the course"):
        prepare_work_folder(tmp_path, tmp_path / "work")
    course = _course(tmp_path / "course")
    (tmp_path / "file").write_text("", encoding="utf-8")
    with pytest.raises(NotADirectoryError, match="is a file, not a folder"):
        prepare_work_folder(course, tmp_path / "file")


def test_the_module_runs_from_the_command_line_on_the_real_course(tmp_path: Path):
    work = tmp_path / "my-work"
    cmd = [sys.executable, "-m", "mlcicd.workspace", str(work), "--course-root", str(REPO_ROOT)]
    first = subprocess.run(cmd, env=course_env(), capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    for name in STUDENT_FOLDERS:
        expected = sorted(p.relative_to(REPO_ROOT).as_posix() for p in (REPO_ROOT / name).rglob("*.ipynb"))
        assert sorted(p.relative_to(work).as_posix() for p in (work / name).rglob("*.ipynb")) == expected
    assert "new file(s) copied" in first.stdout
    again = subprocess.run(cmd, env=course_env(), capture_output=True, text=True, timeout=120)
    assert again.returncode == 0 and again.stdout == "", again.stdout + again.stderr


def test_the_work_folder_is_git_ignored():
    proc = subprocess.run(
        ["git", "check-ignore", "-q", "my-work/notebooks/00_start_here.ipynb"], cwd=REPO_ROOT, timeout=30
    )
    assert proc.returncode == 0, "my-work/ (the work folder of make lab) must be listed in .gitignore"
