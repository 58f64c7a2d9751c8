"""Helpers the tests share: the repository root, a throw-away copy of the course, and the real nbgrader CLI.

Import them with ``from support import ...`` (``pythonpath = ["tests"]`` in pyproject.toml); the fixtures built on
them live in tests/conftest.py.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from mlcicd.grader.nbgrader_cli import VENV_BIN, nbgrader, nbgrader_env

__all__ = ["COURSE_FILES", "REPO_ROOT", "VENV_BIN", "copy_course", "course_env", "run_nbgrader"]

REPO_ROOT = Path(__file__).resolve().parents[2]
COURSE_FILES = ("nbgrader_config.py", "source", "release")


def course_env() -> dict[str, str]:
    """Environment for nbgrader and Jupyter subprocesses: the venv's bin/ first (nbgrader runs `alembic`)."""
    env = nbgrader_env()
    env.pop("JUPYTER_CONFIG_DIR", None)
    return env


def run_nbgrader(course_dir: Path, *args: str, check: bool = True, timeout: float = 900) -> subprocess.CompletedProcess:
    """Run the real ``nbgrader`` CLI in a course folder; with ``check``, a non-zero exit fails with its output."""
    proc = nbgrader(course_dir, *args, timeout=timeout)
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
