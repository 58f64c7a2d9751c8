"""The ``mlcicd`` command line: ``mlcicd grade LAB`` grades a lab's submissions from the course folder;
``mlcicd check NOTEBOOK`` is a student's check before submitting (:mod:`mlcicd.grader.check`)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from mlcicd.grader.engine import GradeOptions, grade
from mlcicd.grader.errors import GradingError

__all__ = ["main"]


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mlcicd", description="Tools for the CI/CD for ML course.")
    commands = parser.add_subparsers(dest="command", required=True)
    grade_cmd = commands.add_parser(
        "grade",
        help="autograde a lab's submissions: sandboxed, in parallel, with a status report",
        description="Grade every submitted/<student>/LAB/ folder with nbgrader, each student's kernel in a sandbox; "
        "write the scores to the gradebook and reports/LAB/status.csv. Run it from the course folder.",
    )
    grade_cmd.add_argument("lab", metavar="LAB", help="the assignment, e.g. lab1_versioning")
    grade_cmd.add_argument("--student", nargs="+", default=[], metavar="ID", help="grade only these students")
    grade_cmd.add_argument(
        "--jobs",
        type=_positive,
        default=os.cpu_count() or 1,
        help="submissions graded at once (default: the number of cores)",
    )
    grade_cmd.add_argument(
        "--timeout",
        type=_positive,
        default=None,
        metavar="SECONDS",
        help="time limit per cell (default: ExecutePreprocessor.timeout of nbgrader_config.py)",
    )
    grade_cmd.add_argument(
        "--notebook-timeout",
        type=_positive,
        default=900,
        metavar="SECONDS",
        help="time limit per notebook (default: 900)",
    )
    grade_cmd.add_argument(
        "--memory",
        type=_positive,
        default=4096,
        metavar="MB",
        help="memory cap of a student's kernel (address space, default: 4096)",
    )
    grade_cmd.add_argument(
        "--no-sandbox", action="store_true", help="run student code without bubblewrap (only for submissions you trust)"
    )
    grade_cmd.add_argument("--force", action="store_true", help="regrade submissions that did not change")
    grade_cmd.add_argument(
        "--scheduler",
        metavar="tcp://HOST:PORT",
        default=None,
        help="grade on this Dask distributed cluster instead of local processes (--jobs is then "
        "ignored); this machine keeps the gradebook and writes every result",
    )
    grade_cmd.add_argument(
        "--db",
        metavar="URL",
        default=None,
        help="the gradebook's SQLAlchemy URL, e.g. postgresql://USER@HOST/DB "
        "(default: CourseDirectory.db_url of nbgrader_config.py, else gradebook.db)",
    )
    grade_cmd.add_argument("--root", type=Path, default=Path.cwd(), help="the course folder (default: here)")
    check_cmd = commands.add_parser(
        "check",
        help="students: run a copy of your lab notebook and count the visible checks that pass",
        description="Run a copy of a lab notebook (yours is never changed) and say how many visible checks pass "
        "and how many of the lab's autograded points they cover. Hidden tests run only at grading.",
    )
    check_cmd.add_argument(
        "notebook", type=Path, metavar="NOTEBOOK", help="e.g. release/lab1_versioning/lab1_versioning.ipynb"
    )
    check_cmd.add_argument(
        "--timeout", type=_positive, default=120, metavar="SECONDS", help="time limit per cell (default: 120)"
    )
    return parser


def _check(args) -> int:
    from mlcicd.grader.check import CheckError, check_notebook, format_result

    try:
        result = check_notebook(args.notebook, timeout=args.timeout)
    except CheckError as error:
        print(f"mlcicd check: {error}", file=sys.stderr)
        return 2
    print(format_result(result))
    return 0 if len(result.passed) == len(result.checks) else 1


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "check":
        return _check(args)
    options = GradeOptions(
        students=args.student,
        jobs=args.jobs,
        timeout=args.timeout,
        notebook_timeout=args.notebook_timeout,
        memory_mb=args.memory,
        sandbox=not args.no_sandbox,
        force=args.force,
        db_url=args.db,
        scheduler=args.scheduler,
    )
    try:
        grade(args.root, args.lab, options)
    except GradingError as error:
        print(f"mlcicd grade: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
