"""Write the student edition of the course: a public git repository without solutions, hidden tests or graders.

Usage (from the repository root):
    python scripts/student_edition.py DEST [--binder-repo OWNER/NAME]
    make student-edition DEST=~/mlcicd-student [BINDER_REPO=OWNER/NAME]

DEST must not exist or be an empty folder. Push the result to the public repository Binder builds from; the
README's badge points at --binder-repo. See mlcicd.edition for what goes in and how leaks are checked.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mlcicd.edition import StudentEditionError, build_student_edition

COURSE_ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest", type=Path, help="a new or empty folder for the student repository")
    parser.add_argument("--binder-repo", help="the student repository's GitHub owner/name, for the Binder badge")
    args = parser.parse_args(argv)
    try:
        dest = build_student_edition(COURSE_ROOT, args.dest, args.binder_repo)
    except StudentEditionError as exc:
        print(f"student-edition: {exc}", file=sys.stderr)
        return 1
    print(f"Student edition written to {dest} (one commit on branch main). Push it to the public repository:")
    print(f"  git -C {dest} remote add origin git@github.com:{args.binder_repo or 'OWNER/STUDENT-REPO'}.git")
    print(f"  git -C {dest} push -u origin main")
    return 0


if __name__ == "__main__":
    sys.exit(main())
