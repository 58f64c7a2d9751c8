"""Grading proven end to end: the real nbgrader CLI and a real SQLite gradebook on a temporary copy of the course.

For every lab in source/, one course copy is generated, given a batch of synthetic submissions and graded in a
single `mlcicd grade` run (the course's grading engine, as `make demo` and the instructor use it):

  complete   the source's solutions            -> full autograded marks
  blank      the release untouched             -> 0, graded without error
  partial    tests/lab_specs/<lab>.py          -> exactly SPEC["partial"]["score"]
  edited     partial + every test cell edited  -> tests restored, still the partial score
  deleted    partial - one test cell           -> cell restored, scores 0, still the partial score
  loop       complete + an endless loop        -> cut by the timeout, SPEC["infinite_loop"]["score"]
  cheat      functions call mlcicd's reference -> SPEC["cheat"]["score"] (the reference is disabled)
  rebinding  cheat + reference_disabled rebound -> still SPEC["cheat"]["score"] (test cells import the guard)
  always_equal  MCQ answers equal to everything -> SPEC["always_equal"]["score"] (full minus the MCQ points)
  broken     not valid JSON                    -> reported by student and notebook, the others graded

Then `nbgrader generate_feedback` (no hidden-test source in any HTML) and `nbgrader export` (CSV totals).
"""

from __future__ import annotations

import csv
import html
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from mlcicd.grader import sample_class
from support import REPO_ROOT, copy_course, course_env, run_nbgrader

pytestmark = pytest.mark.grading


LABS = sample_class.discover_labs(REPO_ROOT)
TIMEOUT = "10"  # seconds per cell for these tests: enough for every lab cell, short for the endless loop
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.DOTALL)
MESSAGE_ONLY = re.compile(r"""^f?(["']).*\1\)?$""")
SUBMISSIONS = {
    "complete": sample_class.complete,
    "blank": sample_class.blank,
    "partial": sample_class.partial,
    "edited": sample_class.edited_tests,
    "deleted": sample_class.deleted_test,
    "loop": sample_class.infinite_loop,
    "cheat": sample_class.cheat,
    "rebinding": sample_class.rebinding,
    "always_equal": sample_class.always_equal,
    "broken": sample_class.broken,
}


class GradedLab:
    """One lab's course copy after generate_assignment, autograde, generate_feedback and export."""

    def __init__(self, lab: str, root: Path):
        self.lab, self.root = lab, root
        copy_course(root)
        self.committed_release = {
            p.relative_to(REPO_ROOT / "release" / lab): p.read_bytes()
            for p in sorted((REPO_ROOT / "release" / lab).rglob("*"))
            if p.is_file()
        }
        shutil.rmtree(root / "release" / lab)
        run_nbgrader(root, "generate_assignment", lab, "--force")
        self.spec = sample_class.load_spec(lab, REPO_ROOT)
        for student, build in SUBMISSIONS.items():
            sample_class.write_submission(root, student, lab, build(lab, REPO_ROOT))
        self.run = subprocess.run(
            [str(Path(sys.executable).parent / "mlcicd"), "grade", lab, "--timeout", TIMEOUT],
            cwd=root,
            env=course_env(),
            capture_output=True,
            text=True,
            timeout=1500,
        )
        if self.run.returncode != 0:
            raise AssertionError(f"mlcicd grade failed:\n{self.run.stdout}\n{self.run.stderr}")
        with open(root / "reports" / lab / "status.csv", newline="", encoding="utf-8") as handle:
            self.report = {row["student"]: row for row in csv.DictReader(handle)}
        run_nbgrader(root, "generate_feedback", lab, "--force")
        run_nbgrader(root, "export", "--to", "grades.csv")
        self.grades = self._read_gradebook()

    def _read_gradebook(self) -> dict[str, dict[str, float]]:
        from nbgrader.api import Gradebook, MissingEntry

        grades = {}
        with Gradebook(f"sqlite:///{self.root / 'gradebook.db'}") as gb:
            for student in SUBMISSIONS:
                try:
                    nb = gb.find_submission_notebook(self.lab, self.lab, student)
                except MissingEntry:
                    continue
                grades[student] = {g.name: float(g.score) for g in nb.grades}
        return grades

    def autograded_score(self, student: str) -> float:
        tests = sample_class.test_points(sample_class.source_notebook(self.lab, REPO_ROOT))
        return sum(score for gid, score in self.grades[student].items() if gid in tests)

    def autograded_notebook(self, student: str) -> nbformat.NotebookNode:
        return nbformat.read(str(self.root / "autograded" / student / self.lab / f"{self.lab}.ipynb"), as_version=4)


def _source_cells(lab: str) -> dict:
    return {
        sample_class.nbgrader_meta(c)["grade_id"]: c
        for c in sample_class.source_notebook(lab, REPO_ROOT).cells
        if sample_class.nbgrader_meta(c)
    }


def _visible_text(path: Path) -> str:
    """The text of an HTML page with tags removed, as a reader (or a search) sees it."""
    raw = path.read_text(encoding="utf-8")
    raw = re.sub(r"<(script|style)\b.*?</\1>", "", raw, flags=re.DOTALL)
    return html.unescape(re.sub(r"<[^>]+>", "", raw))


@pytest.fixture(scope="class")
def g(request, tmp_path_factory) -> GradedLab:
    """The lab of the requesting Test class, graded once for the whole class."""
    lab = request.cls.lab
    return GradedLab(lab, tmp_path_factory.mktemp(lab))


class GradingChecks:
    """The end-to-end checks for one lab; a Test class per lab is made below (one graded course per class).

    One class per lab lets pytest-xdist's ``--dist loadscope`` send different labs to different workers.
    """

    lab: str

    def test_regenerated_release_is_byte_identical_to_the_committed_one(self, g):
        lab = g.lab
        fresh = {
            p.relative_to(g.root / "release" / lab): p.read_bytes()
            for p in sorted((g.root / "release" / lab).rglob("*"))
            if p.is_file()
        }
        assert sorted(fresh) == sorted(g.committed_release), (
            "the files in release/ differ from a fresh generate_assignment"
        )
        for name, content in fresh.items():
            assert content == g.committed_release[name], (
                f"release/{lab}/{name} is stale: run generate_assignment --force"
            )

    def test_solution_earns_full_marks_and_untouched_release_earns_zero(self, g):
        lab = g.lab
        full = sample_class.max_autograded(lab, REPO_ROOT)
        assert g.autograded_score("complete") == full, g.grades["complete"]
        assert g.autograded_score("blank") == 0, g.grades["blank"]
        assert set(g.grades["blank"]) == set(g.grades["complete"]), "the blank submission must be graded cell by cell"

    def test_partial_submission_earns_exactly_the_expected_score(self, g):
        assert g.autograded_score("partial") == g.spec["partial"]["score"], g.grades["partial"]

    def test_edited_test_cells_are_restored_and_graded(self, g):
        lab = g.lab
        assert g.autograded_score("edited") == g.spec["partial"]["score"], g.grades["edited"]
        source = _source_cells(lab)
        for cell in g.autograded_notebook("edited").cells:
            if sample_class.is_test_cell(cell):
                gid = sample_class.nbgrader_meta(cell)["grade_id"]
                assert cell.source == source[gid].source, f"{gid} was not restored from the source"

    def test_deleted_test_cell_is_restored_and_scores_zero(self, g):
        lab = g.lab
        gone = sample_class.deleted_test_id(lab, REPO_ROOT)
        assert g.grades["deleted"].get(gone) == 0.0, f"{gone} must be graded and score 0, got {g.grades['deleted']}"
        assert g.autograded_score("deleted") == g.spec["partial"]["score"]
        restored = [
            c for c in g.autograded_notebook("deleted").cells if sample_class.nbgrader_meta(c).get("grade_id") == gone
        ]
        assert len(restored) == 1 and "added back by nbgrader" in restored[0].source

    def test_invalid_json_notebook_is_reported_by_student_and_notebook_and_the_others_are_graded(self, g):
        lab = g.lab
        rejected = {s: row["reason"] for s, row in g.report.items() if row["status"] == "rejected"}
        assert list(rejected) == ["broken"], g.report
        assert f"submitted/broken/{lab}/{lab}.ipynb is not valid JSON" in rejected["broken"]
        assert "broken" not in g.grades, "the unreadable notebook must not get a silent 0 in the gradebook"
        assert set(g.grades) == set(SUBMISSIONS) - {"broken"}, "every other student is graded"

    def test_infinite_loop_is_cut_by_the_timeout_and_the_other_parts_are_graded(self, g):
        assert g.autograded_score("loop") == g.spec["infinite_loop"]["score"], g.grades["loop"]
        looped = next(
            c
            for c in g.autograded_notebook("loop").cells
            if sample_class.nbgrader_meta(c).get("grade_id") == g.spec["infinite_loop"]["cell"]
        )
        errors = [o for o in looped.get("outputs", []) if o.get("output_type") == "error"]
        assert errors, "the looping cell should end with an error (interrupted by the timeout)"

    def test_calling_the_reference_implementation_earns_no_credit(self, g):
        assert g.autograded_score("cheat") == g.spec["cheat"]["score"], g.grades["cheat"]

    def test_rebinding_the_anti_cheat_guard_does_not_help(self, g):
        assert g.spec["rebinding"]["score"] == g.spec["cheat"]["score"], "the spec: rebinding must score like the cheat"
        assert g.autograded_score("rebinding") == g.spec["rebinding"]["score"], g.grades["rebinding"]

    def test_always_equal_answers_earn_no_multiple_choice_points(self, g):
        assert g.autograded_score("always_equal") == g.spec["always_equal"]["score"], g.grades["always_equal"]
        mcq = [
            gid for gid in sample_class.test_points(sample_class.source_notebook(g.lab, REPO_ROOT)) if "-mcq-" in gid
        ]
        assert mcq and all(g.grades["always_equal"][gid] == 0 for gid in mcq), g.grades["always_equal"]

    def test_feedback_html_has_no_hidden_test_source(self, g):
        lab = g.lab
        hidden, visible = set(), set()
        for cell in _source_cells(lab).values():
            for block in HIDDEN.findall(cell.source):
                hidden.update(line.strip() for line in block.splitlines() if len(line.strip()) >= 16)
            visible.update(line.strip() for line in HIDDEN.sub("", cell.source).splitlines() if len(line.strip()) >= 16)
        # An assertion message on a line of its own is shown on purpose when that check fails; the code is not.
        hidden = {line for line in hidden - visible if not MESSAGE_ONLY.match(line)}
        assert hidden and visible
        for student in set(SUBMISSIONS) - {"broken"}:
            page = g.root / "feedback" / student / lab / f"{lab}.html"
            assert page.is_file(), f"no feedback for {student}"
            text = _visible_text(page)
            assert any(line in text for line in visible), "detector check: visible test lines must be found in the page"
            leaked = sorted(line for line in hidden if line in text)
            assert not leaked, f"hidden-test source in feedback of {student}:\n" + "\n".join(leaked[:10])

    def test_export_csv_has_the_expected_totals(self, g):
        lab = g.lab
        with open(g.root / "grades.csv", newline="", encoding="utf-8") as handle:
            rows = {r["student_id"]: r for r in csv.DictReader(handle) if r["assignment"] == lab}
        full = sample_class.max_autograded(lab, REPO_ROOT)
        points = sum(
            float(sample_class.nbgrader_meta(c)["points"])
            for c in _source_cells(lab).values()
            if sample_class.nbgrader_meta(c).get("grade")
        )
        expected = {
            "complete": full,
            "blank": 0.0,
            "partial": g.spec["partial"]["score"],
            "edited": g.spec["partial"]["score"],
            "deleted": g.spec["partial"]["score"],
            "loop": g.spec["infinite_loop"]["score"],
            "cheat": g.spec["cheat"]["score"],
            "rebinding": g.spec["rebinding"]["score"],
            "always_equal": g.spec["always_equal"]["score"],
        }
        got = {student: float(rows[student]["score"]) for student in expected}
        assert got == expected
        assert {float(rows[s]["max_score"]) for s in expected} == {points}, "max_score includes the hand-graded points"


class TestDemo:
    """`make demo` (scripts/demo.py) on temporary course folders."""

    def test_demo_without_labs_says_so_and_succeeds(self, tmp_path):
        shutil.copy2(REPO_ROOT / "nbgrader_config.py", tmp_path)
        proc = subprocess.run(
            [sys.executable, str(REPO_ROOT / "scripts" / "demo.py"), "--root", str(tmp_path)],
            env=course_env(),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "no labs in source/" in proc.stdout and "Nothing was generated" in proc.stdout

    @pytest.mark.slow
    def test_demo_runs_twice_in_a_row_and_prints_the_score_table(self, tmp_path):
        lab = LABS[0]
        copy_course(tmp_path)
        shutil.copytree(REPO_ROOT / "tests" / "lab_specs", tmp_path / "tests" / "lab_specs")
        full = sample_class.max_autograded(lab, REPO_ROOT)
        partial = sample_class.load_spec(lab, REPO_ROOT)["partial"]["score"]
        for _ in range(2):
            proc = subprocess.run(
                [sys.executable, str(REPO_ROOT / "scripts" / "demo.py"), "--root", str(tmp_path), lab],
                env=course_env(),
                capture_output=True,
                text=True,
                timeout=900,
            )
            assert proc.returncode == 0, proc.stdout + proc.stderr
            table = {  # student, lab, autograded (3 words), hand-graded, total, %
                line.split()[0]: line.split()[2:]
                for line in proc.stdout.splitlines()
                if line.split()[:1] and line.split()[0] in sample_class.SAMPLE_CLASS and line.split()[1:2] == [lab]
            }
            assert table["amara"][:3] == [f"{full:g}", "/", f"{full:g}"], proc.stdout
            assert table["bruno"][:3] == [f"{partial:g}", "/", f"{full:g}"], proc.stdout
            assert table["chen"][:3] == ["0", "/", f"{full:g}"], proc.stdout
            assert table["dana"] == ["rejected:", "not", "graded*"], proc.stdout
            assert f"rejected dana: submitted/dana/{lab}/{lab}.ipynb is not valid JSON" in proc.stdout


for _lab in LABS:
    _name = "TestGrading_" + _lab
    globals()[_name] = type(_name, (GradingChecks,), {"lab": _lab, "__doc__": f"End-to-end grading of {_lab}."})
