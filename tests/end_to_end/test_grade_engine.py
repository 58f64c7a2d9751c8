"""`mlcicd grade` against crafted submissions: every folder ends with the right status and score, nothing leaks.

Each corpus is built at test time from the lab's release notebook and its source solutions (mlcicd.grader.sample_class)
and graded in one `mlcicd grade` run on a temporary copy of the course, after a victim student was graded alone.
Then the checks: the status and autograded score of every submission, and that nothing outside the scratch folders
changed (source/, release/, nbgrader_config.py, the victim's gradebook rows, the grader's /tmp and home, processes
left running). A third class grades the sample class with plain `nbgrader autograde` and with `mlcicd grade` and
compares the scores.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import nbformat
import pytest

from mlcicd.grader import sample_class
from support import REPO_ROOT, copy_course, course_env, run_nbgrader

pytestmark = pytest.mark.grading

CELL_TIMEOUT = "8"  # seconds per cell: every lab cell needs well under 1 s, the loops are cut at this
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.DOTALL)
FIRST_SANDBOX_UID, LAST_SANDBOX_UID = 60000, 65000


# ---------------------------------------------------------------------------------------------- corpus building


def _nb(lab: str, kind: str = "complete") -> nbformat.NotebookNode:
    return {"complete": sample_class.complete_nb, "partial": sample_class.partial_nb}[kind](lab, REPO_ROOT)


def _text(nb) -> bytes:
    return (nbformat.writes(nb) + "\n").encode()


def _cell(nb, grade_id: str):
    return next(c for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id)


def _with_new_cell(lab: str, code: str, kind: str = "complete") -> bytes:
    """The submission with an extra, ungraded code cell right after the setup cell."""
    nb = _nb(lab, kind)
    setup = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
    nb.cells.insert(setup + 1, nbformat.v4.new_code_cell(code))
    return _text(nb)


def _with_prefix(lab: str, grade_id: str, code: str, kind: str = "complete") -> bytes:
    nb = _nb(lab, kind)
    _cell(nb, grade_id).source = code + _cell(nb, grade_id).source
    return _text(nb)


def _with_metadata(lab: str, grade_id: str, **changes) -> bytes:
    nb = _nb(lab)
    _cell(nb, grade_id).metadata.nbgrader.update(changes)
    return _text(nb)


def _points_of(lab: str, word: str) -> float:
    """Points of the test cells whose grade id contains ``word``."""
    return sum(
        p for gid, p in sample_class.test_points(sample_class.source_notebook(lab, REPO_ROOT)).items() if word in gid
    )


def _mcq_points(lab: str) -> float:
    return _points_of(lab, "mcq")


def _with_replaced(lab: str, grade_id: str, old: str, new: str, kind: str = "complete") -> bytes:
    nb = _nb(lab, kind)
    cell = _cell(nb, grade_id)
    assert old in cell.source, f"{grade_id} has no {old!r}"
    cell.source = cell.source.replace(old, new)
    return _text(nb)


def _test_ids(lab: str) -> list[str]:
    return list(sample_class.test_points(sample_class.source_notebook(lab, REPO_ROOT)))


class Corpus:
    """Crafted submissions of one lab: student -> (files, expected status, expected score or None, reason regex)."""

    def __init__(self, lab: str, course: Path):
        self.lab, self.course = lab, course
        self.full = sample_class.max_autograded(lab, REPO_ROOT)
        self.spec = sample_class.load_spec(lab, REPO_ROOT)
        self.entries: dict[str, tuple[dict[str, bytes], str, float | None, str]] = {}

    def add(
        self, student: str, files: dict[str, bytes] | bytes, status: str, score: float | None = None, reason: str = ""
    ) -> None:
        if isinstance(files, bytes):
            files = {f"{self.lab}.ipynb": files}
        self.entries[student] = (files, status, score, reason)

    def write(self) -> None:
        for student, (files, *_rest) in self.entries.items():
            folder = self.course / "submitted" / student / self.lab
            folder.mkdir(parents=True, exist_ok=True)
            for name, content in files.items():
                (folder / name).parent.mkdir(parents=True, exist_ok=True)
                (folder / name).write_bytes(content)


def intake_corpus(lab: str, course: Path) -> Corpus:
    """Malformed, misnamed and tampered files: rejected with a reason, or repaired and graded in full."""
    c = Corpus(lab, course)
    name = f"{lab}.ipynb"
    complete = _text(_nb(lab))
    other_lab = next(name for name in sample_class.discover_labs(REPO_ROOT) if name != lab)
    tests = _test_ids(lab)
    c.add("missing", {"notes.txt": b"my answers are in my head"}, "rejected", reason=f"{name} is missing")
    c.add("renamed", {f"{lab} (1).ipynb": complete}, "rejected", reason="renamed")
    c.add("extra", {name: complete, "Untitled.ipynb": complete}, "rejected", reason="Untitled.ipynb")
    c.add("empty", b"", "rejected", reason="is empty")
    c.add("latin1", complete.replace(b'"cells"', '"célls"'.encode("latin-1")), "rejected", reason="not UTF-8")
    c.add("truncated", complete[: len(complete) // 2], "rejected", reason="not valid JSON")
    c.add("json_list", b"[1, 2, 3]", "rejected", reason="not a Jupyter notebook")
    future = json.loads(complete)
    future["nbformat"] = 5
    c.add("nbformat5", json.dumps(future).encode(), "rejected", reason="notebook format 5")
    future["nbformat"], future["nbformat_minor"] = 4, 99
    c.add("nbformat4_99", json.dumps(future).encode(), "rejected", reason="notebook format 4.99")
    c.add("other_lab", _text(_nb(other_lab)), "rejected", reason=f"notebook of {other_lab}")
    bare = _nb(lab)
    for cell in bare.cells:
        cell.metadata.pop("nbgrader", None)
    c.add("no_metadata", _text(bare), "rejected", reason="none of the graded cells")
    c.add(
        "bad_cell",
        complete.replace(b'"cell_type": "code"', b'"cell_type": "spreadsheet"', 1),
        "rejected",
        reason="does not follow the notebook format",
    )
    # repaired from the release, then graded in full
    duplicated = _nb(lab)
    copy = nbformat.from_dict(json.loads(json.dumps(_cell(duplicated, tests[0]))))
    copy.source, copy.id = '"""Copied by the student."""\nassert True\n', uuid.uuid4().hex[:8]
    duplicated.cells.append(copy)
    c.add("duplicate_id", _text(duplicated), "graded", c.full, reason="copy of graded cell")
    unknown = _nb(lab)
    bonus = nbformat.v4.new_code_cell("assert True\n")
    bonus.metadata["nbgrader"] = {
        "grade": True,
        "grade_id": "bonus-points",
        "locked": True,
        "points": 50,
        "schema_version": 3,
        "solution": False,
        "task": False,
    }
    unknown.cells.append(bonus)
    c.add("unknown_id", _text(unknown), "graded", c.full, reason="unknown grade id 'bonus-points'")
    c.add("points_100", _with_metadata(lab, tests[0], points=100), "graded", c.full, reason="points")
    c.add("schema_1", _with_metadata(lab, tests[1], schema_version=1), "graded", c.full, reason="schema_version")
    c.add(
        "test_as_solution",
        _with_metadata(lab, tests[2], solution=True, locked=False),
        "graded",
        c.full,
        reason="restored nbgrader metadata",
    )
    c.add("checksum", _with_metadata(lab, tests[3], checksum="0" * 32), "graded", c.full, reason="checksum")
    kernel = _nb(lab)
    kernel.metadata["kernelspec"] = {"name": "python2", "display_name": "Python 2", "language": "python"}
    c.add("kernelspec", _text(kernel), "graded", c.full, reason="kernelspec")
    markdown = _nb(lab)
    _cell(markdown, tests[0]).cell_type = "markdown"
    del _cell(markdown, tests[0])["outputs"], _cell(markdown, tests[0])["execution_count"]
    c.add("cell_type", _text(markdown), "graded", c.full, reason="turned back from markdown into code")
    shadow = b"raise ImportError('a shadowing module from the submission folder was imported')\n"
    c.add(
        "shadow_modules",
        {name: complete, "mlcicd.py": shadow, "numpy.py": shadow, "pandas/__init__.py": shadow},
        "graded",
        c.full,
        reason="only notebooks are",
    )
    return c


def kernel_corpus(lab: str, course: Path) -> Corpus:
    """Student code that attacks the grader from inside the kernel; lab 3's cells (psi, drift report, MCQs)."""
    c = Corpus(lab, course)
    full, spec = c.full, c.spec
    partial = spec["partial"]["score"]
    psi = "monitoring-psi-solution"
    root = str(course)
    c.add("complete", _text(_nb(lab)), "graded", full)
    c.add("same_again", _text(_nb(lab)), "graded", full)
    c.add(
        "loop",
        sample_class.infinite_loop(lab, REPO_ROOT).encode(),
        "graded",
        spec["infinite_loop"]["score"],
        reason="time limit",
    )
    c.add("cheat", sample_class.cheat(lab, REPO_ROOT).encode(), "graded", spec["cheat"]["score"])
    c.add("rebinding", sample_class.rebinding(lab, REPO_ROOT).encode(), "graded", spec["cheat"]["score"])
    cheat_cells = spec["cheat"]["cells"]
    nb = _nb(lab)
    for gid, text in cheat_cells.items():
        _cell(nb, gid).source = (
            "import contextlib, mlcicd.grading\n"
            "mlcicd.grading.reference_disabled = lambda *t: contextlib.nullcontext()\n" + text
        )
    c.add("patched_guard_module", _text(nb), "graded", spec["cheat"]["score"], reason="mlcicd.grading")
    # tricks that would lift a partial submission's score if they worked
    c.add(
        "custom_exc",
        _with_new_cell(lab, "get_ipython().set_custom_exc((BaseException,), lambda *a, **k: None)\n", "partial"),
        "graded",
        partial,
        reason="custom exception handler",
    )
    c.add(
        "showtraceback",
        _with_new_cell(
            lab,
            "ip = get_ipython()\nip._showtraceback = lambda *a, **k: None\n"
            "type(ip).showtraceback = lambda *a, **k: None\n",
            "partial",
        ),
        "graded",
        partial,
        reason="showtraceback",
    )
    c.add(
        "pre_run_hook",
        _with_new_cell(
            lab,
            (
                "from IPython.display import display\n"
                "def _fake(info):\n    display(1.0)\n"
                "get_ipython().events.register('pre_run_cell', _fake)\n"
                "get_ipython().events.register('post_run_cell', lambda result: print(1.0))\n"
            ),
            "partial",
        ),
        "graded",
        partial,
        reason="IPython event",
    )
    c.add(
        "patched_builtins",
        _with_new_cell(
            lab,
            (
                "import builtins\nbuiltins.abs = lambda x: 0\n"
                "builtins.AssertionError = type('Nothing', (Exception,), {})\n"
            ),
            "partial",
        ),
        "graded",
        partial,
        reason="builtins",
    )
    c.add(
        "shadow_builtins",
        _with_new_cell(lab, "type = lambda obj: str\nabs = lambda x: 0\nall = any\n", "partial"),
        "graded",
        partial,
    )
    # psi() itself patches abs() while a test calls it: every psi test cell that reaches the patch must fail. The
    # empty-sample cell passes: psi() raises its ValueError before the patched line.
    c.add(
        "patch_during_test",
        _with_replaced(
            lab,
            psi,
            "    return float(np.sum",
            ("    import builtins\n    builtins.abs = lambda x: 0\n    return float(np.sum"),
            "partial",
        ),
        "graded",
        partial - (_points_of(lab, "psi") - _points_of(lab, "psi-input")),
        reason="code called by the test changed builtins.abs",
    )
    c.add("always_equal", sample_class.always_equal(lab, REPO_ROOT).encode(), "graded", full - _mcq_points(lab))
    c.add(
        "stderr_warning",
        _with_replaced(
            lab,
            psi,
            "    return float(np.sum",
            (
                "    import sys, warnings\n    print('psi: computing', file=sys.stderr)\n"
                "    warnings.warn('a library warning')\n    return float(np.sum"
            ),
        ),
        "graded",
        full,
    )
    c.add("input", _with_new_cell(lab, "name = input('Your name? ')\n"), "graded", full)
    c.add("sys_exit", _with_new_cell(lab, "import sys\nsys.exit(3)\n"), "graded", full)
    c.add("quit", _with_new_cell(lab, "quit()\n"), "graded", full)
    c.add("os_exit", _with_new_cell(lab, "import os\nos._exit(1)\n"), "graded", full, reason="kernel died")
    c.add(
        "sigkill",
        _with_new_cell(lab, "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n"),
        "graded",
        full,
        reason="kernel died",
    )
    c.add(
        "ignores_sigint",
        _with_new_cell(lab, "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass\n"),
        "graded",
        full,
        reason="did not stop when interrupted",
    )
    c.add("huge_output", _with_new_cell(lab, "print('x' * 30_000_000)\n"), "graded", full, reason="bytes")
    c.add(
        "background",
        _with_new_cell(
            lab,
            (
                "import subprocess, threading, time\n"
                "sleeper = subprocess.Popen(['sleep', '600'])\n"
                "threading.Thread(target=time.sleep, args=(600,), daemon=True).start()\n"
                "subprocess.Popen(['sh', '-c', 'nohup sleep 600 >/dev/null 2>&1 &'])\n"
            ),
        ),
        "graded",
        full,
    )
    c.add(
        "fork_many",
        _with_new_cell(
            lab,
            (
                "import subprocess\nchildren = []\n"
                "try:\n    for _ in range(500):\n        children.append(subprocess.Popen(['sleep', '30']))\n"
                "finally:\n    print(len(children), 'processes started')\n"
            ),
        ),
        "graded",
        full,
    )
    c.add("memory_hog", _with_new_cell(lab, "hog = bytearray(16 * 1024 ** 3)\n"), "graded", full)
    # reaching outside the kernel's own folder
    c.add(
        "read_source",
        _with_new_cell(
            lab,
            (
                f"for path in ['{root}/source/{lab}/{lab}.ipynb', '{root}/release/{lab}/{lab}.ipynb',\n"
                f"             '{root}/gradebook.db', '{root}/submitted/victim/{lab}/{lab}.ipynb']:\n"
                "    try:\n        print(open(path).read()[:100000])\n"
                "    except OSError as error:\n        print('cannot read', path, type(error).__name__)\n"
            ),
        ),
        "graded",
        full,
    )
    c.add(
        "rewrite_gradebook",
        _with_new_cell(
            lab,
            (
                "import sqlite3\n"
                f"db = sqlite3.connect('file:{root}/gradebook.db?mode=rw', uri=True)\n"
                'db.execute("update grade set auto_score = 0")\ndb.commit()\n'
            ),
        ),
        "graded",
        full,
    )
    c.add(
        "append_config",
        _with_new_cell(
            lab,
            (
                f"with open('{root}/nbgrader_config.py', 'a') as config:\n"
                "    config.write('\\nimport os; os.system(\"touch /tmp/pwned\")\\n')\n"
            ),
        ),
        "graded",
        full,
    )
    c.add(
        "write_outside",
        _with_new_cell(
            lab,
            (
                "import os, pathlib\n"
                "for place in ['/tmp/mlcicd-escaped', os.path.expanduser('~/mlcicd-escaped'),\n"
                f"              '{root}/mlcicd-escaped', '{root}/source/{lab}/escaped.py']:\n"
                "    try:\n        pathlib.Path(place).write_text('escaped')\n"
                "    except OSError as error:\n        print('cannot write', place, type(error).__name__)\n"
            ),
        ),
        "graded",
        full,
    )
    c.add(
        "network",
        _with_new_cell(
            lab,
            (
                "import socket\ntry:\n"
                "    socket.create_connection(('127.0.0.1', __LISTEN_PORT__), timeout=2).sendall(b'leaked')\n"
                "except OSError as error:\n    print('no network:', type(error).__name__)\n"
            ),
        ),
        "graded",
        full,
    )
    c.add(
        "watch_hidden",
        _with_new_cell(
            lab,
            (
                "import linecache\n"
                "def _spy(info):\n    print(info.raw_cell)\n"
                "get_ipython().events.register('pre_run_cell', _spy)\n"
                "get_ipython().events.register('pre_execute', lambda: print(get_ipython().user_ns.get('_ih')))\n"
            ),
        ),
        "graded",
        full,
        reason="IPython event",
    )
    nb = _nb(lab)
    nb.cells.append(
        nbformat.v4.new_code_cell(
            "import linecache, sys\nprint(In)\nprint([''.join(v[2]) for v in linecache.cache.values()])\n"
            "print({k: v for k, v in globals().items() if not k.startswith('_')})\n"
        )
    )
    c.add("read_history", _text(nb), "graded", full)
    return c


# ------------------------------------------------------------------------------------------------ running a corpus


def _tree_hash(*paths: Path) -> str:
    digest = hashlib.sha256()
    for base in paths:
        for path in sorted(p for p in ([base] if base.is_file() else base.rglob("*")) if p.is_file()):
            digest.update(str(path).encode() + path.read_bytes())
    return digest.hexdigest()


def _gradebook_rows(course: Path, lab: str, student: str) -> dict[str, tuple]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        nb = gb.find_submission_notebook(lab, lab, student)
        return {g.name: (g.auto_score, g.manual_score, g.needs_manual_grade) for g in nb.grades}


def _escaped_processes() -> list[str]:
    """Processes of a sandbox user id that no live bwrap holds: left behind by a finished grading run.

    Kernels of a grading run that is still going on (another test class, in parallel) sit under their bwrap."""
    out = subprocess.run(["ps", "-eo", "pid=,ppid=,uid=,comm=,args="], capture_output=True, text=True).stdout
    procs = {}
    for line in out.splitlines():
        pid, ppid, uid, comm, *args = line.split(None, 4)
        procs[pid] = (ppid, int(uid), comm, " ".join(args))

    def inside_bwrap(pid: str) -> bool:
        while pid in procs and pid != "1":
            if procs[pid][2] == "bwrap":
                return True
            pid = procs[pid][0]
        return False

    return [
        f"{pid} {info}"
        for pid, info in procs.items()
        if FIRST_SANDBOX_UID <= info[1] <= LAST_SANDBOX_UID and not inside_bwrap(pid)
    ]


def mlcicd_grade(course: Path, *args: str, timeout: float = 1500) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(Path(sys.executable).parent / "mlcicd"), "grade", *args],
        cwd=course,
        env=course_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def read_report(course: Path, lab: str) -> dict[str, dict]:
    with open(course / "reports" / lab / "status.csv", newline="", encoding="utf-8") as handle:
        return {row["student"]: row for row in csv.DictReader(handle)}


class GradedCorpus:
    """A course copy with a graded victim, then the corpus graded in one `mlcicd grade` run."""

    def __init__(self, lab: str, root: Path, build):
        self.lab, self.course = lab, copy_course(root / "course")
        run_nbgrader(self.course, "generate_assignment", lab, "--force")
        sample_class.write_submission(self.course, "victim", lab, sample_class.complete(lab, REPO_ROOT))
        proc = mlcicd_grade(self.course, lab, "--student", "victim", "--timeout", CELL_TIMEOUT)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        self.victim_before = _gradebook_rows(self.course, lab, "victim")
        self.protected = [self.course / p for p in ("source", "release", "nbgrader_config.py")]
        self.protected_before = _tree_hash(*self.protected)
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(5)
        self.listener.setblocking(False)
        self.corpus = build(lab, self.course)
        for student, (files, *rest) in list(self.corpus.entries.items()):
            port = str(self.listener.getsockname()[1]).encode()
            files = {n: b.replace(b"__LISTEN_PORT__", port) for n, b in files.items()}
            self.corpus.entries[student] = (files, *rest)
        self.corpus.write()
        self.escapes = [Path("/tmp/mlcicd-escaped"), Path("/tmp/pwned"), Path.home() / "mlcicd-escaped"]
        for path in self.escapes:
            path.unlink(missing_ok=True)
        self.proc = mlcicd_grade(self.course, lab, "--jobs", "2", "--timeout", CELL_TIMEOUT)
        self.rows = read_report(self.course, lab)
        try:
            self.connection = self.listener.accept()
        except BlockingIOError:
            self.connection = None
        self.listener.close()

    def autograded(self, student: str) -> nbformat.NotebookNode:
        return nbformat.read(str(self.course / "autograded" / student / self.lab / f"{self.lab}.ipynb"), as_version=4)


@pytest.fixture(scope="class")
def g(request, tmp_path_factory) -> GradedCorpus:
    """The corpus of the requesting Test class, graded once for the whole class."""
    return GradedCorpus(request.cls.lab, tmp_path_factory.mktemp(request.cls.lab), request.cls.build)


class CorpusChecks:
    """Checks for one graded corpus; each Test class below names its lab and how to build its corpus."""

    lab: str
    build = None

    def test_the_run_succeeds_and_every_folder_has_one_status(self, g):
        assert g.proc.returncode == 0, g.proc.stdout + g.proc.stderr
        assert set(g.rows) == set(g.corpus.entries) | {"victim"}
        assert {row["status"] for row in g.rows.values()} <= {"graded", "rejected"}

    def test_every_submission_ends_with_the_expected_status_score_and_reason(self, g):
        wrong = []
        for student, (_files, status, score, reason) in g.corpus.entries.items():
            row = g.rows[student]
            got_score = float(row["score"]) if row["score"] else None
            if (
                row["status"] != status
                or (score is not None and got_score != score)
                or (reason and not re.search(reason, row["reason"]))
            ):
                wrong.append(
                    f"{student}: expected {status} {score} /{reason}/, got {row['status']} {got_score} "
                    f"reason={row['reason'][:300]!r}"
                )
        assert not wrong, "\n".join(wrong)

    def test_rejections_name_the_student_and_the_file(self, g):
        for student, row in g.rows.items():
            if row["status"] == "rejected":
                assert f"submitted/{student}/{g.lab}" in row["reason"], row

    def test_nothing_outside_the_scratch_folders_changed(self, g):
        assert _tree_hash(*g.protected) == g.protected_before, "source/, release/ or nbgrader_config.py changed"
        assert _gradebook_rows(g.course, g.lab, "victim") == g.victim_before, "the victim's grades changed"
        assert not [p for p in g.escapes if p.exists()], "a submission wrote outside its sandbox"
        assert not (g.course / "mlcicd-escaped").exists()
        assert g.connection is None, "a submission reached the grader's loopback network"
        assert not _escaped_processes(), "processes started by student code are still running"

    def test_provenance_is_recorded_for_every_graded_row(self, g):
        for row in g.rows.values():
            if row["status"] == "graded":
                assert all(len(row[k]) == 64 for k in ("submission_sha256", "source_sha256", "environment_sha256"))
                assert row["engine_version"] and row["sandbox"] == "bwrap"


class TestIntakeCorpus(CorpusChecks):
    """Files that are not the lab's notebook, and notebooks whose nbgrader metadata was tampered with (lab 1)."""

    lab = "lab1_versioning"
    build = staticmethod(intake_corpus)

    def test_rejected_submissions_get_no_gradebook_entry(self, g):
        from nbgrader.api import Gradebook, MissingEntry

        with Gradebook(f"sqlite:///{g.course / 'gradebook.db'}") as gb:
            for student, row in g.rows.items():
                if row["status"] == "rejected":
                    with pytest.raises(MissingEntry):
                        gb.find_submission(g.lab, student)

    def test_a_second_run_skips_unchanged_submissions_and_regrades_a_changed_one(self, g):
        before = read_report(g.course, g.lab)
        changed = g.course / "submitted" / "points_100" / g.lab / f"{g.lab}.ipynb"
        changed.write_bytes(sample_class.blank(g.lab, REPO_ROOT).encode())
        proc = mlcicd_grade(g.course, g.lab, "--timeout", CELL_TIMEOUT)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        after = read_report(g.course, g.lab)
        unchanged = sum(1 for s, r in before.items() if r["status"] == "graded" and s != "points_100")
        assert f"{unchanged} unchanged and not regraded" in proc.stdout, proc.stdout
        assert float(after["points_100"]["score"]) == 0.0
        for student, row in before.items():
            if student != "points_100" and row["status"] == "graded":
                assert after[student] == row, f"{student} was regraded or changed"


class TestKernelCorpus(CorpusChecks):
    """Student code attacking the grader from inside its kernel (lab 3)."""

    lab = "lab3_monitoring"
    build = staticmethod(kernel_corpus)

    def test_identical_submissions_get_identical_grades(self, g):
        first, second = g.autograded("complete"), g.autograded("same_again")
        scores = [_gradebook_rows(g.course, g.lab, s) for s in ("complete", "same_again")]
        assert scores[0] == scores[1]
        assert [c.get("outputs") for c in first.cells] == [c.get("outputs") for c in second.cells]

    def test_no_hidden_test_reaches_an_output_and_the_feedback_has_none(self, g):
        source = sample_class.source_notebook(g.lab, REPO_ROOT)
        hidden = {
            line.strip()
            for cell in source.cells
            for block in HIDDEN.findall(cell.source)
            for line in block.splitlines()
            if len(line.strip()) >= 16
        }
        visible = {line.strip() for cell in source.cells for line in HIDDEN.sub("", cell.source).splitlines()}
        hidden -= visible
        assert hidden
        for student in ("watch_hidden", "read_history", "read_source"):
            outputs = json.dumps(
                [c.get("outputs", []) for c in g.autograded(student).cells if not sample_class.is_test_cell(c)]
            )
            leaked = [line for line in hidden if json.dumps(line)[1:-1] in outputs]
            assert not leaked, f"{student}: hidden lines in outputs: {leaked[:3]}"
        run_nbgrader(g.course, "generate_feedback", g.lab, "--force")
        for student in ("watch_hidden", "read_history", "patch_during_test"):
            page = (g.course / "feedback" / student / g.lab / f"{g.lab}.html").read_text(encoding="utf-8")
            import html

            text = html.unescape(page)
            assert not [line for line in hidden if line in text], student

    def test_a_huge_output_is_cut_to_the_byte_limit(self, g):
        path = g.course / "autograded" / "huge_output" / g.lab / f"{g.lab}.ipynb"
        assert path.stat().st_size < 2_000_000

    def test_the_fork_and_memory_caps_hold(self, g):
        forked = next(c for c in g.autograded("fork_many").cells if "children = []" in c.source)
        printed = "".join(o.get("text", "") for o in forked.outputs)
        started = int(re.search(r"(\d+) processes started", printed).group(1))
        assert started < 100, printed
        hog = next(c for c in g.autograded("memory_hog").cells if "bytearray" in c.source)
        assert any(o.get("ename") == "MemoryError" for o in hog.outputs), hog.outputs


class TestSameScoresAsPlainNbgrader:
    """The sample class graded by plain `nbgrader autograde` (sandboxed through nbgrader_config.py) and by
    `mlcicd grade --jobs 2` gets the same scores."""

    lab = "lab2_testing"

    def test_mlcicd_grade_and_nbgrader_autograde_agree(self, tmp_path):
        scores = {}
        for way in ("nbgrader", "mlcicd"):
            course = copy_course(tmp_path / way)
            run_nbgrader(course, "generate_assignment", self.lab, "--force")
            for kind in ("complete", "partial", "blank", "cheat"):
                build = getattr(sample_class, kind)
                sample_class.write_submission(course, kind, self.lab, build(self.lab, REPO_ROOT))
            if way == "nbgrader":
                run_nbgrader(course, "autograde", self.lab, "--force", f"--ExecutePreprocessor.timeout={CELL_TIMEOUT}")
            else:
                proc = mlcicd_grade(course, self.lab, "--timeout", CELL_TIMEOUT, "--jobs", "2")
                assert proc.returncode == 0, proc.stdout + proc.stderr
            scores[way] = {s: _gradebook_rows(course, self.lab, s) for s in ("complete", "partial", "blank", "cheat")}
        assert scores["mlcicd"] == scores["nbgrader"]
        spec = sample_class.load_spec(self.lab, REPO_ROOT)
        partial = sum(v[0] for k, v in scores["mlcicd"]["partial"].items() if k in _test_ids(self.lab))
        assert partial == spec["partial"]["score"]


class TestCommandLine:
    """Clear errors before anything is graded."""

    def test_an_unknown_lab_is_a_clear_error(self, course):
        proc = mlcicd_grade(course, "lab99_nothing")
        assert proc.returncode == 2 and "no lab 'lab99_nothing'" in proc.stderr, proc.stderr

    def test_a_lab_not_in_the_gradebook_says_to_generate_it(self, course):
        proc = mlcicd_grade(course, "lab1_versioning")
        assert proc.returncode == 2 and "nbgrader generate_assignment lab1_versioning" in proc.stderr, proc.stderr

    def test_without_bwrap_it_stops_with_the_install_line(self, course, tmp_path):
        run_nbgrader(course, "generate_assignment", "lab1_versioning", "--force")
        env = course_env()
        bin_dir = tmp_path / "bin"
        bin_dir.mkdir()
        for tool in ("python", "python3"):
            os.symlink(sys.executable, bin_dir / tool)
        env["PATH"] = f"{bin_dir}:{Path(sys.executable).parent}:/usr/local/sbin"  # no /usr/bin: no bwrap
        proc = subprocess.run(
            [str(Path(sys.executable).parent / "mlcicd"), "grade", "lab1_versioning"],
            cwd=course,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert proc.returncode == 2, proc.stdout + proc.stderr
        assert "apt-get install bubblewrap" in proc.stderr and "--no-sandbox" in proc.stderr
