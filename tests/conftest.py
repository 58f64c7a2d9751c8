"""Shared fixtures: the repository root, a throw-away copy of the course, and the real nbgrader CLI."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
COURSE_FILES = ("nbgrader_config.py", "source", "release")

# scripts/demo.py holds the nbgrader runner that `make demo` uses; the tests run nbgrader the same way.
sys.path.insert(0, str(REPO_ROOT / "scripts"))
import demo  # noqa: E402


def course_env() -> dict[str, str]:
    """Environment for nbgrader and Jupyter subprocesses: the venv's bin/ first (nbgrader runs `alembic`)."""
    env = demo.nbgrader_env()
    env.pop("JUPYTER_CONFIG_DIR", None)
    return env


def run_nbgrader(course_dir: Path, *args: str, check: bool = True, timeout: float = 900) -> subprocess.CompletedProcess:
    """Run the real ``nbgrader`` CLI in a course folder; with ``check``, a non-zero exit fails with its output."""
    proc = demo.nbgrader(course_dir, *args, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(
            f"nbgrader {' '.join(args)} exited {proc.returncode}\n--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}"
        )
    return proc


def copy_course(dest: Path, parts: tuple[str, ...] = COURSE_FILES) -> Path:
    """Copy ``parts`` of the repository (files or folders) into the folder ``dest``; return ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in parts:
        src = REPO_ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        elif src.exists():
            shutil.copy2(src, dest / name)
    return dest


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """A copy of the course (config, source/, release/) in a temporary folder, with its own gradebook."""
    return copy_course(tmp_path / "course")


@pytest.fixture
def nbgrader():
    """Run the real ``nbgrader`` CLI in a course folder (see :func:`run_nbgrader`)."""
    return run_nbgrader
