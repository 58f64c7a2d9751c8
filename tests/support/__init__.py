"""Helpers the tests share: the repository root, a throw-away copy of the course, and the real nbgrader CLI.

Import them with ``from support import ...`` (``pythonpath = ["tests"]`` in pyproject.toml); the fixtures built on
them live in tests/conftest.py.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from mlcicd.grader.nbgrader_cli import VENV_BIN, nbgrader, nbgrader_env

__all__ = [
    "COURSE_FILES",
    "REPO_ROOT",
    "VENV_BIN",
    "assert_binder_config_renders",
    "copy_course",
    "course_env",
    "run_nbgrader",
]

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


def assert_binder_config_renders(repo: Path) -> None:
    """``repo2docker --no-build`` (no Docker needed) on ``repo`` picks binder/, Python 3.11 and the pinned requirements."""
    proc = subprocess.run(
        [str(VENV_BIN / "repo2docker"), "--no-build", "--debug", str(repo)],
        env=course_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert "python=3.11" in output, "repo2docker did not select Python 3.11 from binder/runtime.txt"
    assert 'pip install --no-cache-dir -r "binder/requirements.txt"' in output
    assert "./binder/postBuild" in output
