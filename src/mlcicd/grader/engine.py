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

import copy
import csv
import hashlib
import importlib.metadata
import logging
import os
import shutil
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from multiprocessing import get_context
from pathlib import Path

import nbformat

from mlcicd.grader.errors import CourseError, SandboxUnavailableError
from mlcicd.grader.intake import ReleasedLab, check_submission

__all__ = ["GradeOptions", "Row", "grade", "grade_submission", "REPORT_COLUMNS"]

REPORT_COLUMNS = [
    "student",
    "status",
    "reason",
    "score",
    "max_score",
    "seconds",
    "sandbox",
    "submission_sha256",
    "source_sha256",
    "environment_sha256",
    "engine_version",
]
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
    db_url: str | None = None  # None: the course config's CourseDirectory.db_url (SQLite gradebook.db by default)
    scheduler: str | None = None  # a Dask scheduler address, tcp://HOST:PORT; None: local worker processes


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


_WORKER_READY = False
# nbgrader's converters chdir into the course folder, so one process grades one submission at a time; a Dask worker
# started with several threads then still grades correctly, only no faster.
_ONE_AT_A_TIME = threading.Lock()


def _worker_init() -> None:
    # Imported once per worker process, not once per submission.
    global _WORKER_READY
    if _WORKER_READY:
        return
    import nbgrader.converters  # noqa: F401

    import mlcicd.grader.execute  # noqa: F401

    logging.getLogger("traitlets").setLevel(logging.ERROR)
    _quiet_sqlalchemy()
    _WORKER_READY = True


def _quiet_sqlalchemy() -> None:
    # nbgrader's own Gradebook API triggers SQLAlchemy autoflush warnings when it creates a submission.
    from sqlalchemy.exc import SAWarning

    warnings.filterwarnings("ignore", category=SAWarning)


def _write_files(folder: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def _read_files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def grade_submission(lab: dict, task: dict) -> dict:
    """Worker: grade one student's repaired notebooks in a scratch course of its own; return scores and files.

    Everything it needs comes in its two arguments, so it runs the same in a local process and on a Dask worker on
    another machine: ``lab`` (shared by every task of a run) holds the lab's source files, a gradebook with this
    assignment only (no student in it) and the course's nbgrader config; ``task`` holds one student's notebooks.
    The graded notebooks come back as bytes; the scratch folder is removed.
    """
    _worker_init()
    with _ONE_AT_A_TIME:
        scratch = Path(tempfile.mkdtemp(prefix="mlcicd-task-"))
        try:
            return _grade_in_scratch(lab, task, scratch)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)


def _grade_in_scratch(lab_data: dict, task: dict, root: Path) -> dict:
    from nbgrader.api import Gradebook
    from nbgrader.converters import Autograde
    from nbgrader.coursedir import CourseDirectory

    from mlcicd.grader.execute import take_events

    started = time.perf_counter()
    lab, student = lab_data["lab"], task["student"]
    _write_files(root / "source" / lab, lab_data["source_files"])
    folder = root / "submitted" / student / lab
    folder.mkdir(parents=True)
    for name, text in task["notebooks"].items():
        (folder / name).write_text(text, encoding="utf-8")
    if task["timestamp"] is not None:
        (folder / "timestamp.txt").write_text(task["timestamp"], encoding="utf-8")
    (root / "gradebook.db").write_bytes(lab_data["template_db"])
    db_url = f"sqlite:///{root / 'gradebook.db'}"

    config = copy.deepcopy(lab_data["config"])
    config.CourseDirectory.root = str(root)
    config.CourseDirectory.db_url = db_url
    config.Autograde.autograde_preprocessors = AUTOGRADE_PREPROCESSORS
    config.GuardedExecute.sandbox = lab_data["sandbox"]
    config.GuardedExecute.timeout = lab_data["timeout"]
    config.GuardedExecute.notebook_timeout = lab_data["notebook_timeout"]
    config.SandboxedKernelManager.memory_mb = lab_data["memory_mb"]
    # The instructor's course folder may exist on this machine (local grading): the kernel must not see it.
    config.SandboxedKernelManager.hidden_paths = [p for p in [*lab_data["hidden_paths"], str(root)] if Path(p).is_dir()]
    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id, coursedir.student_id = lab, student
    app = Autograde(coursedir=coursedir, config=config)
    app.force = True
    handler = _ErrorCollector()
    messages = handler.messages
    app.log.addHandler(handler)
    take_events()
    try:
        app.start()
    except Exception as error:  # nbgrader raises NbGraderException, preprocessors anything
        detail = (
            "; ".join(m.strip().splitlines()[-1] for m in messages if m.strip()) or f"{type(error).__name__}: {error}"
        )
        return {"error": detail, "events": take_events(), "seconds": time.perf_counter() - started}
    finally:
        app.log.removeHandler(handler)
    with Gradebook(db_url) as gb:
        submission = gb.find_submission(lab, student)
        result = {
            "score": float(submission.code_score),
            "max_score": float(submission.max_code_score),
            "timestamp": submission.timestamp,
            "grades": [
                (nb.name, g.name, g.auto_score, g.needs_manual_grade) for nb in submission.notebooks for g in nb.grades
            ],
            "comments": [(nb.name, c.name, c.auto_comment) for nb in submission.notebooks for c in nb.comments],
            "penalties": [(nb.name, nb.late_submission_penalty) for nb in submission.notebooks],
        }
    result.update(
        events=take_events(),
        seconds=time.perf_counter() - started,
        autograded=_read_files(root / "autograded" / student / lab),
    )
    return result


class _Course:
    """The instructor's course folder: paths, its gradebook (written only here) and the report."""

    def __init__(self, root: Path, lab: str, db_url: str | None = None):
        from nbgrader.coursedir import CourseDirectory

        self.root, self.lab = root, lab
        self.config = _course_config(root)
        if db_url:
            self.config.CourseDirectory.db_url = db_url
        coursedir = CourseDirectory(config=self.config, root=str(root))
        self.db_url = coursedir.db_url
        self.report = root / "reports" / lab / "status.csv"
        if not (root / "source" / lab).is_dir():
            labs = (
                sorted(p.name for p in (root / "source").glob("*") if p.is_dir()) if (root / "source").is_dir() else []
            )
            raise CourseError(f"no lab {lab!r} in {root / 'source'}; labs found: {', '.join(labs) or 'none'}")
        from nbgrader.api import Gradebook, MissingEntry

        try:
            with Gradebook(self.db_url) as gb:
                gb.find_assignment(lab)
        except MissingEntry:
            raise CourseError(
                f"{lab} is not in the gradebook yet: run `nbgrader generate_assignment {lab}` "
                "from the course folder first (with the same --db, if you gave one)"
            ) from None
        except Exception as error:  # SQLAlchemy: no driver, no server, wrong credentials
            raise CourseError(
                f"cannot open the gradebook {_redact(self.db_url)}: {type(error).__name__}: "
                f"{str(error).strip().splitlines()[0]}"
            ) from None

    def previous_rows(self) -> dict[str, Row]:
        if not self.report.is_file():
            return {}
        with open(self.report, newline="", encoding="utf-8") as handle:
            return {r["student"]: Row(**{k: r.get(k, "") for k in REPORT_COLUMNS}) for r in csv.DictReader(handle)}

    def assignment_template(self, dest: Path) -> bytes:
        """A new SQLite gradebook holding only this lab's assignment, notebooks and cells: no student, no grade.

        It is all a worker needs from the gradebook, whichever database the course uses."""
        from nbgrader.api import Base, Gradebook
        from sqlalchemy import create_engine, select

        Gradebook(f"sqlite:///{dest}").close()
        tables = Base.metadata.tables
        source, target = create_engine(self.db_url), create_engine(f"sqlite:///{dest}")

        def rows(name, column, values):
            table = tables[name]
            return [dict(r) for r in s.execute(select(table).where(table.c[column].in_(values))).mappings()]

        try:
            with source.connect() as s, target.begin() as t:
                assignment = rows("assignment", "name", [self.lab])
                course = rows("course", "id", [a["course_id"] for a in assignment])
                known = {r[0] for r in t.execute(select(tables["course"].c.id))}
                notebooks = rows("notebook", "assignment_id", [a["id"] for a in assignment])
                notebook_ids = [n["id"] for n in notebooks]
                cells = rows("base_cell", "notebook_id", notebook_ids)
                cell_ids = [c["id"] for c in cells]
                copies = [
                    ("course", [c for c in course if c["id"] not in known]),
                    ("assignment", assignment),
                    ("notebook", notebooks),
                    ("base_cell", cells),
                    *((name, rows(name, "id", cell_ids)) for name in ("grade_cells", "solution_cells", "task_cells")),
                    ("source_cell", rows("source_cell", "notebook_id", notebook_ids)),
                ]
                for name, found in copies:
                    if found:
                        t.execute(tables[name].insert(), found)
        finally:
            source.dispose()
            target.dispose()
        return dest.read_bytes()

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
        dest.mkdir(parents=True)
        _write_files(dest, result["autograded"])

    def write_report(self, rows: list[Row]) -> None:
        self.report.parent.mkdir(parents=True, exist_ok=True)
        partial = self.report.with_suffix(".csv.partial")
        with open(partial, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=REPORT_COLUMNS)
            writer.writeheader()
            for row in sorted(rows, key=lambda r: r.student):
                writer.writerow(asdict(row))
        partial.replace(self.report)


class _ErrorCollector(logging.Handler):
    """Keeps the text of every ERROR record nbgrader logs, to report it in the status row."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _progress(total: int):
    from tqdm import tqdm

    return tqdm(total=total, unit="submission", file=sys.stderr, disable=not sys.stderr.isatty(), leave=False)


def _redact(db_url: str) -> str:
    """The database URL without its password, for messages and reports."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(db_url).render_as_string(hide_password=True)
    except Exception:  # not a URL at all: SQLAlchemy's own error says so when it is used
        return db_url


def _local_results(lab_data: dict, tasks: list[dict], jobs: int) -> Iterator[tuple[dict, dict]]:
    """Grade the tasks in ``jobs`` local worker processes; yield each task with its result as it finishes."""
    with ProcessPoolExecutor(jobs, mp_context=get_context("spawn"), initializer=_worker_init) as pool:
        futures = {pool.submit(grade_submission, lab_data, task): task for task in tasks}
        for future in as_completed(futures):
            try:
                result = future.result()
            except Exception as error:  # a worker that died: this submission only
                result = {
                    "error": f"the grading worker failed ({type(error).__name__}: {error})",
                    "events": [],
                    "seconds": 0.0,
                }
            yield futures[future], result


def grade(root: Path, lab: str, options: GradeOptions | None = None, echo=print) -> list[Row]:
    """Grade every submission folder of ``lab`` in the course at ``root``; return the report's rows."""
    from mlcicd.grader.sandbox import sandbox_problem

    options = options or GradeOptions()
    root = Path(root).resolve()
    course = _Course(root, lab, options.db_url)
    cluster = None
    if options.scheduler:
        from mlcicd.grader.cluster import Cluster

        # Before anything is written: the scheduler answers, has workers, and they can grade as this machine would.
        cluster = Cluster.connect(options.scheduler, sandbox=options.sandbox)
    elif options.sandbox:
        problem = sandbox_problem()
        if problem:
            raise SandboxUnavailableError(problem)
    try:
        return _grade(root, lab, options, course, cluster, echo)
    finally:
        if cluster is not None:
            cluster.close()


def _grade(root: Path, lab: str, options: GradeOptions, course: _Course, cluster, echo) -> list[Row]:
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
    tasks, intakes, stamps = [], {}, {}
    skipped = 0
    for folder in folders:
        student = folder.parent.name
        files = [p for p in folder.rglob("*") if p.is_file()]
        stamp = {"submission_sha256": _sha256_files(files, folder), **provenance}
        before = previous.get(student)
        if (
            not options.force
            and before
            and before.status == "graded"
            and all(getattr(before, k) == v for k, v in stamp.items())
        ):
            rows[student] = before
            skipped += 1
            continue
        intake = check_submission(folder, released, student)
        if not intake.accepted:
            rows[student] = Row(student, "rejected", intake.rejection or "", sandbox=sandbox, **stamp)
            continue
        timestamp = folder / "timestamp.txt"
        tasks.append(
            {
                "student": student,
                "notebooks": {name: nbformat.writes(nb) for name, nb in intake.notebooks.items()},
                "timestamp": timestamp.read_text(encoding="utf-8") if timestamp.is_file() else None,
            }
        )
        intakes[student], stamps[student] = intake, stamp
    if tasks:
        echo(_replacing(course, lab, list(intakes), previous, options.force))
        with tempfile.TemporaryDirectory(prefix="mlcicd-grade-") as scratch:
            lab_data = {
                "lab": lab,
                "source_files": _read_files(root / "source" / lab),
                "template_db": course.assignment_template(Path(scratch) / "template.db"),
                "config": course.config,
                "hidden_paths": [str(root)],
                "sandbox": options.sandbox,
                "timeout": int(timeout),
                "notebook_timeout": options.notebook_timeout,
                "memory_mb": options.memory_mb,
            }
        results = (
            cluster.results(lab_data, tasks)
            if cluster is not None
            else _local_results(lab_data, tasks, max(1, min(options.jobs, len(tasks))))
        )
        with _progress(len(tasks)) as bar:
            for task, result in results:
                student = task["student"]
                stamp = stamps[student]
                notes = "; ".join([*intakes[student].repairs, *result["events"]])
                if "error" in result:
                    reason = (
                        f"submitted/{student}/{lab}: {result.get('cause', 'nbgrader could not grade it')} "
                        f"({result['error']})"
                    )
                    rows[student] = Row(
                        student,
                        "rejected",
                        "; ".join(filter(None, [reason, notes])),
                        seconds=round(result["seconds"], 2),
                        sandbox=sandbox,
                        **stamp,
                    )
                else:
                    course.merge(student, result)
                    rows[student] = Row(
                        student,
                        "graded",
                        notes,
                        result["score"],
                        result["max_score"],
                        round(result["seconds"], 2),
                        sandbox,
                        **stamp,
                    )
                course.write_report(list(rows.values()))
                bar.update()
    result_rows = sorted(rows.values(), key=lambda r: r.student)
    course.write_report(result_rows)
    echo(_summary(lab, result_rows, skipped, options.sandbox, course.report.relative_to(root)))
    return result_rows


def _replacing(course: _Course, lab: str, students: list[str], previous: dict[str, Row], force: bool) -> str:
    """What grading ``students`` replaces; raises CourseError (before anything is written) when it is not clear that
    the instructor wants it: students graded before without a row in the report, unless ``force``."""
    from nbgrader.api import Gradebook, MissingEntry

    try:
        with Gradebook(course.db_url) as gb:
            in_gradebook = {s.student.id for s in gb.assignment_submissions(lab)}
    except MissingEntry:
        in_gradebook = set()
    graded_before = sorted(s for s in students if s in in_gradebook or (course.root / "autograded" / s / lab).is_dir())
    if not graded_before:
        return f"{lab}: grading {len(students)} submission(s); no earlier grade is replaced"
    unrecorded = [s for s in graded_before if s not in previous or previous[s].status != "graded"]
    if unrecorded and not force:
        raise CourseError(
            f"{len(unrecorded)} student(s) already have autograded results for {lab} that are not in "
            f"{course.report.relative_to(course.root)}, so mlcicd grade cannot tell whether their submission "
            f"changed: {_names(unrecorded)}. Grading them replaces their autograded scores in the gradebook and "
            f"autograded/<student>/{lab}/ (hand-entered grades and comments are kept). Nothing was changed. Run again "
            "with --force to regrade them, or pick other students with --student."
        )
    changed = [s for s in graded_before if s not in unrecorded]
    why = "--force" if force else "their submission, the lab or the grading environment changed"
    return (
        f"{lab}: regrading {len(graded_before)} already graded student(s) ({why}): {_names(graded_before)}; "
        f"their autograded scores and autograded/<student>/{lab}/ are replaced, hand-entered grades and "
        f"comments are kept" + ("" if changed or not unrecorded else "; no earlier report row for them")
    )


def _names(students: list[str], shown: int = 10) -> str:
    return ", ".join(students[:shown]) + (f" and {len(students) - shown} more" if len(students) > shown else "")


def _summary(lab: str, rows: list[Row], skipped: int, sandbox: bool, report: Path) -> str:
    graded = [r for r in rows if r.status == "graded"]
    rejected = [r for r in rows if r.status == "rejected"]
    lines = [
        f"{lab}: {len(graded)} graded, {len(rejected)} rejected, "
        f"{sum(r.timed_out for r in graded)} timed out, {skipped} unchanged and not regraded"
    ]
    if graded:
        mean = sum(float(r.score) for r in graded) / len(graded)
        lines.append(f"mean autograded score {mean:.2f} / {float(graded[0].max_score):g}")
    for row in rejected:
        lines.append(f"  rejected {row.student}: {row.reason}")
    if not sandbox:
        lines.append("WARNING: graded WITHOUT the sandbox (--no-sandbox): student code ran with your rights")
    lines.append(f"report: {report}")
    return "\n".join(lines)
