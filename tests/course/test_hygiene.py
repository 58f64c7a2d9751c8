"""Repository hygiene: clean notebooks, a side-effect-free package, pins that agree, a Binder config that renders."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from support import REPO_ROOT, assert_binder_config_renders, course_env

NOTEBOOK_DIRS = ("notebooks", "source", "release", "tests")


def committed_notebooks() -> list[Path]:
    paths = []
    for folder in NOTEBOOK_DIRS:
        paths += [p for p in sorted((REPO_ROOT / folder).rglob("*.ipynb")) if ".ipynb_checkpoints" not in p.parts]
    return paths


NOTEBOOKS = committed_notebooks()


def test_the_course_has_notebooks_to_check():
    assert NOTEBOOKS, "no notebooks found under notebooks/, source/, release/ or tests/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_committed_notebook_has_no_outputs_counts_or_widget_state(path: Path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert "widgets" not in nb.get("metadata", {}), f"{path}: widget state in metadata; run scripts/strip_notebooks.py"
    for index, cell in enumerate(nb["cells"]):
        where = f"{path.relative_to(REPO_ROOT)} cell {index}"
        assert "id" in cell, f"{where}: cell has no id; run scripts/strip_notebooks.py"
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"{where}: has outputs; run scripts/strip_notebooks.py"
            assert cell.get("execution_count") is None, f"{where}: has an execution count"


def test_importing_the_package_has_no_side_effects(tmp_path: Path):
    """Importing mlcicd and every module must not seed, create files, or restyle matplotlib."""
    probe = """
import os, pathlib, sys
import numpy as np
import matplotlib
state_before = np.random.get_state()[1].copy()
rc_before = dict(matplotlib.rcParams)
files_before = set(pathlib.Path('.').rglob('*'))
import importlib, pkgutil, mlcicd
for info in pkgutil.iter_modules(mlcicd.__path__):
    importlib.import_module(f"mlcicd.{info.name}")
assert (np.random.get_state()[1] == state_before).all(), "the global numpy seed changed"
changed = {k for k, v in matplotlib.rcParams.items() if rc_before.get(k) != v}
assert not changed, f"matplotlib rcParams changed: {sorted(changed)}"
assert set(pathlib.Path('.').rglob('*')) == files_before, "importing created files"
print("ok")
"""
    env = course_env()
    env["MPLBACKEND"] = "Agg"
    proc = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok"
    assert proc.stderr == "", f"importing mlcicd wrote to stderr: {proc.stderr}"


def test_public_api_names_exist():
    import mlcicd

    missing = [name for name in mlcicd.__all__ if not hasattr(mlcicd, name)]
    assert not missing, f"mlcicd.__all__ lists names it does not define: {missing}"


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if not line or line.startswith("-r"):
            continue
        name, sep, version = line.partition("==")
        assert sep, f"{path.name}: {line!r} is not an exact pin (name==version)"
        pins[re.sub(r"[-_.]+", "-", name).lower()] = version
    return pins


def test_every_dependency_is_pinned_exactly():
    import tomllib

    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    runtime = _pins(REPO_ROOT / "binder" / "requirements.txt")
    cluster = _pins(REPO_ROOT / "requirements-cluster.txt")
    test = _pins(REPO_ROOT / "requirements-test.txt")
    assert not set(runtime) & set(test) and not set(runtime) & set(cluster) and not set(cluster) & set(test), (
        "a package is pinned twice"
    )
    for requirement in project["dependencies"]:
        name = re.sub(r"[-_.]+", "-", re.split(r"[<>=!~\[ ;]", requirement)[0]).lower()
        assert name in runtime, f"runtime dependency {name} has no pin in binder/requirements.txt"
    for group, pins, path in (
        ("test", test, "requirements-test.txt"),
        ("cluster", cluster, "requirements-cluster.txt"),
    ):
        for requirement in project["optional-dependencies"][group]:
            name = re.sub(r"[-_.]+", "-", re.split(r"[<>=!~\[ ;]", requirement)[0]).lower()
            assert name in pins, f"{group} dependency {name} has no pin in {path}"


def test_installed_versions_match_the_pins():
    from importlib.metadata import version

    pins = {**_pins(REPO_ROOT / "binder" / "requirements.txt"), **_pins(REPO_ROOT / "requirements-cluster.txt")}
    for name, pinned in pins.items():
        assert version(name) == pinned, f"{name} {version(name)} is installed but {pinned} is pinned; run make install"


def test_binder_config_renders_python_311_with_the_pins(tmp_path: Path):
    """repo2docker (no Docker needed with --no-build) must pick binder/, Python 3.11 and the pinned requirements."""
    repo = tmp_path / "repo"
    repo.mkdir()
    for name in ("binder", "pyproject.toml", "README.md"):
        src = REPO_ROOT / name
        if src.is_dir():
            subprocess.run(["cp", "-r", str(src), str(repo / name)], check=True)
        elif src.exists():
            subprocess.run(["cp", str(src), str(repo / name)], check=True)
    assert_binder_config_renders(repo)


def test_binder_postbuild_fails_fast():
    text = (REPO_ROOT / "binder" / "postBuild").read_text()
    assert text.startswith("#!/usr/bin/env bash"), "postBuild needs a bash shebang"
    assert "set -euo pipefail" in text
    assert (REPO_ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.11"
