"""The repository as maintainers meet it: one version source, shipped type information, pinned linters, and no
reference to anything outside the clone."""

from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

import mlcicd
from support import REPO_ROOT

PYPROJECT = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _tracked_files() -> list[str]:
    out = subprocess.run(["git", "ls-files"], cwd=REPO_ROOT, capture_output=True, text=True, check=True).stdout
    return [name for name in out.splitlines() if (REPO_ROOT / name).is_file()]


def test_the_package_version_is_the_one_in_pyproject():
    assert mlcicd.__version__ == PYPROJECT["project"]["version"]
    version_lines = [
        line
        for line in (REPO_ROOT / "src" / "mlcicd" / "__init__.py").read_text().splitlines()
        if re.match(r"\s*__version__\s*=\s*['\"]\d+\.\d+", line)
    ]
    assert not version_lines, f"the version is written again in mlcicd/__init__.py: {version_lines}"


def test_the_package_ships_py_typed():
    assert (REPO_ROOT / "src" / "mlcicd" / "py.typed").is_file()
    assert "py.typed" in PYPROJECT["tool"]["setuptools"]["package-data"]["mlcicd"]


def test_the_pre_commit_ruff_hook_uses_the_pinned_ruff():
    pins = dict(
        line.split("==")
        for line in (REPO_ROOT / "requirements-test.txt").read_text().splitlines()
        if "==" in line and not line.startswith("#")
    )
    config = (REPO_ROOT / ".pre-commit-config.yaml").read_text()
    rev = re.search(r"astral-sh/ruff-pre-commit\s+rev:\s*v([\d.]+)", config)
    assert rev, "no ruff-pre-commit hook in .pre-commit-config.yaml"
    assert rev.group(1) == pins["ruff"], (
        f"pre-commit runs ruff {rev.group(1)}, requirements-test.txt pins {pins['ruff']}"
    )
    assert "mypy" in pins


def test_no_python_file_manipulates_sys_path_outside_conftest():
    hack = re.compile(r"sys\.path\.(insert|append|extend)\(|sys\.path\s*[+]?=[^=]")
    offenders = [
        f"{name}:{number}"
        for name in _tracked_files()
        if name.endswith(".py") and not name.endswith("conftest.py")
        for number, line in enumerate((REPO_ROOT / name).read_text(encoding="utf-8").splitlines(), 1)
        if hack.search(line)
    ]
    assert not offenders, f"sys.path manipulation (import from the package or tests/support instead): {offenders}"


# What a user who has only the clone cannot open: a path that climbs out of its own folder (``../x``), a path on
# this machine (the folders that hold the clone, the home folder), or a Markdown document the clone does not have.
# The system's own folders stay nameable (the sandbox binds /tmp), also when the clone lives in one of them.
_PARENT_PATH = re.compile(r"(?:\.\./)+[\w.-]+")
_SYSTEM_FOLDERS = {Path(p) for p in ("/", "/tmp", "/var", "/var/tmp", "/opt", "/srv", "/usr", "/usr/local")}
_MACHINE_PATH = re.compile(
    "|".join(re.escape(str(folder)) + r"(?![\w.-])" for folder in {*REPO_ROOT.parents, Path.home()} - _SYSTEM_FOLDERS)
    or r"(?!)"  # nothing to look for: match nothing
)
_MARKDOWN_NAME = re.compile(r"\b[\w-]+\.md\b")


def _outside_references(name: str, line: str, markdown_names: set[str]) -> list[str]:
    folder = (REPO_ROOT / name).parent
    found = [m for m in _PARENT_PATH.findall(line) if not (folder / m).resolve().is_relative_to(REPO_ROOT)]
    found += _MACHINE_PATH.findall(line)
    found += [doc for doc in _MARKDOWN_NAME.findall(line) if doc not in markdown_names]
    return found


def test_no_tracked_file_points_outside_the_repository():
    tracked = _tracked_files()
    markdown_names = {name.rsplit("/", 1)[-1] for name in tracked if name.endswith(".md")}
    offenders = [
        f"{name}:{number}: {found}"
        for name in tracked
        for number, line in enumerate((REPO_ROOT / name).read_text(encoding="utf-8", errors="replace").splitlines(), 1)
        if (found := _outside_references(name, line, markdown_names))
    ]
    assert not offenders, f"references to files outside the clone (cite CONTRIBUTING.md instead): {offenders}"
