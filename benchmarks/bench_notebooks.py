"""Time every lesson notebook in a fresh kernel and compare it with its floor.

For each notebook in ``notebooks/`` (or the paths given) this script

1. runs the notebook top to bottom in a fresh kernel with nbclient, timing the whole execution: kernel start,
   every cell, and kernel shutdown;
2. runs its **floor**: a one-cell notebook holding only the notebook's own import lines (and ``%matplotlib``
   magics), in a fresh kernel, timed the same way. The floor is what no lesson can beat on this machine: a
   Python kernel plus pandas, scikit-learn, matplotlib, ...;
3. prints a table: wall time, floor and their ratio; the same for the CPU time of the kernel process (a busy
   shared machine stretches wall times, hardly CPU times, so the CPU columns show what the notebook itself costs);
   whether any cell wrote to stderr; and whether the notebook stays under the wall-time limit (15 s by default,
   the course's budget for a lesson).

Each measurement is repeated ``--repeat`` times, notebook and floor alternating so both see the same load, and
the fastest run is kept (the usual way to time code on a shared machine: slower runs measure the neighbours, not
the notebook). The header prints the load average, because on a busy machine every number grows.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_notebooks.py                  # every notebooks/*.ipynb
    .venv/bin/python benchmarks/bench_notebooks.py notebooks/03_data_monitoring.ipynb --repeat 3
    .venv/bin/python benchmarks/bench_notebooks.py --check          # exit 1 if a notebook fails or is too slow

Like ``make test``, it sets ``MPLBACKEND=Agg`` unless it is already set.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import NamedTuple

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DIR = REPO_ROOT / "notebooks"
DEFAULT_LIMIT = 15.0
_ANSI = re.compile(r"\x1b\[[0-9;]*m")  # colour codes in tracebacks
# A top-level import statement, or a %matplotlib magic (it imports the plotting backend).
_IMPORT_LINE = re.compile(r"^(import\s+\S|from\s+\S+\s+import\s+\S|%matplotlib\b)")


def import_lines(nb: nbformat.NotebookNode) -> list[str]:
    """Return the notebook's top-level import lines (and %matplotlib magics), in order, without repeats.

    A parenthesised import that spans several lines is kept whole.
    """
    lines: list[str] = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        source = cell.source.splitlines()
        i = 0
        while i < len(source):
            line = source[i]
            if _IMPORT_LINE.match(line):
                statement = [line]
                if "(" in line and ")" not in line:
                    while i + 1 < len(source) and ")" not in source[i]:
                        i += 1
                        statement.append(source[i])
                text = "\n".join(statement)
                if text not in lines:
                    lines.append(text)
            i += 1
    return lines


def floor_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return a one-cell notebook that only imports what ``nb`` imports."""
    floor = nbformat.v4.new_notebook()
    floor.metadata = nb.metadata
    floor.cells.append(nbformat.v4.new_code_cell("\n".join(import_lines(nb)) or "pass"))
    return floor


class Run(NamedTuple):
    """One execution: wall seconds, CPU seconds used by the kernel, whether a cell wrote stderr, the error if any."""

    wall: float
    cpu: float
    stderr: bool
    error: str | None


def _children_cpu() -> float:
    """CPU seconds (user + system) used so far by finished child processes, such as shut-down kernels."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(nb: nbformat.NotebookNode, workdir: Path, timeout: int) -> Run:
    """Execute a copy of ``nb`` in a fresh kernel and time it (kernel start and shutdown included)."""
    copy = nbformat.reads(nbformat.writes(nb), as_version=4)  # never write outputs into the caller's notebook
    client = NotebookClient(
        copy,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(workdir)}},
    )
    error = None
    cpu_before = _children_cpu()
    start = time.perf_counter()
    try:
        # The kernel process's own log (e.g. ipykernel's "running over TCP" notice) is not notebook output;
        # what cells write to stderr arrives as "stream" outputs and is checked below.
        client.execute(stderr=subprocess.DEVNULL)
    except CellExecutionError as exc:
        lines = _ANSI.sub("", str(exc)).strip().splitlines()
        error = lines[-1] if lines else type(exc).__name__
    except Exception as exc:  # a dead kernel or a timeout: report it in the table, keep timing the others
        error = f"{type(exc).__name__}: {exc}"
    wall = time.perf_counter() - start
    # The kernel is our child process and has been reaped at shutdown, so its CPU time is now counted here.
    # Unlike wall time, CPU time hardly depends on how busy the machine is.
    cpu = _children_cpu() - cpu_before
    stderr = any(
        out.get("output_type") == "stream" and out.get("name") == "stderr"
        for cell in copy.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
    )
    return Run(wall, cpu, stderr, error)


def summarise(runs: list[Run]) -> Run:
    """The fastest wall time and the smallest CPU time of several runs; stderr and errors if any run had them."""
    errors = [r.error for r in runs if r.error]
    return Run(
        min(r.wall for r in runs), min(r.cpu for r in runs), any(r.stderr for r in runs), errors[0] if errors else None
    )


def measure(path: Path, repeat: int, timeout: int) -> tuple[Run, Run]:
    """Time the notebook and its floor, alternating runs so that both see the same load on a shared machine."""
    nb = nbformat.read(path, as_version=4)
    floor = floor_notebook(nb)
    runs, floor_runs = [], []
    for _ in range(repeat):
        runs.append(run_once(nb, path.parent, timeout))
        floor_runs.append(run_once(floor, path.parent, timeout))
    return summarise(runs), summarise(floor_runs)


def find_notebooks(paths: list[str]) -> list[Path]:
    """Expand the command-line paths (files or folders) into a sorted list of notebooks."""
    roots = [Path(p) for p in paths] or [DEFAULT_DIR]
    found: list[Path] = []
    for root in roots:
        if root.is_dir():
            found.extend(p for p in sorted(root.glob("*.ipynb")) if ".ipynb_checkpoints" not in p.parts)
        elif root.suffix == ".ipynb" and root.exists():
            found.append(root)
        else:
            raise SystemExit(f"not a notebook or a folder: {root}")
    if not found:
        raise SystemExit(f"no notebooks found in {', '.join(map(str, roots))}")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", help="notebooks or folders (default: notebooks/)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement; the fastest is kept (default 1)")
    parser.add_argument(
        "--limit", type=float, default=DEFAULT_LIMIT, help="wall-time budget per notebook, s (default 15)"
    )
    parser.add_argument("--timeout", type=int, default=120, help="per-cell timeout, s (default 120)")
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if a notebook errors, writes stderr or exceeds --limit"
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    os.environ.setdefault("MPLBACKEND", "Agg")

    notebooks = find_notebooks(args.paths)
    width = max(len(p.name) for p in notebooks)
    header = (
        f"{'notebook':<{width}}  {'wall s':>7}  {'floor s':>7}  {'ratio':>5}  "
        f"{'cpu s':>6}  {'floor':>6}  {'ratio':>5}  {'stderr':>6}  status"
    )
    load = f"; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs" if hasattr(os, "getloadavg") else ""
    print(
        f"fresh kernel per run, start and shutdown included; best of {args.repeat}; limit {args.limit:g} s wall{load}"
    )
    print(
        "wall = elapsed time; cpu = CPU time of the kernel process (user + system), which a busy machine hardly changes"
    )
    print(header)
    print("-" * len(header))
    failed = False
    for path in notebooks:
        run, floor = measure(path, args.repeat, args.timeout)
        if run.error or floor.error:
            status = f"ERROR: {run.error or floor.error}"
        elif run.wall > args.limit:
            status = f"over {args.limit:g} s"
        else:
            status = "ok"
        failed |= status != "ok" or run.stderr
        print(
            f"{path.name:<{width}}  {run.wall:7.2f}  {floor.wall:7.2f}  {run.wall / floor.wall:5.2f}  "
            f"{run.cpu:6.2f}  {floor.cpu:6.2f}  {run.cpu / max(floor.cpu, 1e-9):5.2f}  "
            f"{'yes' if run.stderr else 'no':>6}  {status}",
            flush=True,
        )
    return 1 if (args.check and failed) else 0


if __name__ == "__main__":
    sys.exit(main())
