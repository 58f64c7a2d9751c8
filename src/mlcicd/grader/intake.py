"""Intake: decide, before any code runs, whether a submission folder can be graded, and repair what can be.

Rejected (with a reason naming the student, the file and what to do): a missing, renamed or extra notebook, an
empty file, bytes that are not UTF-8, text that is not JSON, JSON that is not a notebook, a notebook format newer
than this installation reads, another assignment's notebook, a notebook with none of the lab's graded cells.

Repaired from the released notebook (and listed in the report): nbgrader metadata that was edited (points,
grade/solution/locked flags, schema version, checksum), a changed cell type of a graded cell, duplicated grade ids
(a copy-pasted graded cell: the later copies become ordinary cells), unknown grade ids (ordinary cells), a changed
kernelspec. nbgrader then restores locked cells and missing test cells itself. Files other than the notebooks are
not graded, so a module placed beside the notebook cannot shadow one that the tests import.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

__all__ = ["Intake", "ReleasedLab", "check_submission"]


def _gid(cell) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


@dataclass
class ReleasedLab:
    """The released notebooks of one lab (what students were given), and the grade ids of every other lab."""

    lab: str
    notebooks: dict[str, nbformat.NotebookNode]
    other_labs: dict[str, set[str]]

    @classmethod
    def load(cls, root: Path, lab: str) -> ReleasedLab:
        from mlcicd.grader.errors import CourseError

        release = root / "release"
        folder = release / lab
        notebooks = {p.name: nbformat.read(str(p), as_version=4) for p in sorted(folder.glob("*.ipynb"))}
        if not notebooks:
            raise CourseError(f"release/{lab}/ has no notebook: run `nbgrader generate_assignment {lab}` first")
        others = {}
        for other in sorted(p for p in release.iterdir() if p.is_dir() and p.name != lab):
            cells = (c for p in other.glob("*.ipynb") for c in nbformat.read(str(p), as_version=4).cells)
            others[other.name] = {gid for gid in map(_gid, cells) if gid is not None}
        return cls(lab, notebooks, others)


@dataclass
class Intake:
    """The outcome for one submission folder: repaired notebooks to grade, or a rejection reason."""

    student: str
    notebooks: dict[str, nbformat.NotebookNode] = field(default_factory=dict)
    repairs: list[str] = field(default_factory=list)
    rejection: str | None = None

    @property
    def accepted(self) -> bool:
        return self.rejection is None


def _reject(intake: Intake, message: str) -> Intake:
    intake.rejection = message
    intake.notebooks.clear()
    return intake


def _read(path: Path, shown: str, lab: str) -> nbformat.NotebookNode | str:
    """The notebook at ``path``, or the reason it cannot be graded."""
    fresh = f"ask the student to download release/{lab}/{path.name} again, copy their answers into it and resubmit"
    raw = path.read_bytes()
    if not raw.strip():
        return f"{shown} is empty ({len(raw)} bytes): the upload failed or the file was never saved; {fresh}"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return f"{shown} is not UTF-8 text (byte {error.start}); {fresh}"
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        return f"{shown} is not valid JSON ({error.msg} at line {error.lineno}, column {error.colno}); {fresh}"
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        return f"{shown} is JSON but not a Jupyter notebook (no list of cells); {fresh}"
    major, minor = data.get("nbformat"), data.get("nbformat_minor")
    if not (isinstance(major, int) and isinstance(minor, int)):
        return f"{shown} has no valid nbformat version; {fresh}"
    if major != 4 or minor > nbformat.current_nbformat_minor:
        return (
            f"{shown} is in notebook format {major}.{minor}, newer than this grader reads "
            f"(4.{nbformat.current_nbformat_minor}); ask the student to save it with the course's JupyterLab "
            f"or to {fresh[4:]}"
        )
    try:
        nb = nbformat.reads(text, as_version=4)
        nbformat.validate(nb)
    except Exception as error:  # nbformat raises several unrelated types for malformed cells
        first = str(error).strip().splitlines()[0][:200]
        return f"{shown} does not follow the notebook format ({first}); {fresh}"
    return nb


def _repair(nb: nbformat.NotebookNode, released: nbformat.NotebookNode, shown: str) -> list[str]:
    """Restore nbgrader metadata and cell types from the released notebook; return what was repaired."""
    repairs: list[str] = []
    reference = {_gid(c): c for c in released.cells if _gid(c)}
    seen: set[str] = set()
    for cell in nb.cells:
        gid = _gid(cell)
        if gid is None:
            if "nbgrader" in cell.get("metadata", {}):
                del cell.metadata["nbgrader"]
                repairs.append(f"{shown}: removed nbgrader metadata without a grade id")
            continue
        if gid in seen or gid not in reference:
            del cell.metadata["nbgrader"]
            what = "a copy of graded cell" if gid in seen else "unknown grade id"
            repairs.append(f"{shown}: {what} {gid!r} made an ordinary cell")
            continue
        seen.add(gid)
        original = reference[gid]
        if cell.cell_type != original.cell_type:
            repairs.append(f"{shown}: cell {gid!r} turned back from {cell.cell_type} into {original.cell_type}")
            cell.cell_type = original.cell_type
            if original.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
            else:
                cell.pop("outputs", None)
                cell.pop("execution_count", None)
        if cell.metadata["nbgrader"] != original.metadata["nbgrader"]:
            changed = sorted(
                k
                for k in set(cell.metadata["nbgrader"]) | set(original.metadata["nbgrader"])
                if cell.metadata["nbgrader"].get(k) != original.metadata["nbgrader"].get(k)
            )
            repairs.append(f"{shown}: restored nbgrader metadata of {gid!r} ({', '.join(changed)})")
            cell.metadata["nbgrader"] = copy.deepcopy(original.metadata["nbgrader"])
    for key in ("kernelspec", "language_info"):
        if key in released.metadata and nb.metadata.get(key) != released.metadata[key]:
            nb.metadata[key] = copy.deepcopy(released.metadata[key])
            repairs.append(f"{shown}: restored the notebook's {key}")
    return repairs


def check_submission(folder: Path, released: ReleasedLab, student: str) -> Intake:
    """Read ``submitted/<student>/<lab>/``: the notebooks to grade after repairs, or why the folder is rejected."""
    intake = Intake(student)
    lab = released.lab
    base = f"submitted/{student}/{lab}"
    present = sorted(p.name for p in folder.glob("*.ipynb") if p.is_file())
    expected = sorted(released.notebooks)
    missing = [n for n in expected if n not in present]
    extra = [n for n in present if n not in expected]
    if missing and extra:
        return _reject(
            intake,
            f"{base}/{missing[0]} is missing and {base}/{extra[0]} is there instead: the "
            f"notebook was renamed; rename it back to {missing[0]} and resubmit",
        )
    if missing:
        return _reject(
            intake,
            f"{base}/{missing[0]} is missing; ask the student to submit it (the folder holds "
            f"{', '.join(p.name for p in sorted(folder.iterdir())) or 'nothing'})",
        )
    if extra:
        return _reject(
            intake,
            f"{base} holds notebooks that are not part of {lab}: {', '.join(extra)}; ask the "
            f"student to remove them and resubmit only {', '.join(expected)}",
        )
    others = sorted(
        p.name for p in folder.iterdir() if p.is_file() and p.suffix != ".ipynb" and p.name != "timestamp.txt"
    )
    if others:
        intake.repairs.append(f"{base}: not graded, only notebooks are: {', '.join(others)}")
    for name in expected:
        shown = f"{base}/{name}"
        nb = _read(folder / name, shown, lab)
        if isinstance(nb, str):
            return _reject(intake, nb)
        own = {_gid(c) for c in released.notebooks[name].cells} - {None}
        ids = {_gid(c) for c in nb.cells} - {None}
        if not ids & own:
            origin = [other for other, other_ids in released.other_labs.items() if ids and ids <= other_ids | {None}]
            if origin:
                return _reject(
                    intake,
                    f"{shown} is the notebook of {origin[0]}, not of {lab}; ask the student to "
                    f"submit their {lab} notebook",
                )
            return _reject(
                intake,
                f"{shown} has none of the graded cells of {lab} (was it made from scratch or "
                f"its metadata removed?); ask the student to download release/{lab}/{name}, copy "
                "their answers into it and resubmit",
            )
        intake.repairs += _repair(nb, released.notebooks[name], shown)
        intake.notebooks[name] = nb
    return intake
