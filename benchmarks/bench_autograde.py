"""Time to autograde one submission of each lab, against the floor of a fresh kernel that only imports.

For every lab in source/ this builds a throw-away copy of the course, registers the lab with
``nbgrader generate_assignment``, submits the complete solution for one student and measures:

* ``autograde``: wall time of ``nbgrader autograde LAB`` for that one submission (CLI start-up, gradebook,
  kernel start, running every cell, hidden tests included);
* ``notebook``: wall time of executing the same submitted notebook in a fresh kernel (nbclient), without nbgrader;
* ``floor``: wall time of a fresh kernel that runs only the import lines of the lab's setup cell
  (the same libraries, no work);

and prints ``autograde / floor`` and ``notebook / floor``. Usage (from the repo root, venv python):

    python benchmarks/bench_autograde.py [--repeat N] [LAB ...]

Each time is the minimum over ``--repeat`` runs (default 1), so a busy machine inflates it less.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from mlcicd.grader import sample_class
from mlcicd.grader.nbgrader_cli import nbgrader

REPO_ROOT = Path(__file__).resolve().parents[1]


def _nbgrader(root: Path, *args: str) -> float:
    start = time.perf_counter()
    proc = nbgrader(root, *args)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"nbgrader {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    return elapsed


def _execute(nb: nbformat.NotebookNode, cwd: Path) -> float:
    start = time.perf_counter()
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}).execute()
    return time.perf_counter() - start


def floor_notebook(lab: str) -> nbformat.NotebookNode:
    """A notebook with one cell: the import lines of the lab's first plain code cell (its setup cell)."""
    source = sample_class.source_notebook(lab, REPO_ROOT)
    setup = next(c for c in source.cells if c.cell_type == "code" and not sample_class.nbgrader_meta(c))
    imports = [line for line in setup.source.splitlines() if line.startswith(("import ", "from "))]
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("\n".join(imports))])


def bench(lab: str, repeat: int) -> tuple[float, float, float]:
    with tempfile.TemporaryDirectory(prefix=f"bench-{lab}-") as tmp:
        root = Path(tmp)
        shutil.copy2(REPO_ROOT / "nbgrader_config.py", root)
        for folder in ("source", "release"):
            shutil.copytree(REPO_ROOT / folder, root / folder)
        _nbgrader(root, "generate_assignment", lab, "--force")
        path = sample_class.write_submission(root, "bench_student", lab, sample_class.complete(lab, REPO_ROOT))
        autograde = min(_nbgrader(root, "autograde", lab, "--force") for _ in range(repeat))
        notebook = min(_execute(nbformat.read(str(path), as_version=4), path.parent) for _ in range(repeat))
        floor = min(_execute(floor_notebook(lab), root) for _ in range(repeat))
    return autograde, notebook, floor


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time nbgrader autograde of one submission per lab.")
    parser.add_argument("labs", nargs="*", help="labs to time (default: every lab in source/)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement; the minimum is reported")
    args = parser.parse_args(argv)
    labs = args.labs or sample_class.discover_labs(REPO_ROOT)
    if not labs:
        print("No labs in source/: nothing to time.")
        return 0
    print(
        f"{'lab':<18}{'autograde s':>12}{'notebook s':>12}{'floor s':>10}{'autograde/floor':>17}{'notebook/floor':>16}"
    )
    for lab in labs:
        autograde, notebook, floor = bench(lab, args.repeat)
        print(
            f"{lab:<18}{autograde:>12.1f}{notebook:>12.1f}{floor:>10.1f}{autograde / floor:>17.1f}{notebook / floor:>16.1f}"
        )
    print(
        "\nfloor = fresh kernel running only the lab's import lines; times are minima over "
        f"{args.repeat} run(s), wall clock, on this machine's current load."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
