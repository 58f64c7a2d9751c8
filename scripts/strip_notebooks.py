"""Strip outputs, execution counts and widget state from notebooks, and give every cell an id.

Usage: python scripts/strip_notebooks.py [PATH ...]   (default: notebooks/ source/ tests/)
Committed notebooks must be clean; tests/course/test_hygiene.py checks it. ``release/`` is left alone: nbgrader
writes it, and it is regenerated, never edited.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.corpus.words import generate_corpus_id as random_cell_id

DEFAULT_ROOTS = ("notebooks", "source", "tests")


def strip(path: Path) -> bool:
    """Clean one notebook in place; return True if it changed."""
    before = path.read_text(encoding="utf-8")
    nb = nbformat.reads(before, as_version=4)
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("collapsed", None)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    nb.nbformat_minor = max(nb.get("nbformat_minor", 0), 5)
    for cell in nb.cells:
        if "id" not in cell:
            cell.id = random_cell_id()
    after = nbformat.writes(nb) + "\n"
    if after != before:
        path.write_text(after, encoding="utf-8")
        return True
    return False


def main(argv: list[str]) -> int:
    roots = [Path(a) for a in argv] or [Path(r) for r in DEFAULT_ROOTS]
    paths = []
    for root in roots:
        if root.suffix == ".ipynb":
            paths.append(root)
        else:
            paths.extend(p for p in sorted(root.rglob("*.ipynb")) if ".ipynb_checkpoints" not in p.parts)
    changed = [p for p in paths if strip(p)]
    for p in changed:
        print(f"stripped {p}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
