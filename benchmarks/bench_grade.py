"""Grading a class: plain sequential `nbgrader autograde` against `mlcicd grade --jobs N`, on the same machine.

Builds a throw-away course with ``--students`` synthetic students (complete, partial, blank and cheating
submissions in turn, from mlcicd.grader.sample_class) in each of ``--labs``, then grades identical copies of it:

* ``nbgrader``: ``nbgrader autograde LAB --force`` once per lab, one submission after another (the kernel is
  sandboxed too, through nbgrader_config.py, so both ways run the same executor);
* ``mlcicd``: ``mlcicd grade LAB --jobs N --force`` once per lab;

checks that both gave every student the same grades, and prints the wall times and their ratio. It then grades
``--sandbox-sample`` submissions of the first lab with ``mlcicd grade --jobs 1`` with and without ``--no-sandbox``
and prints the sandbox's cost per notebook. Last, ``--throughput-sample`` submissions of the first lab are graded
with ``--jobs 1``, ``--jobs 2`` and through a local Dask cluster of two single-threaded workers (real ``dask
scheduler`` / ``dask worker`` processes on 127.0.0.1), printing submissions per minute for each and checking that
all three give the same grades. Usage (from the repo root, venv python, bubblewrap installed):

    python benchmarks/bench_grade.py [--students 40] [--labs lab1_versioning lab3_monitoring] [--jobs 2]
                                     [--sandbox-sample 12] [--throughput-sample 24]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mlcicd.grader import sample_class
from mlcicd.grader.nbgrader_cli import VENV_BIN, nbgrader_env

REPO_ROOT = Path(__file__).resolve().parents[1]

KINDS = ("complete", "partial", "blank", "cheat")


def _run(root: Path, *command: str) -> float:
    start = time.perf_counter()
    proc = subprocess.run(command, cwd=root, env=nbgrader_env(), capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return elapsed


def build_course(root: Path, labs: list[str], students: int) -> None:
    shutil.copy2(REPO_ROOT / "nbgrader_config.py", root)
    for folder in ("source", "release"):
        shutil.copytree(REPO_ROOT / folder, root / folder)
    for lab in labs:
        _run(root, str(VENV_BIN / "nbgrader"), "generate_assignment", lab, "--force")
        texts = {kind: getattr(sample_class, kind)(lab, REPO_ROOT) for kind in KINDS}
        for number in range(students):
            sample_class.write_submission(root, f"s{number:03d}", lab, texts[KINDS[number % len(KINDS)]])


def grades(root: Path, labs: list[str]) -> dict:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        return {
            (lab, s.student.id): {g.name: g.auto_score for nb in s.notebooks for g in nb.grades}
            for lab in labs
            for s in gb.assignment_submissions(lab)
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=40, help="students per lab (default 40)")
    parser.add_argument("--labs", nargs="+", default=["lab1_versioning", "lab3_monitoring"])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="mlcicd grade --jobs (default: cores)")
    parser.add_argument("--sandbox-sample", type=int, default=12, help="submissions timed with and without sandbox")
    parser.add_argument(
        "--throughput-sample",
        type=int,
        default=24,
        help="submissions of the first lab timed with 1 and 2 jobs and on a 2-worker Dask cluster (0: skip)",
    )
    args = parser.parse_args(argv)
    mlcicd = str(VENV_BIN / "mlcicd")
    with tempfile.TemporaryDirectory(prefix="bench-grade-") as tmp:
        base = Path(tmp) / "course"
        base.mkdir()
        build_course(base, args.labs, args.students)
        plain, engine = Path(tmp) / "plain", Path(tmp) / "engine"
        shutil.copytree(base, plain)
        shutil.copytree(base, engine)
        notebooks = args.students * len(args.labs)
        print(
            f"{args.students} students x {len(args.labs)} labs ({', '.join(args.labs)}) = {notebooks} notebooks, "
            f"{os.cpu_count()} cores"
        )

        t_plain = sum(_run(plain, str(VENV_BIN / "nbgrader"), "autograde", lab, "--force") for lab in args.labs)
        print(f"nbgrader autograde (sequential):  {t_plain:7.1f} s  ({t_plain / notebooks:.2f} s per notebook)")
        t_engine = sum(_run(engine, mlcicd, "grade", lab, "--jobs", str(args.jobs), "--force") for lab in args.labs)
        print(
            f"mlcicd grade --jobs {args.jobs}:            {t_engine:7.1f} s  ({t_engine / notebooks:.2f} s per notebook)"
        )
        same = grades(plain, args.labs) == grades(engine, args.labs)
        print(f"speed-up: {t_plain / t_engine:.2f}x; identical grades for every student: {same}")

        sample = [f"s{n:03d}" for n in range(min(args.sandbox_sample, args.students))]
        lab = args.labs[0]
        timed = {}
        for mode, extra in (("sandbox", []), ("no sandbox", ["--no-sandbox"])):
            timed[mode] = _run(engine, mlcicd, "grade", lab, "--jobs", "1", "--force", "--student", *sample, *extra)
        cost = (timed["sandbox"] - timed["no sandbox"]) / len(sample)
        print(
            f"sandbox cost, {len(sample)} notebooks of {lab} with --jobs 1: {timed['sandbox']:.1f} s with, "
            f"{timed['no sandbox']:.1f} s without: {cost:+.2f} s per notebook "
            f"({timed['sandbox'] / timed['no sandbox']:.2f}x)"
        )
        if args.throughput_sample:
            same = throughput(engine, args.labs[0], min(args.throughput_sample, args.students), mlcicd) and same
    return 0 if same else 1


def throughput(course: Path, lab: str, count: int, mlcicd: str) -> bool:
    """Submissions per minute of ``lab`` with 1 and 2 local jobs and on a local 2-worker Dask cluster."""
    from mlcicd.grader.cluster import LocalDaskCluster

    sample = [f"s{n:03d}" for n in range(count)]
    ways = {"--jobs 1": ["--jobs", "1"], "--jobs 2": ["--jobs", "2"]}
    timed, scores = {}, {}
    for name, extra in ways.items():
        timed[name] = _run(course, mlcicd, "grade", lab, "--force", "--student", *sample, *extra)
        scores[name] = grades(course, [lab])
    with LocalDaskCluster(workers=2) as cluster:
        name = "Dask, 2 workers"
        timed[name] = _run(
            course, mlcicd, "grade", lab, "--force", "--student", *sample, "--scheduler", cluster.address
        )
        scores[name] = grades(course, [lab])
    for name, seconds in timed.items():
        print(
            f"throughput, {count} submissions of {lab}, {name:16s} {seconds:6.1f} s  "
            f"{60 * count / seconds:5.1f} submissions per minute ({seconds / count:.2f} s each)"
        )
    same = all(s == scores["--jobs 1"] for s in scores.values())
    print(f"identical grades on every path: {same}")
    return same


if __name__ == "__main__":
    sys.exit(main())
