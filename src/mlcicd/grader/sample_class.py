"""Build synthetic student submissions for the labs in source/ (the bundled sample class of `make demo`).

Every function takes the course root (the folder holding ``source/``, ``release/`` and ``tests/lab_specs/``);
it defaults to the current directory, where nbgrader commands run.

Every submission is derived from two committed files, so it always matches the current labs:
the released notebook (what a student downloads) and the source notebook (whose solution regions are the
"correct" answers). A per-lab spec, ``tests/lab_specs/<lab>.py`` (a dict ``SPEC``), says how a partially correct
student answers and which exact score that earns; its format is described below and in CONTRIBUTING.md.

Kinds of submission (all pure functions returning notebook text; nothing is written unless you ask):

* ``complete``: the source's solution regions pasted into the release notebook: full autograded marks;
* ``partial``: ``SPEC["partial"]["cells"]`` applied to the complete one (``None`` keeps the release stub);
* ``blank``: the release notebook untouched: 0;
* ``broken``: a notebook that is not valid JSON (a truncated upload);
* for the grading tests: ``edited_tests`` (partial with every test cell replaced), ``deleted_test`` (partial
  without one test cell of an unanswered part), ``infinite_loop``, ``cheat``, ``rebinding`` and ``always_equal``
  (from the spec).

The spec's entries, each with the exact autograded score it must earn:

* ``"partial": {"cells": {grade_id: source or None, ...}, "score": X}``: cells replaced in the complete submission
  (``None`` keeps the release stub); at least one solution cell must be ``None`` (see ``deleted_test_id``);
* ``"cheat": {"cells": {...}, "score": X}``: solution cells that only call mlcicd's reference implementation;
* ``"infinite_loop": {"cell": grade_id, "score": X}``: the solution cell that gets an endless loop at its top;
* ``"rebinding": {"cell": grade_id, "score": X}``: the cheat with ``REBIND_GUARD`` (``reference_disabled`` rebound
  to a no-op) at the top of that cheat cell; X is the cheat's score (test cells import the guard themselves);
* ``"always_equal": {"cell": mcq_grade_id, "score": X}``: that cell replaced by ``ALWAYS_EQUAL``, answers that
  compare equal to everything; X is the full score minus the multiple-choice points (tests check exact types).

Usage: python -m mlcicd.grader.sample_class [COURSE_ROOT]   writes submitted/<student>/<lab>/<lab>.ipynb for the
students amara (complete), bruno (partial), chen (blank) and dana (broken) in every lab that is released.
"""

from __future__ import annotations

import copy
import importlib.util
import re
import sys
from collections.abc import Mapping
from pathlib import Path

import nbformat

#: The default course root: the current directory, as for every nbgrader command.
COURSE_ROOT = Path(".")
SOLUTION_MARKERS = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n?", re.MULTILINE)
HEADING = re.compile(r"^## Part ([A-Z]): .+ \((\d+) points?\)$", re.MULTILINE)
INFINITE_LOOP = "while True:  # the student's endless loop: the cell timeout must cut it\n    pass\n"

#: One line in a solution cell that switched the anti-cheat guard off in every lab, before test cells imported it.
REBIND_GUARD = "import contextlib\nreference_disabled = lambda *targets: contextlib.nullcontext()\n"
#: Multiple-choice answers that pass any check that does not look at their exact type.
ALWAYS_EQUAL = (
    "class Anything:\n"
    '    """Equal to every answer, hashed like "A": passes any `in` or `==` check that does not look at the type."""\n'
    "    def __eq__(self, other):\n"
    "        return True\n\n"
    "    def __hash__(self):\n"
    '        return hash("A")\n\n\n'
    "answer_q1 = answer_q2 = answer_q3 = Anything()\n"
)

#: The demo class: student id -> kind of submission (the same in every lab).
SAMPLE_CLASS = {"amara": "complete", "bruno": "partial", "chen": "blank", "dana": "broken"}


def discover_labs(root: Path = COURSE_ROOT) -> list[str]:
    """Names of the labs in ``source/``: folders ``source/<lab>/`` holding ``<lab>.ipynb``, sorted."""
    source = Path(root) / "source"
    if not source.is_dir():
        return []
    return sorted(p.name for p in source.iterdir() if p.is_dir() and (p / f"{p.name}.ipynb").is_file())


def load_spec(lab: str, root: Path = COURSE_ROOT) -> dict:
    """The ``SPEC`` dict of ``tests/lab_specs/<lab>.py``, or ``{}`` when the lab has no spec file."""
    path = Path(root) / "tests" / "lab_specs" / f"{lab}.py"
    if not path.is_file():
        return {}
    module_spec = importlib.util.spec_from_file_location(f"lab_spec_{lab}", path)
    if module_spec is None or module_spec.loader is None:
        raise ValueError(f"{path} cannot be imported as a Python module; it must be a .py file defining SPEC")
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    spec = getattr(module, "SPEC", None)
    if not isinstance(spec, dict):
        raise ValueError(f"{path} must define a dict named SPEC (format: CONTRIBUTING.md, section 'The lab spec')")
    return spec


def read_notebook(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(str(path), as_version=4)


def source_notebook(lab: str, root: Path = COURSE_ROOT) -> nbformat.NotebookNode:
    return read_notebook(Path(root) / "source" / lab / f"{lab}.ipynb")


def release_notebook(lab: str, root: Path = COURSE_ROOT) -> nbformat.NotebookNode:
    path = Path(root) / "release" / lab / f"{lab}.ipynb"
    if not path.is_file():
        raise FileNotFoundError(f"{path} does not exist: run `nbgrader generate_assignment {lab} --force` first")
    return read_notebook(path)


def nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def is_test_cell(cell) -> bool:
    meta = nbgrader_meta(cell)
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


def test_points(nb) -> dict[str, float]:
    """grade_id -> points of every autograded test cell, in notebook order."""
    return {nbgrader_meta(c)["grade_id"]: float(nbgrader_meta(c).get("points", 0)) for c in nb.cells if is_test_cell(c)}


def max_autograded(lab: str, root: Path = COURSE_ROOT) -> float:
    return sum(test_points(source_notebook(lab, root)).values())


def parts(nb, graded_only: bool = True) -> list[tuple[str, int, list[str]]]:
    """(letter, heading points, grade_ids) for every ``## Part`` heading, in notebook order.

    The grade_ids are those of the graded cells (tests and manually graded answers) under the heading, up to the
    next H2; with ``graded_only=False`` the solution cells are listed too.
    """
    found: list[tuple[str, int, list[str]]] = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("## "):
                    match = HEADING.match(line)
                    found.append((match.group(1), int(match.group(2)), []) if match else ("", 0, []))
        meta = nbgrader_meta(cell)
        if found and meta.get("grade_id") and (meta.get("grade") or (not graded_only and meta.get("solution"))):
            found[-1][2].append(meta["grade_id"])
    return [p for p in found if p[0]]


def solution_sources(lab: str, root: Path = COURSE_ROOT) -> dict[str, str]:
    """grade_id -> the source's answer for every solution cell, without the solution markers (and rubric)."""
    answers = {}
    for cell in source_notebook(lab, root).cells:
        meta = nbgrader_meta(cell)
        if meta.get("solution"):
            text = SOLUTION_MARKERS.sub("", cell.source)
            if cell.cell_type == "markdown":
                text = text.split("**Rubric")[0].rstrip() + "\n"
            answers[meta["grade_id"]] = text
    return answers


def _with_cells(nb, sources: Mapping[str, str | None], lab: str, root: Path) -> nbformat.NotebookNode:
    out = copy.deepcopy(nb)
    by_id = {nbgrader_meta(c).get("grade_id"): c for c in out.cells if nbgrader_meta(c)}
    release = {
        nbgrader_meta(c).get("grade_id"): c.source for c in release_notebook(lab, root).cells if nbgrader_meta(c)
    }
    for grade_id, text in sources.items():
        if grade_id not in by_id:
            raise KeyError(f"{lab}: no cell with grade_id {grade_id!r}; known: {sorted(k for k in by_id if k)}")
        by_id[grade_id].source = release[grade_id] if text is None else text
    return out


def _text(nb) -> str:
    return nbformat.writes(nb) + "\n"


def complete_nb(lab: str, root: Path = COURSE_ROOT) -> nbformat.NotebookNode:
    return _with_cells(release_notebook(lab, root), solution_sources(lab, root), lab, root)


def partial_nb(lab: str, root: Path = COURSE_ROOT) -> nbformat.NotebookNode:
    spec = load_spec(lab, root).get("partial")
    if not spec:
        raise KeyError(f"tests/lab_specs/{lab}.py has no 'partial' entry")
    return _with_cells(complete_nb(lab, root), spec["cells"], lab, root)


def complete(lab: str, root: Path = COURSE_ROOT) -> str:
    return _text(complete_nb(lab, root))


def partial(lab: str, root: Path = COURSE_ROOT) -> str:
    return _text(partial_nb(lab, root))


def blank(lab: str, root: Path = COURSE_ROOT) -> str:
    return (Path(root) / "release" / lab / f"{lab}.ipynb").read_text(encoding="utf-8")


def broken(lab: str, root: Path = COURSE_ROOT) -> str:
    """The complete notebook cut in the middle, as an interrupted upload leaves it: not valid JSON."""
    text = complete(lab, root)
    return text[: len(text) // 2]


def edited_tests(lab: str, root: Path = COURSE_ROOT) -> str:
    """The partial submission with every test cell replaced by code that passes: nbgrader must restore them."""
    nb = partial_nb(lab, root)
    for cell in nb.cells:
        if is_test_cell(cell):
            cell.source = '"""Edited by the student."""\nassert True\n'
    return _text(nb)


def deleted_test_id(lab: str, root: Path = COURSE_ROOT) -> str:
    """The first test cell of a part that the partial student left unanswered (its solution cell stays a stub)."""
    unanswered = {gid for gid, text in load_spec(lab, root)["partial"]["cells"].items() if text is None}
    src = source_notebook(lab, root)
    tests = test_points(src)
    for _letter, _points, grade_ids in parts(src, graded_only=False):
        if unanswered & set(grade_ids):
            return next(gid for gid in grade_ids if gid in tests)
    raise ValueError(f"{lab}: the partial spec leaves no part unanswered (set a solution cell to None)")


def deleted_test(lab: str, root: Path = COURSE_ROOT) -> str:
    nb = partial_nb(lab, root)
    gone = deleted_test_id(lab, root)
    nb.cells = [c for c in nb.cells if nbgrader_meta(c).get("grade_id") != gone]
    return _text(nb)


def infinite_loop(lab: str, root: Path = COURSE_ROOT) -> str:
    """The complete submission with an endless loop at the top of ``SPEC["infinite_loop"]["cell"]``."""
    spec = load_spec(lab, root)["infinite_loop"]
    nb = complete_nb(lab, root)
    for cell in nb.cells:
        if nbgrader_meta(cell).get("grade_id") == spec["cell"]:
            cell.source = INFINITE_LOOP + cell.source
            return _text(nb)
    raise KeyError(f"{lab}: no cell {spec['cell']!r} for the infinite loop")


def cheat(lab: str, root: Path = COURSE_ROOT) -> str:
    """The complete submission whose functions in ``SPEC["cheat"]["cells"]`` call mlcicd's reference instead."""
    return _text(_with_cells(complete_nb(lab, root), load_spec(lab, root)["cheat"]["cells"], lab, root))


def rebinding(lab: str, root: Path = COURSE_ROOT) -> str:
    """The cheat with ``reference_disabled`` rebound to a no-op at the top of ``SPEC["rebinding"]["cell"]``."""
    spec = load_spec(lab, root)
    cells = dict(spec["cheat"]["cells"])
    target = spec["rebinding"]["cell"]
    cells[target] = REBIND_GUARD + cells[target]
    return _text(_with_cells(complete_nb(lab, root), cells, lab, root))


def always_equal(lab: str, root: Path = COURSE_ROOT) -> str:
    """The complete submission whose multiple-choice answers (``SPEC["always_equal"]["cell"]``) equal everything."""
    cells = {load_spec(lab, root)["always_equal"]["cell"]: ALWAYS_EQUAL}
    return _text(_with_cells(complete_nb(lab, root), cells, lab, root))


KINDS = {"complete": complete, "partial": partial, "blank": blank, "broken": broken}


def write_submission(root: Path, student: str, lab: str, text: str) -> Path:
    folder = Path(root) / "submitted" / student / lab
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{lab}.ipynb"
    path.write_text(text, encoding="utf-8")
    return path


def write_sample_class(root: Path = COURSE_ROOT, labs: list[str] | None = None) -> dict[str, dict[str, str]]:
    """Write the sample class into ``<root>/submitted``; return {lab: {student: kind}} of what was written.

    A lab without a 'partial' spec gets no partial student (said in the returned mapping's absence).
    """
    written: dict[str, dict[str, str]] = {}
    for lab in labs if labs is not None else discover_labs(root):
        written[lab] = {}
        for student, kind in SAMPLE_CLASS.items():
            if kind == "partial" and "partial" not in load_spec(lab, root):
                continue
            write_submission(root, student, lab, KINDS[kind](lab, root))
            written[lab][student] = kind
    return written


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else COURSE_ROOT
    written = write_sample_class(root)
    if not written:
        print("No labs in source/: no sample submissions written.")
    for lab, students in written.items():
        print(f"{lab}: " + ", ".join(f"{s} ({k})" for s, k in students.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
