"""Grading on a Dask distributed cluster: ``mlcicd grade LAB --scheduler tcp://HOST:PORT``.

The instructor's machine keeps the gradebook and is its only writer. Each task sent to a worker carries one
student's repaired notebooks; what every task of a run shares (the lab's source files, a gradebook holding only
this assignment, the course's nbgrader config) is sent once, and each worker fetches it once. A worker never
receives the course gradebook or another student's work, runs the student's kernel in the same sandbox as local
grading, and returns the scores and the graded notebooks (:func:`mlcicd.grader.engine.grade_submission`).

Faults: a worker that dies mid-task has its task re-run elsewhere by the scheduler, and the result of each task is
merged once, so nothing is graded twice or lost. The scheduler counts a death against every task assigned to the
dead worker, so no more tasks are in flight than the cluster has threads: each has a free thread to go to instead
of waiting on a worker behind a submission that may kill it. A submission that was running on every worker that
died while grading it (the scheduler's ``distributed.scheduler.allowed-failures``, 3 by default) ends ``rejected``
with that reason. A scheduler that cannot be reached, has no workers, or whose workers run another environment or
engine is a :class:`~mlcicd.grader.errors.ClusterError` before anything is written; one lost while grading is a
:class:`~mlcicd.grader.errors.ClusterError` that keeps what was graded so far.

:class:`LocalDaskCluster` starts a real scheduler and workers as ``dask`` processes on 127.0.0.1, for trying the
cluster path on one machine (the tests and ``benchmarks/bench_grade.py`` use it).
"""

from __future__ import annotations

import itertools
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import CancelledError
from pathlib import Path

from mlcicd.grader.errors import ClusterError, SandboxUnavailableError

__all__ = ["Cluster", "LocalDaskCluster"]

START_HINT = (
    "start one with `dask scheduler --host HOST --port 8786` and workers with "
    "`dask worker tcp://HOST:8786 --nthreads 1 --nworkers N` (README: Grading on a cluster), "
    "or leave out --scheduler to grade on this machine"
)


def _lab_data(lab_data: dict) -> dict:
    """What every task of a run shares, held on the workers as the result of a task that can be run again."""
    return lab_data


def _worker_facts(sandbox: bool) -> dict:
    """What a worker must share with the instructor's machine to grade as it would (run on each worker)."""
    from mlcicd.grader.engine import engine_version, environment_sha256
    from mlcicd.grader.sandbox import sandbox_problem

    return {
        "environment": environment_sha256(),
        "engine": engine_version(),
        "sandbox": sandbox_problem() if sandbox else None,
    }


class Cluster:
    """A connection to a Dask scheduler whose workers were checked to grade as this machine would."""

    def __init__(self, client, address: str):
        self.client, self.address = client, address

    @classmethod
    def connect(cls, address: str, *, sandbox: bool, timeout: float = 10.0) -> Cluster:
        from distributed import Client

        from mlcicd.grader.engine import engine_version, environment_sha256

        try:
            client = Client(address, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as error:
            raise ClusterError(
                f"cannot reach the Dask scheduler at {address} ({type(error).__name__}: {error}); {START_HINT}"
            ) from None
        cluster = cls(client, address)
        try:
            try:
                client.wait_for_workers(1, timeout=timeout)
            except TimeoutError:
                raise ClusterError(
                    f"the Dask scheduler at {address} has no workers after {timeout:g} s; {START_HINT}"
                ) from None
            facts = client.run(_worker_facts, sandbox)
            here = {"environment": environment_sha256(), "engine": engine_version()}
            for worker, fact in sorted(facts.items()):
                if fact["sandbox"]:
                    raise SandboxUnavailableError(f"Dask worker {worker}: {fact['sandbox']}")
                for key, what in (("environment", "Python environment"), ("engine", "grading engine")):
                    if fact[key] != here[key]:
                        raise ClusterError(
                            f"Dask worker {worker} runs another {what} than this machine ({key} hash "
                            f"{fact[key][:12]} against {here[key][:12]}): install the course's pins "
                            "(`pip install -r requirements-cluster.txt` and the same checkout's `pip install -e .`) "
                            "on every worker, so that a grade means the same wherever it was computed"
                        )
        except BaseException:
            cluster.close()
            raise
        return cluster

    def close(self) -> None:
        self.client.close()

    def results(self, lab_data: dict, tasks: list[dict]) -> Iterator[tuple[dict, dict]]:
        """Send one task per submission; yield each task with its result, once, as it finishes."""
        from distributed import as_completed
        from distributed.scheduler import KilledWorker

        from mlcicd.grader.engine import grade_submission

        run = uuid.uuid4().hex[:8]
        # A task, not scattered data: the scheduler keeps how to make it, so when every worker that held it has
        # died it is made again, where lost scattered data would cancel every submission still waiting for it.
        shared = self.client.submit(_lab_data, lab_data, pure=False, key=f"mlcicd-lab-{lab_data['lab']}-{run}")
        waiting = iter(tasks)
        futures: dict = {}
        completed = as_completed(loop=self.client.loop)

        def lost(error: BaseException) -> ClusterError:
            return ClusterError(
                f"lost the Dask scheduler at {self.address} while grading "
                f"({type(error).__name__}: {error}); the rows graded so far are in the "
                "gradebook and the report, and a second run grades only the rest"
            )

        def fill_free_threads() -> None:
            # A classmate queued on a worker behind a submission that kills it would be counted as a suspect too.
            try:
                threads = sum(self.client.nthreads().values())
            except OSError as error:
                raise lost(error) from None
            free = max(1, threads) - len(futures)
            for task in itertools.islice(waiting, max(0, free)):
                future = self.client.submit(
                    grade_submission,
                    shared,
                    task,
                    pure=False,
                    key=f"mlcicd-grade-{lab_data['lab']}-{task['student']}-{run}",
                )
                futures[future] = task
                completed.add(future)

        try:
            fill_free_threads()
            for future in completed:
                task = futures.pop(future)
                try:
                    result = future.result()
                except KilledWorker as error:
                    result = {
                        "cause": "it was being graded on every Dask worker that died while grading it, so it "
                        "was not retried again; look for code that ends or exhausts the grading "
                        "process",
                        "error": str(error).split(". ")[0],
                        "events": [],
                        "seconds": 0.0,
                    }
                except (CancelledError, OSError) as error:
                    raise lost(error) from None
                except Exception as error:  # the task itself failed: this submission only
                    result = {
                        "error": f"the grading worker failed ({type(error).__name__}: {error})",
                        "events": [],
                        "seconds": 0.0,
                    }
                future.release()
                fill_free_threads()
                yield task, result
        finally:
            for future in [*futures, shared]:
                future.release()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LocalDaskCluster:
    """A Dask scheduler and ``workers`` single-threaded workers, real processes on 127.0.0.1.

    Use as a context manager; ``address`` is what ``--scheduler`` takes. ``kill_worker(i)`` ends worker ``i`` and
    its nanny at once (SIGKILL), as a crashed machine would; ``kill_scheduler()`` ends the scheduler so. ``scheduler_env`` adds environment variables to the
    scheduler (for instance ``DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES``).
    """

    def __init__(self, workers: int = 2, *, scheduler_env: dict[str, str] | None = None, timeout: float = 60.0):
        self.workers, self.scheduler_env, self.timeout = workers, scheduler_env or {}, timeout
        self.address = f"tcp://127.0.0.1:{_free_port()}"
        self._procs: list[subprocess.Popen] = []
        self._folder: Path | None = None

    def _start(self, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
        dask = shutil.which("dask", path=str(Path(sys.executable).parent)) or shutil.which("dask")
        if dask is None:
            raise ClusterError("the `dask` command is missing: `pip install -r requirements-cluster.txt`")
        assert self._folder is not None
        log = open(self._folder / f"{len(self._procs)}.log", "wb")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(
            [dask, *args],
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=self._folder,
            env={**os.environ, **(env or {})},
            start_new_session=True,
        )
        log.close()
        self._procs.append(proc)
        return proc

    def __enter__(self) -> LocalDaskCluster:
        self._folder = Path(tempfile.mkdtemp(prefix="mlcicd-dask-"))
        try:
            port = self.address.rsplit(":", 1)[1]
            self._start("scheduler", "--host", "127.0.0.1", "--port", port, "--no-dashboard", env=self.scheduler_env)
            for number in range(self.workers):
                self._start(
                    "worker",
                    self.address,
                    "--nthreads",
                    "1",
                    "--nworkers",
                    "1",
                    "--no-dashboard",
                    "--name",
                    f"worker-{number}",
                    "--local-directory",
                    str(self._folder / f"w{number}"),
                )
            self._wait_for(self.workers)
        except BaseException:
            self.__exit__()
            raise
        return self

    def _wait_for(self, count: int) -> None:
        from distributed import Client

        deadline = time.monotonic() + self.timeout
        while True:
            try:
                with Client(self.address, timeout=5, set_as_default=False) as client:
                    client.wait_for_workers(count, timeout=max(1.0, deadline - time.monotonic()))
                    return
            except (OSError, TimeoutError):
                if time.monotonic() > deadline:
                    assert self._folder is not None
                    logs = "\n".join(p.read_text(errors="replace")[-2000:] for p in sorted(self._folder.glob("*.log")))
                    raise ClusterError(
                        f"the local Dask cluster did not start {count} workers in {self.timeout:g} s:\n{logs}"
                    ) from None
                time.sleep(0.5)

    def kill_worker(self, number: int) -> None:
        os.killpg(self._procs[1 + number].pid, signal.SIGKILL)

    def kill_scheduler(self) -> None:
        os.killpg(self._procs[0].pid, signal.SIGKILL)

    def __exit__(self, *exc) -> None:
        for proc in reversed(self._procs):
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                continue
        for proc in self._procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        self._procs.clear()
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
