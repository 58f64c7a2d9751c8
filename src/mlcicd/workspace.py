"""The student's work folder: a git-ignored copy of the lessons and labs that `make lab` opens.

JupyterLab autosaves outputs into the notebook a student runs, and nbgrader's Validate saves the lab and changes
its metadata. Done in ``notebooks/`` or ``release/`` themselves, that leaves the repository dirty: ``git pull``
then conflicts, and the tests that compare ``release/`` with a fresh generation fail. So ``make lab`` first copies
``notebooks/`` and ``release/`` into a work folder (``my-work/`` by default, git-ignored) and opens JupyterLab
there. Copying never overwrites a file that is already in the work folder, so a student's work survives every
run and every ``git pull``; a lesson or lab that is new in the course is added on the next run.

Usage: python -m mlcicd.workspace [WORK_FOLDER] [--course-root ROOT]   prints how many files it copied.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

__all__ = ["STUDENT_FOLDERS", "WORK_FOLDER", "prepare_work_folder"]

#: The folders of the course a student works in, copied with their layout (the start page links ../release/...).
STUDENT_FOLDERS = ("notebooks", "release")
#: The default work folder, relative to the course root (listed in .gitignore).
WORK_FOLDER = "my-work"
_SKIPPED_PARTS = {".ipynb_checkpoints", "__pycache__"}


def prepare_work_folder(course_root: Path, work: Path) -> list[Path]:
    """Copy every file of ``course_root``'s STUDENT_FOLDERS that ``work`` does not have yet; return the copies.

    A file already in ``work`` (the student's own version) is never touched, whatever its content; running this
    twice copies nothing the second time.
    """
    course_root, work = Path(course_root), Path(work)
    missing = [name for name in STUDENT_FOLDERS if not (course_root / name).is_dir()]
    if missing:
        raise FileNotFoundError(
            f"{course_root.resolve()} has no {', '.join(missing)}/: run this from the course repository's root "
            "(or pass --course-root)."
        )
    if work.exists() and not work.is_dir():
        raise NotADirectoryError(f"{work} is a file, not a folder: move it away or choose another work folder.")
    copied = []
    for name in STUDENT_FOLDERS:
        for src in sorted((course_root / name).rglob("*")):
            rel = src.relative_to(course_root)
            if not src.is_file() or _SKIPPED_PARTS & set(rel.parts):
                continue
            dest = work / rel
            if dest.exists():
                continue
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest)
            copied.append(dest)
    return copied


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Copy the lessons and labs into a work folder, keeping your work.")
    parser.add_argument("work", nargs="?", default=WORK_FOLDER, type=Path, help=f"default: {WORK_FOLDER}")
    parser.add_argument("--course-root", default=Path("."), type=Path)
    args = parser.parse_args(argv)
    try:
        copied = prepare_work_folder(args.course_root, args.work)
    except (FileNotFoundError, NotADirectoryError) as exc:
        print(f"work folder: {exc}", file=sys.stderr)
        return 1
    if copied:
        print(f"{args.work}/: {len(copied)} new file(s) copied from {' and '.join(STUDENT_FOLDERS)}/; your files kept.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
