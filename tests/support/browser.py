"""Support for the browser tests (tests/browser/): a real JupyterLab server on a throw-away copy of the course, Debian's
chromium driven by Playwright, and the few page actions a student performs (open, run all, click, validate).

Nothing here is a pytest test. The selectors are what a student sees (roles and visible text); the only CSS
classes used are JupyterLab's own structural ones (the notebook on screen, a cell's output, a code cell's prompt,
a stderr output), named once below.
"""

from __future__ import annotations

import json
import re
import secrets
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

import support
from support import REPO_ROOT, VENV_BIN, course_env

CHROMIUM = Path("/usr/bin/chromium")
# Headless flags that work in a container run as root (CONTRIBUTING.md, "Stack facts").
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
CHROMIUM_HELP = (
    "The browser tests drive Debian's chromium (/usr/bin/chromium) with Playwright, and Playwright cannot "
    "download a browser of its own here. Install it with `apt-get install chromium` (.ci/run does this on CI)."
)
ARTIFACTS = REPO_ROOT / "test-artifacts" / "browser"
STUDENT_SETTINGS = REPO_ROOT / "binder" / "student_settings.sh"
# The parts of the repository a student's JupyterLab serves (mlcicd itself is installed in the venv).
COURSE_PARTS = ("nbgrader_config.py", "notebooks", "source", "release")

# JupyterLab's structural classes: the notebook on screen (other open notebooks are hidden tabs), one output of a
# cell (one display() call), a code cell's input prompt, and an output written to stderr (warnings, tracebacks).
NOTEBOOK = ".jp-NotebookPanel:visible"
OUTPUT = ".jp-OutputArea-child"
CODE_PROMPT = ".jp-CodeCell .jp-InputPrompt"
STDERR_OUTPUT = '[data-mime-type="application/vnd.jupyter.stderr"]'

# Environment variables that would let a developer's own Jupyter setup leak into the test server.
_LEAKY_VARIABLES = (
    "JUPYTER_PATH",
    "JUPYTER_CONFIG_PATH",
    "JUPYTERLAB_SETTINGS_DIR",
    "JUPYTERLAB_WORKSPACES_DIR",
    "JUPYTERLAB_DIR",
    "NBGRADER_EXECUTION",
    "MLCICD_QUIZ_MODE",
    "JUPYTER_TOKEN",
)


def launch_chromium(playwright):
    """Debian's chromium, headless; fails the test (never skips) with the install command when it cannot start."""
    import pytest
    from playwright.sync_api import Error as PlaywrightError

    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} does not exist. {CHROMIUM_HELP}", pytrace=False)
    try:
        return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    except PlaywrightError as exc:
        pytest.fail(f"{CHROMIUM} could not start ({str(exc).splitlines()[0]}). {CHROMIUM_HELP}", pytrace=False)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def copy_course(dest: Path) -> Path:
    """Copy the course (config, notebooks/, source/, release/) to ``dest``; return ``dest``."""
    return support.copy_course(dest, COURSE_PARTS)


def jupyter_env(home: Path) -> dict[str, str]:
    """course_env() with every Jupyter and IPython directory moved into ``home`` (so nothing of the user's leaks)."""
    env = course_env()
    for name in _LEAKY_VARIABLES:
        env.pop(name, None)
    dirs = {
        "JUPYTER_CONFIG_DIR": home / "config",
        "JUPYTER_DATA_DIR": home / "data",
        "JUPYTER_RUNTIME_DIR": home / "runtime",
        "IPYTHONDIR": home / "ipython",
    }
    for name, path in dirs.items():
        path.mkdir(parents=True, exist_ok=True)
        env[name] = str(path)
    return env


def apply_student_settings(env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run binder/student_settings.sh, the file binder/postBuild runs, into env's JUPYTER_CONFIG_DIR."""
    proc = subprocess.run(
        ["bash", str(STUDENT_SETTINGS)], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    if proc.returncode != 0:
        raise AssertionError(f"{STUDENT_SETTINGS} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


@dataclass
class JupyterServer:
    """A running Jupyter server started by :func:`start_jupyter`."""

    root: Path
    port: int
    token: str
    process: subprocess.Popen
    log_path: Path
    env: dict[str, str] = field(repr=False)
    app: str = "lab"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def lab_url(self, path: str = "") -> str:
        """The JupyterLab URL opening ``path`` (relative to the root) in a fresh workspace, logged in by token."""
        tree = f"/tree/{path}" if path else ""
        return f"{self.base}/lab{tree}?reset&token={self.token}"

    def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, str]:
        """Call the server's HTTP API; returns (status, body text) and never raises for an HTTP error status."""
        req = urllib.request.Request(
            self.base + path, data=body, method=method, headers={"Authorization": f"token {self.token}"}
        )
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return resp.status, resp.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as err:
            with err:
                return err.code, err.read().decode("utf-8", "replace")

    def shutdown_kernels(self) -> None:
        """Stop every kernel the browser started (the machine is small; idle kernels still cost memory)."""
        status, text = self.request("GET", "/api/kernels")
        if status == 200:
            for kernel in json.loads(text):
                self.request("DELETE", f"/api/kernels/{kernel['id']}")

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def wait_ready(self, timeout: float = 120) -> JupyterServer:
        """Wait until the server answers /api/status; raise with the end of its log if it exits or hangs."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"jupyter {self.app} exited with {self.process.returncode} before answering:\n{self.log_tail()}"
                )
            try:
                if self.request("GET", "/api/status")[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.25)
        self.request_shutdown()
        self.wait_stopped()
        raise RuntimeError(f"jupyter {self.app} did not answer /api/status within {timeout:.0f} s:\n{self.log_tail()}")

    def request_shutdown(self) -> None:
        """Ask the server to shut down (it stops its kernels first); terminate it if it does not answer."""
        if self.process.poll() is None:
            try:
                self.request("POST", "/api/shutdown")
            except OSError:
                self.process.terminate()

    def wait_stopped(self, timeout: float = 30) -> None:
        """Wait for the process to end after :meth:`request_shutdown`; kill it if it takes longer than ``timeout``."""
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def launch_jupyter(
    app: str, root: Path, env: dict[str, str], log_path: Path, extra_args: tuple[str, ...] = ()
) -> JupyterServer:
    """Start ``jupyter <app>`` (lab or notebook) serving ``root`` on 127.0.0.1; call ``.wait_ready()`` before use.

    Starting is split from waiting so that two servers can start side by side.
    """
    port, token = free_port(), secrets.token_hex(24)
    cmd = [
        str(VENV_BIN / "jupyter"),
        app,
        "--no-browser",
        "--allow-root",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        *extra_args,
    ]
    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(cmd, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    return JupyterServer(root=root, port=port, token=token, process=process, log_path=log_path, env=env, app=app)


# ---------------------------------------------------------------------------------------------------------------
# notebooks on disk


def markdown_links(path: Path, pattern: str) -> list[tuple[str, str]]:
    """(text, target) of every Markdown link ``[text](target)`` in the notebook whose target matches ``pattern``."""
    nb = nbformat.read(path, as_version=4)
    links = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for text, target in re.findall(r"\[([^\]]+)\]\(([^)\s]+)\)", cell.source):
                if re.fullmatch(pattern, target):
                    links.append((text, target))
    return links


def first_heading(path: Path) -> str:
    """The text of the notebook's H1 (``# Title``)."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^# (.+)$", cell.source, re.MULTILINE)
            if match:
                return match.group(1).strip()
    raise AssertionError(f"{path} has no H1 heading")


_SOLUTION_MARKERS = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n?", re.MULTILINE)


def write_solved_copy(release_nb: Path, source_nb: Path, dest: Path) -> int:
    """Write ``dest``: the student's release notebook with every answer cell filled in from the instructor's source.

    This is what a student who solved the lab hands in: locked cells untouched, each solution cell (matched by its
    nbgrader ``grade_id``) replaced by the source's solution without the ``### BEGIN/END SOLUTION`` markers.
    Returns the number of cells filled in.
    """
    release = nbformat.read(release_nb, as_version=4)
    source = nbformat.read(source_nb, as_version=4)
    solutions = {
        cell.metadata["nbgrader"]["grade_id"]: cell.source
        for cell in source.cells
        if cell.metadata.get("nbgrader", {}).get("solution")
    }
    filled = 0
    for cell in release.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution"):
            grade_id = meta["grade_id"]
            if grade_id not in solutions:
                raise AssertionError(f"{release_nb}: solution cell {grade_id!r} has no counterpart in {source_nb}")
            cell.source = _SOLUTION_MARKERS.sub("", solutions[grade_id])
            filled += 1
    nbformat.write(release, dest)
    return filled


# ---------------------------------------------------------------------------------------------------------------
# the page


def screenshot(page, name: str) -> Path:
    """Save what the student sees now as test-artifacts/browser/<name>.png (git-ignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def wait_for_kernel_idle(page, timeout: float = 90_000) -> None:
    """Wait until the status bar reads '<kernel name> | Idle' (the kernel has started and is not busy)."""
    page.get_by_text(re.compile(r"\| Idle$")).first.wait_for(timeout=timeout)


def open_notebook(page, server: JupyterServer, path: str) -> None:
    """Open ``path`` in JupyterLab, as a student following a link, and wait for its kernel."""
    page.goto(server.lab_url(path))
    page.get_by_role("tab", name=re.compile(re.escape(Path(path).name))).first.wait_for()
    wait_for_kernel_idle(page)


def click_menu(page, menu: str, item: str) -> None:
    """Choose ``item`` in the menu bar's ``menu`` (e.g. Run > Run All Cells)."""
    page.get_by_role("menuitem", name=menu, exact=True).click()
    page.get_by_role("menuitem", name=re.compile(rf"^{re.escape(item)}")).first.click()


def run_all_cells(page, timeout: float = 120_000) -> int:
    """Run > Run All Cells in the notebook on screen, wait until each of its code cells shows an execution count
    ("[3]:", not "[ ]:" or "[*]:"), and return the number of code cells."""
    click_menu(page, "Run", "Run All Cells")
    page.wait_for_function(
        """selector => {
            const panel = [...document.querySelectorAll(".jp-NotebookPanel")].find(p => p.checkVisibility());
            const prompts = panel ? [...panel.querySelectorAll(selector)] : [];
            return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
        }""",
        arg=CODE_PROMPT,
        timeout=timeout,
    )
    wait_for_kernel_idle(page)
    return page.locator(NOTEBOOK).locator(CODE_PROMPT).count()


def stderr_outputs(page) -> list[str]:
    """Texts of every stderr or error output in the notebook on screen (a lesson must have none)."""
    return page.locator(NOTEBOOK).locator(STDERR_OUTPUT).all_inner_texts()


def output_with(page, **has):
    """The outputs (one per display() call) of the notebook on screen that contain get_by_role(**has)."""
    return page.locator(NOTEBOOK).locator(OUTPUT).filter(has=page.get_by_role(**has))


def output_with_text(page, text):
    """The outputs of the notebook on screen that contain ``text`` (a string or a regular expression)."""
    return page.locator(NOTEBOOK).locator(OUTPUT).filter(has_text=text)


def visible_dialogs(page) -> list[str]:
    """Texts of the dialogs on screen now."""
    dialogs = page.get_by_role("dialog")
    return [dialogs.nth(i).inner_text() for i in range(dialogs.count()) if dialogs.nth(i).is_visible()]


@dataclass
class ConsoleLog:
    """Console errors and uncaught page errors seen by one page."""

    errors: list[str] = field(default_factory=list)

    def attach(self, page) -> ConsoleLog:
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.errors.append(f"uncaught: {exc}"))
        return self

    def _on_console(self, message) -> None:
        if message.type == "error":
            location = message.location.get("url", "") if message.location else ""
            self.errors.append(f"{message.text} ({location})")
