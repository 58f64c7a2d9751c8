"""The grading engine behind ``mlcicd grade``: intake, parallel sandboxed autograding, one gradebook writer, report.

For each ``submitted/<student>/<lab>/`` folder:

1. intake (:mod:`mlcicd.grader.intake`) accepts and repairs it, or rejects it with a reason;
2. unless ``force``, a folder whose submission, source, environment and engine hashes equal those of its last
   graded row in ``reports/<lab>/status.csv`` is skipped (its row is kept);
3. a worker process (nbgrader imported once per worker) grades it with nbgrader's own ``Autograde`` converter in a
   scratch course of its own: a copy of ``source/<lab>/``, the repaired notebooks and a copy of the gradebook.
   The kernel runs in the sandbox and cannot see the course folder, the scratch folders or the gradebook;
4. the parent process, the only writer, copies the scores into the course gradebook (through nbgrader's
   ``Gradebook`` API, leaving hand-entered grades alone) and the graded notebooks into ``autograded/``.

Every folder ends with one row in the report: ``graded`` or ``rejected``, with the reason and the provenance.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.metadata
import logging
import os
import shutil
import sqlite3
import sys
import tempfile
import time
import warnings
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from multiprocessing import get_context
from pathlib import Path

import nbformat

from mlcicd.grader.errors import CourseError, SandboxUnavailableError
from mlcicd.grader.intake import ReleasedLab, check_submission

__all__ = ["GradeOptions", "Row", "grade", "REPORT_COLUMNS"]

REPORT_COLUMNS = ["student", "status", "reason", "score", "max_score", "seconds", "sandbox",
                  "submission_sha256", "source_sha256", "environment_sha256", "engine_version"]
PROVENANCE = REPORT_COLUMNS[-4:]
AUTOGRADE_PREPROCESSORS = [
    "mlcicd.grader.execute.GuardedExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "mlcicd.grader.execute.ContainOutputs",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]


@dataclass
class GradeOptions:
    """How to grade; the defaults are those of ``mlcicd grade``."""

    students: list[str] = field(default_factory=list)
    jobs: int = os.cpu_count() or 1
    timeout: int | None = None  # per cell; None: the course config's, else 120 s
    notebook_timeout: int = 900
    memory_mb: int = 4096
    sandbox: bool = True
    force: bool = False


@dataclass
class Row:
    """One line of ``reports/<lab>/status.csv``."""

    student: str
    status: str
    reason: str = ""
    score: float | str = ""
    max_score: float | str = ""
    seconds: float | str = ""
    sandbox: str = ""
    submission_sha256: str = ""
    source_sha256: str = ""
    environment_sha256: str = ""
    engine_version: str = ""

    @property
    def timed_out(self) -> bool:
        return self.status == "graded" and ("time limit" in self.reason or "ran past" in self.reason)


def _sha256_files(paths: list[Path], base: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.relative_to(base).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def environment_sha256() -> str:
    """A hash of the Python version and every installed distribution's name and version."""
    names = sorted(f"{d.metadata['Name']}=={d.version}".lower() for d in importlib.metadata.distributions())
    return hashlib.sha256("\n".join([sys.version, *names]).encode()).hexdigest()


def engine_version() -> str:
    """The package version plus a hash of the engine's own source, so an edited engine counts as a new one."""
    import mlcicd

    here = Path(__file__).resolve().parent
    files = [*here.glob("*.py"), Path(mlcicd.__file__).resolve().parent / "grading.py"]
    return f"{mlcicd.__version__}+{_sha256_files(files, here.parent)[:12]}"


def _course_config(root: Path):
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    path = root / "nbgrader_config.py"
    return PyFileConfigLoader(path.name, path=str(root)).load_config() if path.is_file() else Config()


def _worker_init() -> None:
    # Imported once per worker process, not once per submission.
    import nbgrader.converters  # noqa: F401
    import mlcicd.grader.execute  # noqa: F401

    logging.getLogger("traitlets").setLevel(logging.ERROR)
    _quiet_sqlalchemy()


def _quiet_sqlalchemy() -> None:
    # nbgrader's own Gradebook API triggers SQLAlchemy autoflush warnings when it creates a submission.
    from sqlalchemy.exc import SAWarning

    warnings.filterwarnings("ignore", category=SAWarning)


def _grade_in_scratch(task: dict) -> dict:
    """Worker: grade one student's repaired notebooks in a scratch course; return the scores and what happened."""
    from nbgrader.api import Gradebook
    from nbgrader.converters import Autograde
    from nbgrader.coursedir import CourseDirectory

    from mlcicd.grader.execute import take_events

    started = time.perf_counter()
    root, lab, student = Path(task["scratch"]), task["lab"], task["student"]
    shutil.copytree(Path(task["course"]) / "source" / lab, root / "source" / lab,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    folder = root / "submitted" / student / lab
    folder.mkdir(parents=True)
    for name, text in task["notebooks"].items():
        (folder / name).write_text(text, encoding="utf-8")
    if task["timestamp"] is not None:
        (folder / "timestamp.txt").write_text(task["timestamp"], encoding="utf-8")
    shutil.copy2(task["template_db"], root / "gradebook.db")

    config = _course_config(Path(task["course"]))
    config.CourseDirectory.root = str(root)
    config.CourseDirectory.db_url = f"sqlite:///{root / 'gradebook.db'}"
    config.Autograde.autograde_preprocessors = AUTOGRADE_PREPROCESSORS
    config.GuardedExecute.sandbox = task["sandbox"]
    config.GuardedExecute.timeout = task["timeout"]
    config.GuardedExecute.notebook_timeout = task["notebook_timeout"]
    config.SandboxedKernelManager.memory_mb = task["memory_mb"]
    config.SandboxedKernelManager.hidden_paths = [task["course"], task["scratch_root"]]
    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id, coursedir.student_id = lab, student
    app = Autograde(coursedir=coursedir, config=config)
    app.force = True
    messages: list[str] = []
    handler = logging.Handler(level=logging.ERROR)
    handler.emit = lambda record: messages.append(record.getMessage())
    app.log.addHandler(handler)
    take_events()
    try:
        app.start()
    except Exception as error:  # nbgrader raises NbGraderException, preprocessors anything
        detail = "; ".join(m.strip().splitlines()[-1] for m in messages if m.strip()) or f"{type(error).__name__}: {error}"
        return {"error": detail, "events": take_events(), "seconds": time.perf_counter() - started}
    finally:
        app.log.removeHandler(handler)
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        submission = gb.find_submission(lab, student)
        result = {
            "score": float(submission.code_score),
            "max_score": float(submission.max_code_score),
            "timestamp": submission.timestamp,
            "grades": [(nb.name, g.name, g.auto_score, g.needs_manual_grade)
                       for nb in submission.notebooks for g in nb.grades],
            "comments": [(nb.name, c.name, c.auto_comment) for nb in submission.notebooks for c in nb.comments],
            "penalties": [(nb.name, nb.late_submission_penalty) for nb in submission.notebooks],
        }
    result.update(events=take_events(), seconds=time.perf_counter() - started,
                  autograded=str(root / "autograded" / student / lab))
    return result


class _Course:
    """The instructor's course folder: paths, its gradebook (written only here) and the report."""

    def __init__(self, root: Path, lab: str):
        from nbgrader.coursedir import CourseDirectory

        self.root, self.lab = root, lab
        self.config = _course_config(root)
        coursedir = CourseDirectory(config=self.config, root=str(root))
        self.db_url = coursedir.db_url
        self.report = root / "reports" / lab / "status.csv"
        if not (root / "source" / lab).is_dir():
            labs = sorted(p.name for p in (root / "source").glob("*") if p.is_dir()) if (root / "source").is_dir() else []
            raise CourseError(f"no lab {lab!r} in {root / 'source'}; labs found: {', '.join(labs) or 'none'}")
        from nbgrader.api import Gradebook, MissingEntry

        with Gradebook(self.db_url) as gb:
            try:
                gb.find_assignment(lab)
            except MissingEntry:
                raise CourseError(f"{lab} is not in the gradebook yet: run `nbgrader generate_assignment {lab}` "
                                  "from the course folder first") from None

    def previous_rows(self) -> dict[str, Row]:
        if not self.report.is_file():
            return {}
        with open(self.report, newline="", encoding="utf-8") as handle:
            return {r["student"]: Row(**{k: r.get(k, "") for k in REPORT_COLUMNS}) for r in csv.DictReader(handle)}

    def snapshot_gradebook(self, dest: Path) -> Path:
        if not self.db_url.startswith("sqlite:///"):
            raise CourseError(f"mlcicd grade works with a SQLite gradebook; got {self.db_url}")
        source = sqlite3.connect(self.db_url.removeprefix("sqlite:///"))
        target = sqlite3.connect(dest)
        with target:
            source.backup(target)
        source.close()
        target.close()
        return dest

    def merge(self, student: str, result: dict) -> None:
        """Write one student's autograded scores into the course gradebook and notebooks into autograded/."""
        from nbgrader.api import Gradebook

        _quiet_sqlalchemy()
        with Gradebook(self.db_url) as gb:
            gb.update_or_create_student(student)
            gb.update_or_create_submission(self.lab, student, timestamp=result["timestamp"])
            for notebook, name, score, needs_manual in result["grades"]:
                grade = gb.find_grade(name, notebook, self.lab, student)
                grade.auto_score, grade.needs_manual_grade = score, needs_manual
            for notebook, name, text in result["comments"]:
                gb.find_comment(name, notebook, self.lab, student).auto_comment = text
            for notebook, penalty in result["penalties"]:
                gb.find_submission_notebook(notebook, self.lab, student).late_submission_penalty = penalty
            gb.db.commit()
        dest = self.root / "autograded" / student / self.lab
        shutil.rmtree(dest, ignore_errors=True)
        shutil.copytree(result["autograded"], dest)

    def write_report(self, rows: list[Row]) -> None:
        self.report.parent.mkdir(parents=True, exist_ok=True)
        partial = self.report.with_suffix(".csv.partial")
        with open(partial, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=REPORT_COLUMNS)
            writer.writeheader()
            for row in sorted(rows, key=lambda r: r.student):
                writer.writerow(asdict(row))
        partial.replace(self.report)


def _progress(total: int):
    from tqdm import tqdm

    return tqdm(total=total, unit="submission", file=sys.stderr, disable=not sys.stderr.isatty(), leave=False)


def grade(root: Path, lab: str, options: GradeOptions | None = None, echo=print) -> list[Row]:
    """Grade every submission folder of ``lab`` in the course at ``root``; return the report's rows."""
    from mlcicd.grader.sandbox import sandbox_problem

    options = options or GradeOptions()
    root = Path(root).resolve()
    course = _Course(root, lab)
    if options.sandbox:
        problem = sandbox_problem()
        if problem:
            raise SandboxUnavailableError(problem)
    released = ReleasedLab.load(root, lab)
    submitted = root / "submitted"
    folders = sorted(p for p in submitted.glob(f"*/{lab}") if p.is_dir()) if submitted.is_dir() else []
    if options.students:
        unknown = sorted(set(options.students) - {f.parent.name for f in folders})
        if unknown:
            raise CourseError(f"no submission folder submitted/<student>/{lab}/ for: {', '.join(unknown)}")
        folders = [f for f in folders if f.parent.name in options.students]
    timeout = options.timeout or course.config.get("ExecutePreprocessor", {}).get("timeout", 120)
    sandbox = "bwrap" if options.sandbox else "off"
    provenance = {
        "source_sha256": _sha256_files(sorted((root / "source" / lab).rglob("*.ipynb")), root),
        "environment_sha256": environment_sha256(),
        "engine_version": engine_version(),
    }
    previous = course.previous_rows() if course.report.is_file() else {}
    if course.report.is_file() and options.students:
        rows = {s: r for s, r in previous.items() if s not in options.students}
    else:
        rows = {}
    scratch_root = Path(tempfile.mkdtemp(prefix="mlcicd-grade-"))
    try:
        template_db = course.snapshot_gradebook(scratch_root / "template.db")
        tasks = []
        skipped = 0
        for folder in folders:
            student = folder.parent.name
            files = [p for p in folder.rglob("*") if p.is_file()]
            stamp = {"submission_sha256": _sha256_files(files, folder), **provenance}
            before = previous.get(student)
            if (not options.force and before and before.status == "graded"
                    and all(getattr(before, k) == v for k, v in stamp.items())):
                rows[student] = before
                skipped += 1
                continue
            intake = check_submission(folder, released, student)
            if not intake.accepted:
                rows[student] = Row(student, "rejected", intake.rejection, sandbox=sandbox, **stamp)
                continue
            timestamp = folder / "timestamp.txt"
            tasks.append(({
                "course": str(root), "lab": lab, "student": student, "scratch_root": str(scratch_root),
                "scratch": str(scratch_root / student), "template_db": str(template_db),
                "notebooks": {name: nbformat.writes(nb) for name, nb in intake.notebooks.items()},
                "timestamp": timestamp.read_text(encoding="utf-8") if timestamp.is_file() else None,
                "sandbox": options.sandbox, "timeout": int(timeout), "notebook_timeout": options.notebook_timeout,
                "memory_mb": options.memory_mb,
            }, intake, stamp))
        if tasks:
            jobs = max(1, min(options.jobs, len(tasks)))
            with ProcessPoolExecutor(jobs, mp_context=get_context("spawn"), initializer=_worker_init) as pool, \
                    _progress(len(tasks)) as bar:
                futures = {pool.submit(_grade_in_scratch, task): (task, intake, stamp) for task, intake, stamp in tasks}
                for future in as_completed(futures):
                    task, intake, stamp = futures[future]
                    student = task["student"]
                    try:
                        result = future.result()
                    except Exception as error:  # a worker that died: this submission only
                        result = {"error": f"the grading worker failed ({type(error).__name__}: {error})",
                                  "events": [], "seconds": 0.0}
                    notes = "; ".join([*intake.repairs, *result["events"]])
                    if "error" in result:
                        reason = f"submitted/{student}/{lab}: nbgrader could not grade it ({result['error']})"
                        rows[student] = Row(student, "rejected", "; ".join(filter(None, [reason, notes])),
                                            seconds=round(result["seconds"], 2), sandbox=sandbox, **stamp)
                    else:
                        course.merge(student, result)
                        rows[student] = Row(student, "graded", notes, result["score"], result["max_score"],
                                            round(result["seconds"], 2), sandbox, **stamp)
                    course.write_report(list(rows.values()))
                    bar.update()
    finally:
        shutil.rmtree(scratch_root, ignore_errors=True)
    result_rows = sorted(rows.values(), key=lambda r: r.student)
    course.write_report(result_rows)
    echo(_summary(lab, result_rows, skipped, options.sandbox, course.report.relative_to(root)))
    return result_rows


def _summary(lab: str, rows: list[Row], skipped: int, sandbox: bool, report: Path) -> str:
    graded = [r for r in rows if r.status == "graded"]
    rejected = [r for r in rows if r.status == "rejected"]
    lines = [f"{lab}: {len(graded)} graded, {len(rejected)} rejected, "
             f"{sum(r.timed_out for r in graded)} timed out, {skipped} unchanged and not regraded"]
    if graded:
        mean = sum(float(r.score) for r in graded) / len(graded)
        lines.append(f"mean autograded score {mean:.2f} / {float(graded[0].max_score):g}")
    for row in rejected:
        lines.append(f"  rejected {row.student}: {row.reason}")
    if not sandbox:
        lines.append("WARNING: graded WITHOUT the sandbox (--no-sandbox): student code ran with your rights")
    lines.append(f"report: {report}")
    return "\n".join(lines)
