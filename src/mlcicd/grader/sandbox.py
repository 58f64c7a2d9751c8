"""The student's kernel in a bubblewrap sandbox.

Only the kernel runs untrusted code, so only the kernel is boxed; nbgrader itself (trusted) keeps reading the
gradebook and the source notebooks. :class:`SandboxedKernelManager` is a jupyter_client kernel manager that starts
``python -m ipykernel_launcher`` under ``bwrap`` with:

* a read-only view of the system and of the Python environment;
* the course folder, the grader's home and every configured hidden path replaced by empty folders (so no
  ``source/``, ``release/``, gradebook, other submissions or ``nbgrader_config.py``), with only the Python
  environment and the package bound back read-only where they live inside them;
* one writable folder, the notebook's working directory, plus a private ``/tmp``;
* no network (own network namespace), own PID namespace (everything it starts dies with it), no capabilities;
* as root, a user id of its own (``setpriv``), so that a memory cap (``RLIMIT_AS``) and a process cap
  (``RLIMIT_NPROC``) apply, and every process left with that id is killed when the kernel stops.

With a network namespace of its own the kernel cannot reach the grader's loopback, so the kernel talks over
ZeroMQ's IPC transport, through sockets in a folder bound into the sandbox.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import ClassVar

from jupyter_client.manager import AsyncKernelManager
from traitlets import Integer, List, Unicode

from mlcicd.grader.errors import SandboxUnavailableError

__all__ = ["SandboxedKernelManager", "sandbox_problem"]

INSTALL_HINT = (
    "install bubblewrap (Debian/Ubuntu: `apt-get install bubblewrap`), or grade without a sandbox with "
    "--no-sandbox (student code then runs with your rights)"
)
#: Environment variables the kernel may see; everything else (tokens, database URLs, ...) is dropped.
PASSED_ENV = ("LANG", "LC_ALL", "NBGRADER_EXECUTION", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "TZ")
FIRST_SANDBOX_UID = 60000
UID_RANGE = 5000


def _default_uid() -> int:
    # One id per grading process, so that two graders running at once never kill each other's kernels.
    return FIRST_SANDBOX_UID + os.getpid() % UID_RANGE


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _python_paths() -> list[Path]:
    """Folders the kernel's Python needs to read: the environment, the base installation, sys.path entries."""
    found = {Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve()}
    found.update(Path(p).resolve() for p in sys.path if p and Path(p).is_dir())
    import mlcicd

    found.add(Path(mlcicd.__file__).resolve().parent)
    return sorted(found)


def bwrap_command(
    work: Path, run: Path, hidden: list[Path], uid: int | None, memory_mb: int, max_processes: int, env: dict[str, str]
) -> list[str]:
    """The command prefix that runs a program in the sandbox (append the program and its arguments)."""
    # The grader's home is always hidden: it holds their credentials, and often the Python installation.
    hidden = sorted({p.resolve() for p in [*hidden, Path.home()]}, key=lambda p: len(p.parts))
    args = [
        "bwrap",
        "--ro-bind",
        "/",
        "/",
        "--dev",
        "/dev",
        "--proc",
        "/proc",
        "--perms",
        "1777",
        "--tmpfs",
        "/tmp",
        "--perms",
        "1777",
        "--tmpfs",
        "/dev/shm",
    ]
    for folder in hidden:
        if folder not in (Path("/tmp"), Path("/dev/shm")):
            args += ["--perms", "0755", "--tmpfs", str(folder)]
    # /tmp is replaced too: a Python environment that lives there (a CI checkout, say) is bound back like the rest.
    holders = sorted({*hidden, Path("/tmp"), Path(tempfile.gettempdir()).resolve()}, key=lambda p: len(p.parts))
    for path in _python_paths():
        holder = next((h for h in holders if _inside(path, h) and path != h), None)
        if holder is None:
            continue
        # bwrap creates missing parents with mode 0700, which an unprivileged kernel could not traverse.
        for depth in range(len(holder.parts) + 1, len(path.parts) + 1):
            args += ["--perms", "0755", "--dir", str(Path(*path.parts[:depth]))]
        args += ["--ro-bind", str(path), str(path)]
    for folder in (work, run):
        args += ["--bind", str(folder), str(folder)]
    args += [
        "--unshare-ipc",
        "--unshare-pid",
        "--unshare-net",
        "--unshare-uts",
        "--unshare-cgroup-try",
        "--die-with-parent",
        "--clearenv",
    ]
    if uid is None:
        args.insert(1, "--unshare-user")
    for key, value in env.items():
        args += ["--setenv", key, value]
    args += ["--chdir", str(work), "--"]
    if uid is not None:
        args += [
            "setpriv",
            f"--reuid={uid}",
            f"--regid={uid}",
            "--clear-groups",
            "--inh-caps=-all",
            "--bounding-set=-all",
            "--",
        ]
    limits = [f"--as={memory_mb * 1024 * 1024}"]
    if uid is not None:
        limits.append(f"--nproc={max_processes}")
    return [*args, "prlimit", *limits, "--"]


def kernel_env(venv_bin: Path) -> dict[str, str]:
    env = {key: os.environ[key] for key in PASSED_ENV if key in os.environ}
    env.setdefault("LANG", "C.UTF-8")
    env.update(
        {
            "PATH": f"{venv_bin}:/usr/local/bin:/usr/bin:/bin",
            "HOME": "/tmp",
            "IPYTHONDIR": "/tmp/.ipython",
            "MPLCONFIGDIR": "/tmp/.matplotlib",
            "MPLBACKEND": "Agg",
            "PYTHONNOUSERSITE": "1",
            # The same submission graded twice must give the same result: fixed hashing, one thread per library.
            "PYTHONHASHSEED": "0",
            "OMP_NUM_THREADS": "1",
            "OPENBLAS_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
        }
    )
    return env


def sandbox_problem() -> str | None:
    """None when the sandbox can start here; otherwise what is wrong and how to fix it."""
    if shutil.which("bwrap") is None:
        return f"bubblewrap (`bwrap`) is not installed: {INSTALL_HINT}"
    for tool in ("prlimit", "setpriv"):
        if shutil.which(tool) is None:
            return f"`{tool}` (util-linux) is missing: install util-linux, or grade with --no-sandbox"
    with tempfile.TemporaryDirectory(prefix="mlcicd-probe-") as probe:
        folder = Path(probe)
        uid = _default_uid() if os.geteuid() == 0 else None
        if uid is not None:
            os.chown(folder, uid, uid)
        command = bwrap_command(folder, folder, [Path.cwd()], uid, 1024, 16, kernel_env(Path(sys.executable).parent))
        try:
            proc = subprocess.run([*command, sys.executable, "-c", "pass"], capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired) as error:
            return f"bwrap could not start a sandbox here ({error}): {INSTALL_HINT}"
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no message"]
        return (
            f"bwrap is installed but cannot create a sandbox here ({detail[0]}); it needs root or unprivileged "
            f"user namespaces. Grade with --no-sandbox only if you trust the submissions"
        )
    return None


def _kill_uid(uid: int) -> None:
    subprocess.run(["pkill", "-KILL", "-U", str(uid)], capture_output=True, check=False)


def _chown_tree(folder: Path, uid: int, gid: int) -> None:
    for path in [folder, *folder.rglob("*")]:
        with contextlib.suppress(OSError):
            os.lchown(path, uid, gid)


class SandboxedKernelManager(AsyncKernelManager):
    """An async kernel manager whose kernel runs under bubblewrap (see the module docstring)."""

    # Set once the first kernel of this process found bubblewrap working: the check runs once, not per kernel.
    _checked: ClassVar[bool] = False

    memory_mb = Integer(4096, help="Address-space cap of every process in the sandbox, in MB.").tag(config=True)
    max_processes = Integer(64, help="Cap on processes and threads of the sandbox's user (as root).").tag(config=True)
    hidden_paths = List(
        Unicode(),
        help="Folders replaced by empty ones in the sandbox (beside the course folder, "
        "the working directory's course and the grader's home).",
    ).tag(config=True)
    uid = Integer(help="User id the kernel runs as, when the grader is root.").tag(config=True)

    def _uid_default(self):
        return _default_uid()

    def _hidden(self, work: Path) -> list[Path]:
        hidden = [Path(p) for p in self.hidden_paths] + [Path.cwd()]
        # nbgrader's own layout: <course>/autograded/<student>/<assignment>
        if len(work.parts) > 3 and work.parents[1].name == "autograded":
            hidden.append(work.parents[2])
        return hidden

    async def _async_pre_start_kernel(self, **kw):
        problem = None if type(self)._checked else sandbox_problem()
        if problem:
            raise SandboxUnavailableError(problem)
        type(self)._checked = True
        work = Path(kw.get("cwd") or os.getcwd()).resolve()
        self._run_dir = Path(tempfile.mkdtemp(prefix="mlcicd-kernel-"))
        self._work_dir = work
        self._owner = work.stat().st_uid, work.stat().st_gid
        self.transport = "ipc"
        self.ip = str(self._run_dir / "kernel")
        self.connection_file = str(self._run_dir / "kernel.json")
        # Interrupt through the control channel: a signal sent to the process group does not reach a kernel in
        # its own PID namespace reliably.
        if self.kernel_spec is not None:
            self.kernel_spec.interrupt_mode = "message"
        kernel_cmd, kw = await super()._async_pre_start_kernel(**kw)
        # Without a parent PID to watch (it would be outside the PID namespace) the kernel prints a console banner;
        # what a cell prints reaches the notebook through the kernel's messages, not these streams.
        kw["stdout"] = kw["stderr"] = subprocess.DEVNULL
        root = os.geteuid() == 0
        uid = self.uid if root else None
        if uid is not None:
            _chown_tree(work, uid, uid)
            _chown_tree(self._run_dir, uid, uid)
        env = kernel_env(Path(sys.executable).parent)
        env.update({k: v for k, v in (kw.get("env") or {}).items() if k == "NBGRADER_EXECUTION"})
        prefix = bwrap_command(work, self._run_dir, self._hidden(work), uid, self.memory_mb, self.max_processes, env)
        return prefix + kernel_cmd, kw

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if os.geteuid() == 0:
            _kill_uid(self.uid)
            if getattr(self, "_work_dir", None) is not None:
                _chown_tree(self._work_dir, *self._owner)
        if getattr(self, "_run_dir", None) is not None and not restart:
            shutil.rmtree(self._run_dir, ignore_errors=True)
