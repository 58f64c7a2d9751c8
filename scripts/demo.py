"""`make demo`: the instructor's whole grading job on the bundled sample class, with the real nbgrader CLI.

Steps (run from the repository root, which is the nbgrader course directory):

1. ``nbgrader generate_assignment LAB --force`` for every lab in source/ (writes release/ and the gradebook);
2. write the sample class into submitted/ (mlcicd.grader.sample_class: complete, partial, blank, broken);
3. ``mlcicd grade LAB`` (the course's grading engine: intake, sandboxed kernels, parallel workers, one gradebook
   writer): the unreadable notebook is rejected with a reason naming the student and the file, everyone else is
   graded; ``reports/LAB/status.csv`` says what happened to each folder;
4. ``nbgrader generate_feedback LAB --force`` and ``nbgrader export`` (grades.csv);
5. print a per-student, per-lab score table.

Running it again is safe: the sample students' folders in submitted/, autograded/ and feedback/ are rebuilt.
With no labs in source/ it says so and stops successfully.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import subprocess
import sys
import time
from pathlib import Path

from mlcicd.grader import sample_class
from mlcicd.grader.nbgrader_cli import nbgrader

REPO_ROOT = Path(__file__).resolve().parents[1]


def _tail(proc: subprocess.CompletedProcess, lines: int = 25) -> str:
    text = (proc.stdout + proc.stderr).strip().splitlines()
    return "\n".join("    " + line for line in text[-lines:])


def _each_lab(root: Path, labs: list[str], command: str, output: str) -> bool:
    """Run ``nbgrader COMMAND LAB --force`` for every lab, printing where each result went; False on a failure."""
    for lab in labs:
        proc = nbgrader(root, command, lab, "--force")
        if proc.returncode != 0:
            print(f"   {lab}: FAILED\n{_tail(proc)}")
            return False
        print(f"   {lab}: " + output.format(lab=lab))
    return True


def _reset_sample_students(root: Path) -> None:
    for folder in ("submitted", "autograded", "feedback"):
        for student in sample_class.SAMPLE_CLASS:
            shutil.rmtree(root / folder / student, ignore_errors=True)


def read_scores(csv_path: Path) -> dict[tuple[str, str], tuple[float, float]]:
    """(student, assignment) -> (score, max_score) from an ``nbgrader export`` CSV."""
    with open(csv_path, newline="", encoding="utf-8") as handle:
        return {
            (row["student_id"], row["assignment"]): (float(row["score"] or 0), float(row["max_score"] or 0))
            for row in csv.DictReader(handle)
        }


def score_table(labs: list[str], scores: dict, refused: dict[tuple[str, str], str], autograded_max: dict) -> str:
    """A plain-text table: one row per student, one column per lab."""
    students = sorted({s for s, _ in scores} | {s for s, _ in refused})
    width = max([len("student")] + [len(s) for s in students]) + 2
    col = max(16, *(len(lab) + 2 for lab in labs))
    lines = ["student".ljust(width) + "".join(lab.ljust(col) for lab in labs)]
    lines.append("-" * len(lines[0]))
    for student in students:
        cells = []
        for lab in labs:
            if (student, lab) in refused:
                cells.append("not graded*".ljust(col))
            elif (student, lab) in scores:
                score, _max_total = scores[(student, lab)]
                cells.append(f"{score:g} / {autograded_max[lab]:g}".ljust(col))
            else:
                cells.append("-".ljust(col))
        lines.append(student.ljust(width) + "".join(cells))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=REPO_ROOT, help="course root (default: the repository)")
    parser.add_argument("labs", nargs="*", help="only these labs (default: every lab in source/)")
    args = parser.parse_args(argv)
    root: Path = args.root.resolve()
    started = time.perf_counter()

    labs = sample_class.discover_labs(root)
    unknown = sorted(set(args.labs) - set(labs))
    if unknown:
        print(f"make demo: no such lab(s) in {root / 'source'}: {', '.join(unknown)}; found: {', '.join(labs) or 'none'}")
        return 2
    labs = args.labs or labs
    if not labs:
        print("make demo: no labs in source/ yet (expected source/<lab>/<lab>.ipynb).")
        print("Nothing was generated, graded or exported. Add a lab, then run `make demo` again.")
        return 0
    print(f"make demo: {len(labs)} lab(s) in source/: {', '.join(labs)}\n")

    step_started = time.perf_counter()

    def done() -> None:
        nonlocal step_started
        print(f"   ({time.perf_counter() - step_started:.0f} s)")
        step_started = time.perf_counter()

    print("1. nbgrader generate_assignment (source/ -> release/)")
    if not _each_lab(root, labs, "generate_assignment", "release/{lab}/{lab}.ipynb"):
        return 1

    done()
    print("\n2. Sample class written to submitted/")
    _reset_sample_students(root)
    written = sample_class.write_sample_class(root, labs)
    for lab, students in written.items():
        print(f"   {lab}: " + ", ".join(f"{s} ({k})" for s, k in students.items()))

    done()
    print("\n3. mlcicd grade (submitted/ -> autograded/, scores into gradebook.db, reports/<lab>/status.csv)")
    from mlcicd.grader import GradeOptions, GradingError, grade

    refused: dict[tuple[str, str], str] = {}
    for lab in labs:
        try:
            # Only the sample students: real students in this folder keep their grades and are not regraded.
            options = GradeOptions(students=sorted(written[lab]), force=True)
            rows = grade(root, lab, options, echo=lambda text: print("   " + text.replace("\n", "\n   ")))
        except GradingError as error:
            print(f"   {lab}: mlcicd grade FAILED: {error}")
            return 1
        refused.update({(row.student, lab): row.reason for row in rows if row.status == "rejected"})

    done()
    print("\n4. nbgrader generate_feedback (autograded/ -> feedback/, hidden tests removed)")
    if not _each_lab(root, labs, "generate_feedback", "feedback/<student>/{lab}/{lab}.html"):
        return 1

    done()
    print("\n5. nbgrader export (gradebook -> grades.csv)")
    proc = nbgrader(root, "export")
    if proc.returncode != 0:
        print(f"   FAILED\n{_tail(proc)}")
        return 1
    scores = read_scores(root / "grades.csv")
    autograded_max = {lab: sample_class.max_autograded(lab, root) for lab in labs}
    print(f"   {root / 'grades.csv'}")
    done()
    print()

    print("Autograded scores (the open question of each lab, 4 points, waits for manual grading in formgrader):\n")
    print(score_table(labs, scores, refused, autograded_max))
    if refused:
        print("\n* not graded: rejected by mlcicd grade (the reason is in step 3 and reports/<lab>/status.csv).")
    print(f"\nDone in {time.perf_counter() - started:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
