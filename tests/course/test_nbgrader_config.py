"""nbgrader_config.py gives nbgrader an absolute course root: the folder of the config file, from any working
directory, so no Jupyter server or nbgrader command logs "root '.' is not absolute"."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from nbgrader.coursedir import CourseDirectory
from traitlets.config.loader import PyFileConfigLoader

from support import REPO_ROOT


def _load(folder: Path):
    return PyFileConfigLoader("nbgrader_config.py", path=str(folder)).load_config()


def test_the_course_root_is_the_absolute_folder_of_the_config(tmp_path: Path, monkeypatch, caplog):
    course = tmp_path / "course"
    course.mkdir()
    shutil.copy2(REPO_ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    config = _load(course)
    assert config.CourseDirectory.root == str(course.resolve())
    log = logging.getLogger("test-coursedir")
    with caplog.at_level(logging.WARNING, logger="test-coursedir"):
        coursedir = CourseDirectory(config=config, log=log)
    assert coursedir.root == str(course.resolve())
    assert "is not absolute" not in caplog.text


def test_a_relative_root_would_log_the_warning(caplog):
    # The control for the test above: nbgrader warns about exactly this on a relative root.
    log = logging.getLogger("test-coursedir-relative")
    with caplog.at_level(logging.WARNING, logger="test-coursedir-relative"):
        CourseDirectory(root=".", log=log)
    assert "is not absolute" in caplog.text
