"""`make demo`: the instructor's whole grading job on the bundled sample class, with the real nbgrader CLI.

It never touches your students: by default it works in a fresh copy of the course (``demo-output/``, rebuilt on
every run; ``--out DIR`` for another folder), which holds only the config, the labs and the lab specs.
``--in-place`` runs in the course folder itself, and refuses (changing nothing) when submitted/ or the gradebook
hold a student who is not a sample student, unless ``--force``; even then only the sample students are graded.

Steps (in that copy, or with ``--in-place`` in the course folder):

1. ``nbgrader generate_assignment LAB --force`` for every lab in source/ (writes release/ and the gradebook);
2. write the sample class into submitted/ (mlcicd.grader.sample_class: complete, partial, blank, broken);
3. ``mlcicd grade LAB`` (the course's grading engine: intake, sandboxed kernels, parallel workers, one gradebook
   writer): the unreadable notebook is rejected with a reason naming the student and the file, everyone else is
   graded; ``reports/LAB/status.csv`` says what happened to each folder;
4. ``nbgrader generate_feedback LAB --force`` and ``nbgrader export`` (grades.csv);
5. print a score table (one row per student and lab: autograded, hand-graded, total, %; then totals).

Running it again is safe: the copy (or, in place, the sample students' folders) is rebuilt.
With no labs in source/ it says so and stops successfully.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

from mlcicd.grader import sample_class
from mlcicd.grader.nbgrader_cli import nbgrader

REPO_ROOT = Path(__file__).resolve().parents[1]
#: What the demo's copy of the course holds: the config, the labs and their specs (no student, no gradebook).
COPIED = ("nbgrader_config.py", "source", "release", "tests/lab_specs")
#: The file that marks a folder as the demo's own copy, safe to delete and rebuild.
MARKER = ".mlcicd-demo"


def _tail(proc: subprocess.CompletedProcess, lines: int = 25) -> str:
    text = (proc.stdout + proc.stderr).strip().splitlines()
    return "\n".join("    " + line for line in text[-lines:])


def _each_lab(root: Path, labs: list[str], command: str, output: str, *extra: str) -> bool:
    """Run ``nbgrader COMMAND LAB --force`` for every lab, printing where each result went; False on a failure."""
    for lab in labs:
        proc = nbgrader(root, command, lab, "--force", *extra)
        if proc.returncode != 0:
            print(f"   {lab}: FAILED\n{_tail(proc)}")
            return False
        print(f"   {lab}: " + output.format(lab=lab))
    return True


def _reset_sample_students(root: Path) -> None:
    for folder in ("submitted", "autograded", "feedback"):
        for student in sample_class.SAMPLE_CLASS:
            shutil.rmtree(root / folder / student, ignore_errors=True)


def real_students(root: Path) -> list[str]:
    """Students in ``root``'s submitted/ or gradebook who are not sample students (the instructor's class)."""
    from mlcicd.grader.scores import gradebook_students

    found = {p.name for p in (root / "submitted").iterdir() if p.is_dir()} if (root / "submitted").is_dir() else set()
    if (root / "gradebook.db").is_file():
        found |= set(gradebook_students(f"sqlite:///{root / 'gradebook.db'}"))
    return sorted(found - set(sample_class.SAMPLE_CLASS))


def make_copy(root: Path, out: Path) -> str | None:
    """A fresh copy of the course at ``root`` in ``out`` (only what the demo reads); an error message, or None."""
    if out.exists() and any(out.iterdir()) and not (out / MARKER).is_file():
        return (
            f"make demo: {out} exists and was not made by make demo; it was left alone. "
            "Give another folder with --out, or remove that one."
        )
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    (out / MARKER).write_text("Made by `make demo` (scripts/demo.py); it is rebuilt on every run.\n", encoding="utf-8")
    for part in COPIED:
        src = root / part
        if src.is_dir():
            shutil.copytree(src, out / part, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        elif src.is_file():
            shutil.copy2(src, out / part)
    return None


def in_place_changes(labs: list[str]) -> str:
    """What ``--in-place`` changes in the course folder."""
    samples = ", ".join(sample_class.SAMPLE_CLASS)
    return (
        f"In place, make demo changes this course folder: release/<lab>/ regenerated for {', '.join(labs)}; "
        f"submitted/, autograded/ and feedback/ of the sample students ({samples}) replaced and graded again; "
        "those students added to gradebook.db and grades.csv; reports/<lab>/status.csv and the sample students' "
        "feedback/<student>/<lab>/ rewritten. Other students' submissions and grades are not regraded."
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=REPO_ROOT, help="course root (default: the repository)")
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="where the copy of the course is built (default: ROOT/demo-output, rebuilt every run)",
    )
    parser.add_argument(
        "--in-place",
        action="store_true",
        help="run in the course folder itself instead of a copy (refused if it has real students)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="with --in-place: run even though the course folder has students of its own",
    )
    parser.add_argument("labs", nargs="*", help="only these labs (default: every lab in source/)")
    args = parser.parse_args(argv)
    root: Path = args.root.resolve()
    started = time.perf_counter()

    labs = sample_class.discover_labs(root)
    unknown = sorted(set(args.labs) - set(labs))
    if unknown:
        print(
            f"make demo: no such lab(s) in {root / 'source'}: {', '.join(unknown)}; found: {', '.join(labs) or 'none'}"
        )
        return 2
    labs = args.labs or labs
    if not labs:
        print("make demo: no labs in source/ yet (expected source/<lab>/<lab>.ipynb).")
        print("Nothing was generated, graded or exported. Add a lab, then run `make demo` again.")
        return 0
    if args.force and not args.in_place:
        print("make demo: --force only applies with --in-place (the default copy never holds real students).")
        return 2

    exclude: list[str] = []
    if args.in_place:
        course = root
        exclude = real_students(root)
        print(in_place_changes(labs))
        if exclude and not args.force:
            print(
                f"\nmake demo --in-place: REFUSED. {root} holds {len(exclude)} student(s) who are not sample "
                f"students: {', '.join(exclude[:10])}{' ...' if len(exclude) > 10 else ''}. Nothing was changed. "
                "Run `make demo` without --in-place (it works in a copy), or add --force to go ahead anyway."
            )
            return 3
    else:
        course = (args.out or root / "demo-output").resolve()
        problem = make_copy(root, course)
        if problem:
            print(problem)
            return 2
        print(f"make demo works in a fresh copy of the course: {course}")
        print(f"(the course folder {root} is not changed; --in-place runs there instead)")
    print(f"\nmake demo: {len(labs)} lab(s) in source/: {', '.join(labs)}\n")

    step_started = time.perf_counter()

    def done() -> None:
        nonlocal step_started
        print(f"   ({time.perf_counter() - step_started:.0f} s)")
        step_started = time.perf_counter()

    print("1. nbgrader generate_assignment (source/ -> release/)")
    if not _each_lab(course, labs, "generate_assignment", "release/{lab}/{lab}.ipynb"):
        return 1

    done()
    print("\n2. Sample class written to submitted/")
    _reset_sample_students(course)
    written = sample_class.write_sample_class(course, labs)
    for lab, students in written.items():
        print(f"   {lab}: " + ", ".join(f"{s} ({k})" for s, k in students.items()))

    done()
    print("\n3. mlcicd grade (submitted/ -> autograded/, scores into gradebook.db, reports/<lab>/status.csv)")
    from mlcicd.grader import GradeOptions, GradingError, grade
    from mlcicd.grader.scores import LabScore, read_scores, score_table

    refused: dict[tuple[str, str], str] = {}
    for lab in labs:
        try:
            # Only the sample students: real students in this folder keep their grades and are not regraded.
            options = GradeOptions(students=sorted(written[lab]), force=True)
            rows = grade(course, lab, options, echo=lambda text: print("   " + text.replace("\n", "\n   ")))
        except GradingError as error:
            print(f"   {lab}: mlcicd grade FAILED: {error}")
            return 1
        refused.update({(row.student, lab): row.reason for row in rows if row.status == "rejected"})

    done()
    print("\n4. nbgrader generate_feedback (autograded/ -> feedback/, hidden tests removed)")
    extra = (f"--CourseDirectory.student_id_exclude={','.join(exclude)}",) if exclude else ()
    if not _each_lab(course, labs, "generate_feedback", "feedback/<student>/{lab}/{lab}.html", *extra):
        return 1

    done()
    print("\n5. nbgrader export (gradebook -> grades.csv)")
    proc = nbgrader(course, "export")
    if proc.returncode != 0:
        print(f"   FAILED\n{_tail(proc)}")
        return 1
    print(f"   {course / 'grades.csv'}")
    done()

    scores = [s for s in read_scores(course, labs) if s.student in sample_class.SAMPLE_CLASS]
    scores += [LabScore(student, lab, rejected=reason) for (student, lab), reason in refused.items()]
    print("\nScores of the sample class (hand-graded: the open questions, in the formgrader):\n")
    print(score_table(scores))
    print("\nawaiting: not graded by hand yet; counts 0 in total and % until it is graded.")
    print("3+?: 3 hand-graded points so far, more answers awaiting.")
    if refused:
        print("* rejected by mlcicd grade: reason in step 3 and in reports/<lab>/status.csv.")
    print(f"\ngrades.csv:    {course / 'grades.csv'}")
    print(f"feedback:      {course / 'feedback'}/<student>/<lab>/<lab>.html")
    print(f"grade reports: {course / 'reports'}/<lab>/status.csv")
    print(f"\nDone in {time.perf_counter() - started:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
