"""Shared fixtures: a throw-away copy of the course, and the real nbgrader CLI (helpers: tests/support)."""

from __future__ import annotations

from pathlib import Path

import pytest

from support import copy_course, run_nbgrader


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """A copy of the course (config, source/, release/) in a temporary folder, with its own gradebook."""
    return copy_course(tmp_path / "course")


@pytest.fixture
def nbgrader():
    """Run the real ``nbgrader`` CLI in a course folder (see :func:`support.run_nbgrader`)."""
    return run_nbgrader
