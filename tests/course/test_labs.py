"""Structure of the graded labs in source/ and release/, checked without running the nbgrader CLI.

Every lab found in source/ is checked (folders source/<lab>/<lab>.ipynb), so a new lab is covered as soon as it
exists. What is proved here: the lab conventions of CONTRIBUTING.md (headings, points, grade ids, test-cell layout,
multiple-choice keys, the open question's rubric), nbgrader's Validator verdicts (source passes with no stderr,
every release test fails), that no hidden test, answer key or rubric leaks into release/, notebooks/ or src/,
and that mlcicd.grading's reference switch really switches the package off and back on.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

from mlcicd.grader import sample_class
from support import REPO_ROOT

LABS = sample_class.discover_labs(REPO_ROOT)
TOPICS = ("versioning", "testing", "monitoring", "deployment", "rollback", "pipeline")
GRADE_ID = re.compile(rf"^({'|'.join(TOPICS)})-[a-z0-9]+(-[a-z0-9]+)*-(solution|tests|answers|answer)$")
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.DOTALL)
MCQ_STEM = re.compile(r"^\*\*Q(\d+)\.\*\* (.+?)(?:\n\n|$)", re.MULTILINE | re.DOTALL)


def _source(lab: str) -> nbformat.NotebookNode:
    return sample_class.source_notebook(lab, REPO_ROOT)


def _release_path(lab: str) -> Path:
    return REPO_ROOT / "release" / lab / f"{lab}.ipynb"


def _meta(cell) -> dict:
    return sample_class.nbgrader_meta(cell)


def _hidden_lines() -> set[str]:
    """Distinctive lines of every hidden-test block: long, holding a literal, and absent from visible code."""
    hidden, visible = set(), set()
    for lab in LABS:
        for cell in _source(lab).cells:
            blocks = HIDDEN.findall(cell.source)
            for block in blocks:
                hidden.update(line.strip() for line in block.splitlines())
            visible.update(line.strip() for line in HIDDEN.sub("", cell.source).splitlines())
    return {line for line in hidden - visible if len(line) >= 24 and re.search(r"[\"'0-9]", line)}


def _text_files(*folders: str) -> list[Path]:
    suffixes = {".ipynb", ".py", ".json", ".md", ".txt", ".yaml", ".yml", ".html", ".csv"}
    files = []
    for folder in folders:
        root = REPO_ROOT / folder
        if root.is_dir():
            files += [
                p for p in root.rglob("*") if p.is_file() and p.suffix in suffixes and "__pycache__" not in p.parts
            ]
    return files


def test_every_lab_has_a_release_and_a_grading_spec():
    assert LABS, "no labs found in source/ (expected source/<lab>/<lab>.ipynb)"
    for lab in LABS:
        assert _release_path(lab).is_file(), f"{lab}: release missing; run `nbgrader generate_assignment {lab} --force`"
        spec = sample_class.load_spec(lab, REPO_ROOT)
        for key in ("partial", "cheat", "infinite_loop"):
            assert key in spec, f"tests/lab_specs/{lab}.py: SPEC has no {key!r} entry"


@pytest.mark.parametrize("lab", LABS)
def test_heading_points_equal_the_points_of_the_graded_cells_below_them(lab):
    nb = _source(lab)
    parts = sample_class.parts(nb)
    assert parts, f"{lab}: no '## Part X: title (N points)' headings"
    graded_ids = [_meta(c)["grade_id"] for c in nb.cells if _meta(c).get("grade")]
    points = {_meta(c)["grade_id"]: float(_meta(c)["points"]) for c in nb.cells if _meta(c).get("grade")}
    listed = [gid for _, _, ids in parts for gid in ids]
    assert sorted(listed) == sorted(graded_ids), (
        f"{lab}: graded cells outside any Part: {set(graded_ids) - set(listed)}"
    )
    for letter, heading_points, ids in parts:
        assert ids, f"{lab}: Part {letter} has no graded cell"
        assert sum(points[g] for g in ids) == heading_points, (
            f"{lab}: Part {letter} says {heading_points} points, its graded cells give {sum(points[g] for g in ids)}"
        )
    title = [c for c in nb.cells if c.cell_type == "markdown" and c.source.startswith("# ")]
    total = re.search(r"Total: (\d+) points \((\d+) autograded, (\d+) graded by hand\)", title[0].source)
    assert total, f"{lab}: the title cell must state 'Total: N points (A autograded, M graded by hand)'"
    assert float(total.group(1)) == sum(points.values()), f"{lab}: total in the title differs from the cells"
    assert float(total.group(2)) == sample_class.max_autograded(lab, REPO_ROOT), f"{lab}: autograded total differs"


@pytest.mark.parametrize("lab", LABS)
def test_cells_follow_the_lab_conventions(lab):
    nb = _source(lab)
    h1 = [
        line for c in nb.cells if c.cell_type == "markdown" for line in c.source.splitlines() if line.startswith("# ")
    ]
    assert len(h1) == 1, f"{lab}: expected exactly one H1, found {h1}"
    ids = [_meta(c)["grade_id"] for c in nb.cells if _meta(c)]
    assert len(ids) == len(set(ids)), f"{lab}: duplicate grade_id"
    manual = []
    for cell in nb.cells:
        meta = _meta(cell)
        if not meta:
            continue
        gid = meta["grade_id"]
        assert GRADE_ID.match(gid), f"{lab}: grade_id {gid!r} is not '<topic>-<what>-solution|tests|answers|answer'"
        if sample_class.is_test_cell(cell):
            first = cell.source.splitlines()[0]
            assert re.fullmatch(r'"""[A-Z].*\."""', first), (
                f"{lab}/{gid}: test cell must start with a one-line docstring"
            )
            assert len(HIDDEN.findall(cell.source)) == 1, f"{lab}/{gid}: expected one hidden-test block"
            visible = HIDDEN.sub("", cell.source)
            assert "assert " in visible, f"{lab}/{gid}: no visible check"
            for line in cell.source.splitlines():
                if line.lstrip().startswith("assert ") and not line.rstrip().endswith("\\"):
                    assert re.search(r'(?<!=)[,] *f?["\']', line), (
                        f"{lab}/{gid}: assert without a message: {line.strip()}"
                    )
        elif meta.get("solution") and cell.cell_type == "code":
            begin = [line for line in cell.source.splitlines() if "### BEGIN SOLUTION" in line]
            assert len(begin) == 1, f"{lab}/{gid}: expected one solution region"
            if "def " in cell.source:
                assert begin[0].startswith("    "), (
                    f"{lab}/{gid}: the solution region must sit inside the function body"
                )
        elif meta.get("solution") and meta.get("grade"):
            manual.append(cell)
    assert len(manual) == 1, f"{lab}: expected one manually graded open question, found {len(manual)}"
    rubric = manual[0].source.split("**Rubric for the grader")
    assert len(rubric) == 2, f"{lab}: the open answer cell needs a '**Rubric for the grader' section"
    bullets = [line for line in rubric[1].splitlines() if line.startswith("* ")]
    assert len(bullets) == 4, f"{lab}: the rubric must list four concepts, found {len(bullets)}"
    assert float(_meta(manual[0])["points"]) == 4, f"{lab}: the open question is worth 4 points (one per concept)"


@pytest.mark.parametrize("lab", LABS)
def test_multiple_choice_keys_are_checked_only_in_hidden_tests(lab):
    nb = _source(lab)
    stems = dict(MCQ_STEM.findall("\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")))
    assert len(stems) >= 3, f"{lab}: expected at least three multiple-choice questions (**Q1.** ...)"
    for number in stems:
        tests = [c for c in nb.cells if sample_class.is_test_cell(c) and f"answer_q{number}" in c.source]
        assert len(tests) == 1, f"{lab}: Q{number} needs exactly one test cell"
        visible = HIDDEN.sub("", tests[0].source)
        assert not re.search(rf'answer_q{number} == "', visible), f"{lab}: the key of Q{number} is in the visible part"
        assert re.search(rf'answer_q{number} == "[A-D]"', HIDDEN.findall(tests[0].source)[0]), (
            f"{lab}: Q{number}'s key is not checked in the hidden block"
        )


def test_no_hidden_test_answer_key_or_rubric_leaks_into_release_notebooks_or_src():
    hidden = _hidden_lines()
    assert len(hidden) > 20 * len(LABS) / 2, "too few distinctive hidden-test lines found: is the HIDDEN pattern right?"
    secrets = set(hidden)
    for lab in LABS:
        for cell in _source(lab).cells:
            if _meta(cell).get("solution"):
                region = cell.source.split("### BEGIN SOLUTION")[1].split("### END SOLUTION")[0]
                secrets.update(line.strip() for line in region.splitlines() if re.match(r'\s*answer_q\d+ = "', line))
                if "**Rubric" in region:
                    secrets.update(line.strip() for line in region.splitlines() if line.startswith("* **"))
    leaks = []
    for path in _text_files("release", "notebooks", "src"):
        text = path.read_text(encoding="utf-8", errors="replace")
        leaks += [f"{path.relative_to(REPO_ROOT)}: {line}" for line in secrets if line in text]
    assert not leaks, "secret lines found:\n" + "\n".join(leaks[:20])


def test_graded_questions_differ_from_the_formative_bank_and_the_lessons():
    corpus = " ".join(
        re.sub(r"\s+", " ", p.read_text(encoding="utf-8", errors="replace")).lower()
        for p in _text_files("notebooks", "src")
    )
    for lab in LABS:
        markdown = "\n\n".join(c.source for c in _source(lab).cells if c.cell_type == "markdown")
        for number, stem in MCQ_STEM.findall(markdown):
            words = re.sub(r"\s+", " ", stem).strip().lower()[:60]
            assert words not in corpus, f"{lab} Q{number} is copied from the lessons or the question bank: {words!r}"


@pytest.mark.parametrize("lab", LABS)
def test_release_starts_with_the_shared_header_and_keeps_signatures(lab):
    header = nbformat.read(str(REPO_ROOT / "source" / "header.ipynb"), as_version=4)
    release = nbformat.read(str(_release_path(lab)), as_version=4)
    assert [c.source for c in release.cells[: len(header.cells)]] == [c.source for c in header.cells]
    for cell in release.cells:
        meta = _meta(cell)
        if meta.get("solution") and cell.cell_type == "code":
            assert "raise NotImplementedError" in cell.source, f"{lab}/{meta['grade_id']}: no stub in the release"
            assert "### BEGIN SOLUTION" not in cell.source
        if sample_class.is_test_cell(cell):
            assert "HIDDEN TESTS" not in cell.source, f"{lab}/{meta['grade_id']}: hidden tests in the release"


@pytest.mark.slow
@pytest.mark.parametrize("lab", LABS)
def test_validator_passes_source_without_stderr_and_fails_every_release_test(lab):
    from nbgrader.validator import Validator

    source = Validator(validate_all=True).validate(str(REPO_ROOT / "source" / lab / f"{lab}.ipynb"))
    assert source == {}, f"{lab}: the source does not validate cleanly: {json.dumps(source)[:2000]}"
    inverted = Validator(invert=True).validate(str(_release_path(lab)))
    assert inverted == {}, (
        f"{lab}: release tests pass without an answer: {[c['source'][:80] for c in inverted.get('passed', [])]}"
    )
    # Without invert, every graded cell of the untouched release fails: each test and the unanswered open question.
    failed = Validator().validate(str(_release_path(lab))).get("failed", [])
    n_graded = sum(1 for c in _source(lab).cells if _meta(c).get("grade"))
    assert len(failed) == n_graded, f"{lab}: {len(failed)} of {n_graded} graded cells fail in the release; all must"


# ---------------------------------------------------------------- mlcicd.grading.reference_disabled


def test_reference_disabled_blocks_module_functions_aliases_and_methods_then_restores_them():
    import mlcicd.drift
    from mlcicd.data import make_applications
    from mlcicd.drift import psi as aliased_psi
    from mlcicd.grading import ReferenceDisabledError, reference_disabled

    sample = make_applications(200, seed=0)["income"]
    before = aliased_psi(sample, sample)
    with reference_disabled("mlcicd.drift"):
        for call in (
            lambda: mlcicd.drift.psi(sample, sample),
            lambda: aliased_psi(sample, sample),
            lambda: mlcicd.drift.drift_report(sample.to_frame(), sample.to_frame()),
        ):
            with pytest.raises(ReferenceDisabledError, match="write the computation yourself"):
                call()
        assert make_applications(3, seed=0).shape == (3, 8), "other modules keep working"
    assert aliased_psi(sample, sample) == before, "the reference works again after the block"


def test_reference_disabled_on_a_module_covers_what_it_re_exports_but_not_its_helpers():
    """mlcicd.serving re-exports window_accuracy and Monitor from mlcicd.monitoring: a lab that disables
    mlcicd.serving must not let ``from mlcicd.monitoring import window_accuracy`` pass as the student's work."""
    import numpy as np
    import pandas as pd

    from mlcicd._checks import check_frame
    from mlcicd.grading import ReferenceDisabledError, reference_disabled
    from mlcicd.monitoring import Monitor, window_accuracy

    days, n, correct = np.arange(3), np.full(3, 10), np.full(3, 9)
    with reference_disabled("mlcicd.serving"):
        with pytest.raises(ReferenceDisabledError):
            window_accuracy(days, n, correct, 2)
        with pytest.raises(ReferenceDisabledError):
            Monitor.__init__(None)
        frame = pd.DataFrame({"x": [1]})
        assert check_frame(frame) is frame, "a helper serving merely imports stays callable"
    assert np.allclose(window_accuracy(days, n, correct, 2), 0.9)


def test_reference_disabled_restores_after_an_exception_and_can_target_one_method():
    from mlcicd.grading import ReferenceDisabledError, reference_disabled
    from mlcicd.registry import ModelRegistry

    with pytest.raises(KeyError), reference_disabled("mlcicd.registry.ModelRegistry.rollback"):
        with pytest.raises(ReferenceDisabledError):
            ModelRegistry.rollback(None)
        raise KeyError("boom")
    with pytest.raises(Exception) as caught:
        ModelRegistry.rollback(None)
    assert not isinstance(caught.value, ReferenceDisabledError), "rollback must be restored after the exception"


@pytest.mark.parametrize("target", ["numpy", "mlcicd.no_such_module", "mlcicd.drift.no_such_function"])
def test_reference_disabled_refuses_unknown_targets_with_a_clear_message(target):
    from mlcicd.grading import reference_disabled

    with pytest.raises(ValueError, match=r"mlcicd|attribute|importable"), reference_disabled(target):
        pass


def test_reference_disabled_leaves_inherited_and_library_code_alone():
    """Disabling mlcicd.pipeline (which defines a StrEnum) must not disable enum's own methods: the kernel's
    event loop uses enums, and breaking them writes tracebacks to stderr, which zeroes a grade."""
    import enum
    import re as regex

    from mlcicd.grading import reference_disabled
    from mlcicd.pipeline import Decision

    with reference_disabled("mlcicd.pipeline", "mlcicd.registry"):
        assert Decision("STOP") is Decision.STOP
        assert regex.compile("a", regex.I | regex.M).flags & regex.I
        demo_flag = enum.Flag("Demo", ["X", "Y"])
        assert demo_flag.X | demo_flag.Y
    with (
        pytest.raises(ValueError, match="not written in mlcicd"),
        reference_disabled("mlcicd.pipeline.Decision.__new__"),
    ):
        pass
