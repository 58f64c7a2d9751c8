"""Run the real nbgrader CLI the way `make demo`, the tests and the benchmarks all do: one runner, one environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

#: The bin/ folder of the Python environment this runs in (the course's .venv under `make`).
VENV_BIN = Path(sys.executable).parent


def nbgrader_env() -> dict[str, str]:
    """The venv's bin/ first on PATH (nbgrader runs `alembic`), and a non-interactive matplotlib backend."""
    env = dict(os.environ)
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    env["MPLBACKEND"] = "Agg"
    return env


def nbgrader(root: Path, *args: str, timeout: float | None = None) -> subprocess.CompletedProcess:
    """Run the real nbgrader CLI in the course folder ``root``; never raises on a non-zero exit."""
    return subprocess.run(
        [str(VENV_BIN / "nbgrader"), *args],
        cwd=root,
        env=nbgrader_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
