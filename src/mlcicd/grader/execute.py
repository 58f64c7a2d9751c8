"""nbgrader preprocessors that execute a submission safely and score its outputs fairly.

:class:`GuardedExecute` replaces nbgrader's ``Execute`` in ``Autograde.autograde_preprocessors``. It is the same
nbclient executor, with these differences:

* the kernel runs in the bubblewrap sandbox (:class:`~mlcicd.grader.sandbox.SandboxedKernelManager`) unless
  ``sandbox`` is False;
* around every graded test cell it runs the in-kernel guard (:mod:`mlcicd.grader.kernel_guard`), silently;
  test cells are not stored in the kernel's history, so later cells cannot read their hidden part;
* a cell that kills the kernel (``os._exit``, a crash, the memory cap) or that cannot be interrupted at its
  timeout (a loop that ignores SIGINT) gets an error output saying so; the kernel is restarted and the notebook
  run again from the top without that cell, so everything else is still graded ("grade what ran");
* a wall-clock limit for the whole notebook (``notebook_timeout``): cells not started in time get an error output.

:class:`ContainOutputs` runs after execution: it caps every output in bytes (a single line of tens of megabytes
passes nbgrader's line limit), and in graded test cells it turns stderr into stdout (nbgrader scores a test cell 0
when anything, a library warning included, reached stderr) and drops displayed values (nbgrader reads a number
displayed by a test cell, or by a hook that student code registered, as partial credit; these labs never use
partial credit).

What happened is collected per notebook; :func:`take_events` returns and clears it (the engine writes it into its
report; plain ``nbgrader autograde`` logs it).
"""

from __future__ import annotations

import json
from queue import Empty
from time import monotonic

from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from nbclient.client import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.notebooknode import NotebookNode
from nbgrader import utils
from nbgrader.preprocessors import Execute, NbGraderPreprocessor
from traitlets import Bool, Integer

from mlcicd.grader import kernel_guard
from mlcicd.grader.sandbox import SandboxedKernelManager

__all__ = ["GuardedExecute", "ContainOutputs", "take_events"]

_events: list[str] = []


def take_events() -> list[str]:
    """What the executor saw since the last call (kernel deaths, timeouts, tampering), oldest first."""
    events = list(dict.fromkeys(_events))
    _events.clear()
    return events


def _note(event: str) -> None:
    _events.append(event)


def _error_output(ename: str, evalue: str) -> NotebookNode:
    return NotebookNode(output_type="error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


def _is_test(cell) -> bool:
    return cell.cell_type == "code" and utils.is_grade(cell) and not utils.is_solution(cell)


def _label(cell, index: int) -> str:
    grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
    return f"cell {grade_id!r}" if grade_id else f"cell {index + 1}"


class _Fatal(Exception):
    """A cell stopped the kernel; the notebook is run again without it."""

    def __init__(self, index: int, reason: str):
        super().__init__(reason)
        self.index, self.reason = index, reason


class GuardedExecute(Execute):
    """nbgrader's Execute, sandboxed, guarded around test cells, and resilient to cells that kill the kernel."""

    sandbox = Bool(True, help="Run the kernel in the bubblewrap sandbox.").tag(config=True)
    notebook_timeout = Integer(900, help="Wall-clock limit for one notebook, in seconds.").tag(config=True)
    max_restarts = Integer(3, help="Kernel restarts allowed per notebook before the rest is left unrun.").tag(
        config=True
    )

    def preprocess(self, nb, resources=None, km=None):
        NotebookClient.__init__(self, nb, km)
        self.kernel_manager_class = SandboxedKernelManager if self.sandbox else AsyncKernelManager
        self.reset_execution_trackers()
        self._check_assign_resources(resources)
        deadline = monotonic() + self.notebook_timeout
        skipped: dict[int, str] = {}
        while True:
            try:
                self._run_all(skipped, deadline)
                break
            except _Fatal as fatal:
                _note(f"{_label(self.nb.cells[fatal.index], fatal.index)}: {fatal.reason}")
                skipped[fatal.index] = fatal.reason
                if len(skipped) > self.max_restarts:
                    self._leave_unrun(fatal.index + 1, f"not run: the kernel was lost {len(skipped)} times")
                    break
        self.set_widgets_metadata()
        return self.nb, self.resources

    def _leave_unrun(self, start: int, reason: str) -> None:
        for cell in self.nb.cells[start:]:
            if cell.cell_type == "code" and cell.source.strip():
                cell.outputs = [_error_output("NotRunError", reason)]

    def _guard(self, code: str, index: int) -> list[str] | None:
        """Run a guard call silently; the list of what it restored, or None when the guard did not answer."""
        # The call runs as cell code, not as a user expression, so that it sees the kernel in the same state as a
        # cell does (IPython swaps builtins and sys.displayhook around every cell).
        msg_id = self.kc.execute(
            f"__mlcicd_guard__.result = {code}",
            silent=True,
            store_history=False,
            allow_stdin=False,
            user_expressions={"r": "__mlcicd_guard__.result"},
        )
        reply = self._reply(msg_id, index)
        result = (reply or {}).get("content", {}).get("user_expressions", {}).get("r", {})
        if result.get("status") != "ok":
            return None
        try:
            from ast import literal_eval

            return list(literal_eval(result["data"]["text/plain"]))
        except (KeyError, ValueError, SyntaxError):
            return None

    def _reply(self, msg_id: str, index: int) -> dict | None:
        """The shell reply to ``msg_id``, or None after the cell timeout (a hard deadline, unlike nbclient's)."""

        async def wait():
            deadline = monotonic() + (self.timeout or 60)
            while monotonic() < deadline:
                try:
                    msg = await self.kc.shell_channel.get_msg(timeout=min(1.0, max(0.01, deadline - monotonic())))
                except Empty:
                    if not await self.kc.is_alive():
                        raise _Fatal(index, "the kernel died between cells") from None
                    continue
                if msg["parent_header"].get("msg_id") == msg_id:
                    return msg
            return None

        return run_sync(wait)()

    def _run_all(self, skipped: dict[int, str], deadline: float) -> None:
        with self.setup_kernel():
            info = self.wait_for_reply(self.kc.kernel_info())
            self.nb.metadata["language_info"] = info["content"]["language_info"]
            self._install_guard()
            for index, cell in enumerate(self.nb.cells):
                if cell.cell_type != "code" or not cell.source.strip():
                    continue
                if index in skipped:
                    cell.outputs = [_error_output("KernelLostError", skipped[index])]
                    continue
                if monotonic() > deadline:
                    reason = f"not run: the notebook's time limit of {self.notebook_timeout} s was reached"
                    _note(f"{_label(cell, index)} and later cells: {reason}")
                    self._leave_unrun(index, reason)
                    return
                self._run_cell(cell, index)

    def _install_guard(self) -> None:
        msg_id = self.kc.execute(kernel_guard.INSTALL, silent=True, store_history=False, allow_stdin=False)
        reply = self._reply(msg_id, 0)
        if not reply or reply["content"].get("status") != "ok":
            detail = (reply or {}).get("content", {}).get("evalue", "no reply")
            raise RuntimeError(f"the grading guard could not be installed in the kernel: {detail}")

    def _run_cell(self, cell, index: int) -> None:
        test = _is_test(cell)
        label = _label(cell, index)
        if test:
            restored = self._guard(kernel_guard.BEFORE_TEST, index)
            if restored:
                _note(f"before {label}: undid changes made by student code to {', '.join(restored)}")
        try:
            self.execute_cell(cell, index, store_history=not test)
        except DeadKernelError:
            raise _Fatal(
                index,
                "the kernel died in this cell (os._exit, a crash, or the memory cap); "
                "the rest of the notebook was graded without it",
            ) from None
        except CellTimeoutError:
            raise _Fatal(
                index,
                f"this cell ran past the {self.timeout} s limit and did not stop when interrupted; "
                "the rest of the notebook was graded without it",
            ) from None
        if any(o.get("output_type") == "error" and o.get("ename") == "CellTimeoutError" for o in cell.outputs):
            _note(f"{label}: stopped at the {self.timeout} s cell time limit")
        if test:
            changed = self._guard(kernel_guard.AFTER_TEST, index)
            if changed is None:
                cell.outputs.append(
                    _error_output("GradingIntegrityError", "the grader's guard was disabled by code in this notebook")
                )
                _note(f"{label}: failed, the grader's guard was disabled by student code")
            elif changed:
                cell.outputs.append(
                    _error_output("GradingIntegrityError", f"code called by this test changed {', '.join(changed)}")
                )
                _note(f"{label}: failed, code called by the test changed {', '.join(changed)}")


class ContainOutputs(NbGraderPreprocessor):
    """Cap outputs in bytes everywhere; in graded test cells keep stderr as text and ignore displayed values."""

    max_output_bytes = Integer(200_000, help="Largest output kept per cell output, in bytes.").tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        kept = []
        for output in cell.outputs:
            output = self._capped(output)
            if _is_test(cell):
                if output.output_type == "stream" and output.name == "stderr":
                    output.name = "stdout"
                elif output.output_type in ("execute_result", "display_data"):
                    continue
            kept.append(output)
        cell.outputs = kept
        return cell, resources

    def _capped(self, output):
        size = len(json.dumps(output))
        if size <= self.max_output_bytes:
            return output
        note = f"... output of {size:,} bytes removed (limit {self.max_output_bytes:,} bytes) ..."
        _note(f"an output of {size:,} bytes was cut to the {self.max_output_bytes:,}-byte limit")
        if output.output_type == "stream":
            output.text = output.text[: self.max_output_bytes // 2] + "\n" + note + "\n"
            return output
        if output.output_type == "error":
            output.traceback = [f"{output.ename}: {str(output.evalue)[:1000]}", note]
            output.evalue = str(output.evalue)[:1000]
            return output
        return NotebookNode(output_type="stream", name="stdout", text=note + "\n")
