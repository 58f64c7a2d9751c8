"""`make lab` proven on a copy of the course: the real Makefile starts the real JupyterLab server in student mode.

The server must serve the work folder my-work/ (lessons and labs copied there, never the repository's own files),
run with binder/student_settings.sh applied (no Formgrader, Assignment List or Course List handlers; nbgrader's
instructor and exchange plugins disabled in the page config; Validate kept), accept `ARGS=...` and, as root, start
at all (Jupyter refuses root without --allow-root). The runtime stamp is pre-made so that nothing is installed.
tests/browser/test_browser.py proves the same settings in a real browser.

Run only these:  python -m pytest tests/end_to_end/test_make_lab.py
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from support import REPO_ROOT, VENV_BIN, copy_course, course_env

COURSE_PARTS = ("Makefile", "pyproject.toml", "binder", "notebooks", "release", "source", "nbgrader_config.py")
HIDDEN_PLUGINS = (
    "@jupyter/nbgrader:create-assignment",
    "@jupyter/nbgrader:formgrader",
    "@jupyter/nbgrader:assignment-list",
    "@jupyter/nbgrader:course-list",
    "@jupyter/nbgrader:menu",
)
#: Handlers of nbgrader's formgrader, assignment_list and course_list server extensions.
HIDDEN_HANDLERS = ("/formgrader", "/assignments", "/courses", "/formgraders")


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(port: int, token: str, path: str) -> tuple[int, str]:
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Authorization": f"token {token}"})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as err:
        with err:
            return err.code, err.read().decode("utf-8", "replace")


@pytest.fixture(scope="module")
def make_lab(tmp_path_factory):
    """`make lab ARGS=...` in a copy of the course whose .venv is this venv; yields (course, port, token, log)."""
    course = copy_course(tmp_path_factory.mktemp("make-lab") / "course", COURSE_PARTS)
    (course / ".venv").symlink_to(VENV_BIN.parent, target_is_directory=True)
    stamp = course / "runtime-installed"  # outside the shared venv: the test must not write into it
    stamp.touch()
    (course / "my-work" / "release" / "lab1_versioning").mkdir(parents=True)
    own = course / "my-work" / "release" / "lab1_versioning" / "lab1_versioning.ipynb"
    own.write_text('{"the student": "has work here"}', encoding="utf-8")
    port, token = _free_port(), secrets.token_hex(16)
    home = course / "home"
    env = {**course_env(), "HOME": str(home), "JUPYTER_DATA_DIR": str(home / "data")}
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_PATH", "JUPYTER_CONFIG_PATH", "JUPYTER_TOKEN"):
        env.pop(name, None)
    args = f"--no-browser --ServerApp.ip=127.0.0.1 --ServerApp.port={port} --ServerApp.port_retries=0 --IdentityProvider.token={token}"
    log_path = course / "make-lab.log"
    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(
            ["make", "lab", f"RUNTIME_STAMP={stamp}", f"ARGS={args}"],
            cwd=course,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 180
        while True:
            if process.poll() is not None:
                pytest.fail(f"make lab exited {process.returncode}:\n{log_path.read_text()[-3000:]}")
            try:
                if _get(port, token, "/api/status")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"make lab did not answer within 180 s:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.5)
        yield course, port, token, log_path
    finally:
        shutdown = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/shutdown", method="POST", headers={"Authorization": f"token {token}"}
        )
        with contextlib.suppress(OSError):
            urllib.request.urlopen(shutdown, timeout=10).close()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=10)


@pytest.mark.slow
def test_make_lab_serves_the_work_folder_and_keeps_the_students_file(make_lab):
    course, port, token, _ = make_lab
    work = course / "my-work"
    assert (work / "notebooks" / "00_start_here.ipynb").read_bytes() == (
        REPO_ROOT / "notebooks" / "00_start_here.ipynb"
    ).read_bytes()
    assert (work / "release" / "lab1_versioning" / "lab1_versioning.ipynb").read_text() == (
        '{"the student": "has work here"}'
    ), "make lab overwrote the student's own lab"
    assert (work / "release" / "lab2_testing" / "lab2_testing.ipynb").exists()
    assert _get(port, token, "/api/contents/notebooks/00_start_here.ipynb")[0] == 200
    # The server's root is the work folder: the repository's source/ (solutions) is not reachable.
    assert _get(port, token, "/api/contents/source")[0] == 404


@pytest.mark.slow
def test_make_lab_runs_in_student_mode_without_instructor_or_exchange_tools(make_lab):
    course, port, token, _ = make_lab
    for path in HIDDEN_HANDLERS:
        assert _get(port, token, path)[0] == 404, f"{path} is served by make lab: nbgrader's extension is still on"
    status, page = _get(port, token, "/lab")
    assert status == 200
    match = re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', page, re.DOTALL)
    assert match, "no page config in /lab"
    disabled = set(json.loads(match.group(1)).get("disabledExtensions", []))
    assert set(HIDDEN_PLUGINS) <= disabled, f"not disabled: {set(HIDDEN_PLUGINS) - disabled}"
    assert "@jupyter/nbgrader:validate-assignment" not in disabled, "the Validate button must stay"
    # The config dir make lab used is the git-ignored one inside the course, written by binder/student_settings.sh.
    assert (course / ".jupyter-student" / "labconfig" / "page_config.json").exists()
    status, body = _get(port, token, "/lab/api/settings/@jupyterlab/apputils-extension:notification")
    assert status == 200 and json.loads(body)["schema"]["properties"]["fetchNews"]["default"] == "false"


@pytest.mark.slow
def test_make_lab_starts_as_root_and_passes_args(make_lab):
    *_, log_path = make_lab
    log = log_path.read_text(encoding="utf-8")
    command = next(line for line in log.splitlines() if " lab --ServerApp.root_dir=my-work" in line)
    assert "--no-browser" in command, "ARGS did not reach jupyter lab"
    if os.geteuid() == 0:
        assert "--allow-root" in command
    assert "Running as root is not recommended" not in log or "--allow-root" in command
    assert "is not absolute" not in log


def test_make_lab_instructor_opens_the_repository_without_student_settings(tmp_path: Path):
    stamp = tmp_path / "runtime-installed"
    stamp.touch()
    proc = subprocess.run(
        ["make", "-n", "lab-instructor", f"RUNTIME_STAMP={stamp}", "ARGS=--no-browser"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    command = next(line for line in proc.stdout.splitlines() if " lab " in line and "jupyter" in line)
    assert "--ServerApp.root_dir=. " in command and command.endswith("notebooks/00_start_here.ipynb"), command
    assert "JUPYTER_CONFIG_DIR" not in command and "--no-browser" in command, command
