"""`mlcicd grade --scheduler`: a real Dask scheduler and two real workers on 127.0.0.1.

Twenty submissions of lab 1 (complete, partial, blank and cheating ones in turn) are graded on the local path and
through the cluster, which must give the same scores; then again with one worker killed midway (every submission
still graded, once); then a submission that kills every worker it runs on ends `rejected` while its classmate is
graded; a scheduler killed midway ends the run with a clear error that keeps what was graded, and a second run
grades the rest; and a scheduler nobody listens on is a clear error before anything is written.
"""

from __future__ import annotations

import csv
import hashlib
import subprocess
import time
from pathlib import Path

import pytest

from mlcicd.grader import sample_class
from support import REPO_ROOT, VENV_BIN, copy_course, course_env, run_nbgrader

pytestmark = [pytest.mark.grading, pytest.mark.cluster]

LAB = "lab1_versioning"
STUDENTS = 20
KINDS = ("complete", "partial", "blank", "cheat", "rebinding")
CELL_TIMEOUT = "20"
WORKER_KILLER = (
    "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)  # the kernel's parent is the grading worker\n"
)


def mlcicd_grade(course: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(VENV_BIN / "mlcicd"), "grade", LAB, "--timeout", CELL_TIMEOUT, *args],
        cwd=course,
        env=course_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def grade_in_background(course: Path, address: str, *, until_rows: int, before: str) -> subprocess.Popen:
    """Start `mlcicd grade --scheduler address` and return once the report holds ``until_rows`` rows."""
    grading = subprocess.Popen(
        [str(VENV_BIN / "mlcicd"), "grade", LAB, "--timeout", CELL_TIMEOUT, "--scheduler", address],
        cwd=course,
        env=course_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 300
    while len(report(course)) < until_rows and grading.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert grading.poll() is None, f"grading ended before {before}: " + grading.stdout.read()
    return grading


def report(course: Path) -> dict[str, dict[str, str]]:
    path = course / "reports" / LAB / "status.csv"
    if not path.is_file():
        return {}
    with open(path, newline="", encoding="utf-8") as handle:
        return {row["student"]: row for row in csv.DictReader(handle)}


def gradebook_scores(course: Path) -> dict[str, dict[str, float]]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return {
            s.student.id: {g.name: g.auto_score for nb in s.notebooks for g in nb.grades}
            for s in gb.assignment_submissions(LAB)
        }


@pytest.fixture(scope="module")
def released(tmp_path_factory) -> Path:
    course = copy_course(tmp_path_factory.mktemp("cluster") / "course")
    run_nbgrader(course, "generate_assignment", LAB, "--force")
    return course


def make_class(released: Path, dest: Path, students: dict[str, str]) -> Path:
    import shutil

    shutil.copytree(released, dest)
    for student, text in students.items():
        sample_class.write_submission(dest, student, LAB, text)
    return dest


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    return {kind: getattr(sample_class, kind)(LAB, REPO_ROOT) for kind in KINDS}


@pytest.fixture(scope="module")
def students(texts) -> dict[str, str]:
    return {f"s{n:02d}": texts[KINDS[n % len(KINDS)]] for n in range(STUDENTS)}


@pytest.fixture(scope="module")
def local_scores(released, students, tmp_path_factory) -> dict:
    course = make_class(released, tmp_path_factory.mktemp("local") / "course", students)
    proc = mlcicd_grade(course, "--jobs", "2")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return gradebook_scores(course)


@pytest.fixture(scope="module")
def cluster():
    from mlcicd.grader.cluster import LocalDaskCluster

    with LocalDaskCluster(workers=2) as running:
        yield running


def test_cluster_gives_the_scores_of_the_local_path(released, students, local_scores, cluster, tmp_path):
    course = make_class(released, tmp_path / "course", students)
    proc = mlcicd_grade(course, "--scheduler", cluster.address)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rows = report(course)
    assert sorted(rows) == sorted(students)
    assert {r["status"] for r in rows.values()} == {"graded"}, rows
    assert {r["sandbox"] for r in rows.values()} == {"bwrap"}
    assert gradebook_scores(course) == local_scores
    # the cheats were caught on the workers as they are here
    assert len({tuple(sorted(s.items())) for s in local_scores.values()}) >= 3


def test_a_killed_worker_loses_no_submission_and_grades_none_twice(released, students, local_scores, tmp_path):
    from mlcicd.grader.cluster import LocalDaskCluster

    course = make_class(released, tmp_path / "course", students)
    with LocalDaskCluster(workers=2) as running:
        grading = grade_in_background(course, running.address, until_rows=3, before="a worker could be killed")
        graded_before_kill = len(report(course))
        running.kill_worker(0)
        output, _ = grading.communicate(timeout=600)
    assert grading.returncode == 0, output
    assert graded_before_kill < STUDENTS
    rows = report(course)
    assert sorted(rows) == sorted(students)
    assert {r["status"] for r in rows.values()} == {"graded"}, rows
    assert gradebook_scores(course) == local_scores
    assert sorted(p.name for p in (course / "autograded").iterdir()) == sorted(students)
    assert f"{STUDENTS} graded, 0 rejected" in output


def test_a_scheduler_lost_midway_keeps_what_was_graded_and_a_second_run_grades_the_rest(
    released, students, local_scores, tmp_path
):
    from mlcicd.grader.cluster import LocalDaskCluster

    few = dict(list(students.items())[:6])
    course = make_class(released, tmp_path / "course", few)
    with LocalDaskCluster(workers=1) as running:
        grading = grade_in_background(course, running.address, until_rows=1, before="the scheduler could be killed")
        running.kill_scheduler()
        output, _ = grading.communicate(timeout=300)
    assert grading.returncode == 2, output
    assert "lost the Dask scheduler" in output and "a second run grades only the rest" in output
    kept = report(course)
    assert 1 <= len(kept) < len(few) and {r["status"] for r in kept.values()} == {"graded"}, kept
    with LocalDaskCluster(workers=2) as running:
        proc = mlcicd_grade(course, "--scheduler", running.address)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert sorted(report(course)) == sorted(few)
    assert gradebook_scores(course) == {student: local_scores[student] for student in few}


def test_a_submission_that_kills_its_workers_is_rejected_not_retried_forever(released, texts, tmp_path):
    from mlcicd.grader.cluster import LocalDaskCluster

    complete = sample_class.complete_nb(LAB, REPO_ROOT)
    setup = next(i for i, c in enumerate(complete.cells) if c.cell_type == "code")
    import nbformat

    complete.cells.insert(setup + 1, nbformat.v4.new_code_cell(WORKER_KILLER))
    course = make_class(
        released, tmp_path / "course", {"killer": nbformat.writes(complete), "classmate": texts["complete"]}
    )
    # The kernel's parent is the worker only without the sandbox: in it, the kernel cannot signal the worker.
    # One worker, restarted by its nanny after each death: the lab's shared data dies with its only holder and
    # must be made again, and the classmate waits for the same worker without being counted against its deaths.
    with LocalDaskCluster(workers=1, scheduler_env={"DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "1"}) as running:
        proc = mlcicd_grade(course, "--scheduler", running.address, "--no-sandbox")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rows = report(course)
    assert rows["killer"]["status"] == "rejected"
    assert "died while grading it" in rows["killer"]["reason"]
    assert rows["classmate"]["status"] == "graded"
    assert float(rows["classmate"]["score"]) == float(rows["classmate"]["max_score"]) > 0
    assert "killer" not in gradebook_scores(course)


def test_an_unreachable_scheduler_is_a_clear_error_before_anything_is_written(released, texts, tmp_path):
    from mlcicd.grader.cluster import _free_port

    course = make_class(released, tmp_path / "course", {"s00": texts["complete"]})
    before = hashlib.sha256((course / "gradebook.db").read_bytes()).hexdigest()
    proc = mlcicd_grade(course, "--scheduler", f"tcp://127.0.0.1:{_free_port()}")
    assert proc.returncode == 2
    assert "cannot reach the Dask scheduler" in proc.stderr and "dask scheduler" in proc.stderr
    assert not (course / "reports").exists() and not (course / "autograded" / "s00").exists()
    assert hashlib.sha256((course / "gradebook.db").read_bytes()).hexdigest() == before
