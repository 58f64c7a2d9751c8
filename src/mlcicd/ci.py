"""CI triggered by data: a workflow that runs the pipeline when the training data change, and not otherwise.

:data:`RETRAIN_ON_DATA_WORKFLOW` is a GitHub Actions workflow. Its ``paths:`` filter starts it only for pushes that
touch ``data/`` or the pipeline definition; its first step compares the data's fingerprint with the one the last
deployed model was trained on, and the pipeline step runs only when they differ: a commit that re-exports the file
with other number formatting but the same values starts the workflow and trains nothing. The steps call this
module's command line::

    python -m mlcicd.ci fingerprint data/loans.csv --manifest models/manifest.json
    python -m mlcicd.ci pipeline data/loans.csv --registry models/registry --manifest models/manifest.json

:func:`triggers` evaluates the ``paths:`` filter for a list of changed files, and :func:`run_locally` runs the
workflow's ``run:`` steps in a folder with the same ``if:`` conditions and step outputs as GitHub's runner, so
the workflow is tested here without GitHub. Only what the workflow uses is supported: ``run`` steps, ``uses``
steps (skipped: they set up a fresh GitHub machine), and ``if: steps.<id>.outputs.<name> == '<value>'``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from mlcicd._checks import check_text
from mlcicd.errors import MlcicdError

__all__ = [
    "RETRAIN_ON_DATA_WORKFLOW",
    "StepRun",
    "WorkflowError",
    "main",
    "run_locally",
    "triggers",
]

RETRAIN_ON_DATA_WORKFLOW = """\
name: retrain-on-data
on:
  push:
    paths:
      - "data/**"
      - "pipeline.yaml"
  workflow_dispatch:
jobs:
  retrain:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - name: Install the course package
        run: python -m pip install -e .
      - name: Compare data fingerprints
        id: fingerprint
        run: python -m mlcicd.ci fingerprint data/loans.csv --manifest models/manifest.json
      - name: Run the pipeline
        if: steps.fingerprint.outputs.changed == 'true'
        run: python -m mlcicd.ci pipeline data/loans.csv --registry models/registry --manifest models/manifest.json
"""


class WorkflowError(MlcicdError, ValueError):
    """A workflow this runner cannot read: not YAML, no jobs, or a step or condition it does not support."""


@dataclass(frozen=True)
class StepRun:
    """One step of a local run: ``status`` is "ran", "skipped" or "failed"; ``outputs`` what it wrote."""

    name: str
    status: str
    outputs: Mapping[str, str]
    stdout: str = ""


def _load(workflow: str) -> dict[str, Any]:
    if not isinstance(workflow, str):
        raise TypeError(f"workflow must be the YAML text, got {type(workflow).__name__}")
    try:
        data = yaml.safe_load(workflow)
    except yaml.YAMLError as exc:
        raise WorkflowError(f"the workflow is not valid YAML: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("jobs"), dict) or not data["jobs"]:
        raise WorkflowError("the workflow needs a 'jobs:' mapping with at least one job")
    # YAML 1.1 reads a bare `on:` key as the boolean True
    if "on" not in data and True in data:
        data["on"] = data.pop(True)
    return data


def _glob_regex(pattern: str) -> re.Pattern[str]:
    """GitHub's filter globs: ``**`` crosses folders, ``*`` and ``?`` stay inside one path segment."""
    parts = re.split(r"(\*\*/?|\*|\?)", pattern)
    table = {"**/": "(?:.*/)?", "**": ".*", "*": "[^/]*", "?": "[^/]"}
    return re.compile("".join(table.get(p, re.escape(p)) for p in parts) + r"\Z")


def triggers(workflow: str, changed: Iterable[str], event: str = "push") -> bool:
    """Would a ``push`` that changed the files ``changed`` (paths from the repository root) start the workflow?

    As on GitHub: with no ``paths:`` filter any push triggers it; with one, a push triggers it when at least
    one changed file matches a pattern and is not excluded by a later ``!pattern``.
    """
    check_text(event, "event", example="push")
    on = _load(workflow).get("on")
    if isinstance(on, str):
        on = {on: None}
    elif isinstance(on, list):
        on = dict.fromkeys(on)
    if not isinstance(on, dict) or event not in on:
        return False
    paths = (on[event] or {}).get("paths") if isinstance(on[event], dict) else None
    files = [str(f) for f in changed]
    if paths is None:
        return True
    for file in files:
        included = False
        for pattern in paths:
            negate = pattern.startswith("!")
            if _glob_regex(pattern[1:] if negate else pattern).match(file):
                included = not negate
        if included:
            return True
    return False


_CONDITION = re.compile(r"^\s*steps\.([\w-]+)\.outputs\.([\w-]+)\s*==\s*'([^']*)'\s*$")


def _condition_holds(condition: str, outputs: Mapping[str, Mapping[str, str]]) -> bool:
    match = _CONDITION.match(condition)
    if match is None:
        raise WorkflowError(f"unsupported if: {condition!r}; this runner reads steps.<id>.outputs.<name> == '<value>'")
    step, name, value = match.groups()
    return outputs.get(step, {}).get(name) == value


def run_locally(
    workflow: str,
    cwd: str | os.PathLike[str],
    *,
    job: str | None = None,
    skip: Iterable[str] = (),
    env: Mapping[str, str] | None = None,
    timeout: float = 300,
) -> list[StepRun]:
    """Run the ``run:`` steps of one job in ``cwd`` with bash, as GitHub's runner would, and return what happened.

    Each step gets a fresh ``$GITHUB_OUTPUT`` file; the ``name=value`` lines it writes become
    ``steps.<id>.outputs``. ``uses:`` steps, and the steps named in ``skip`` (say, an install step when this
    environment already has the package), are skipped: they prepare a GitHub machine. A failing step fails the
    job: later steps are skipped, as on GitHub.
    """
    skip = {skip} if isinstance(skip, str) else set(skip)
    jobs = _load(workflow)["jobs"]
    name = job if job is not None else next(iter(jobs))
    if name not in jobs:
        raise WorkflowError(f"no job {name!r}; the workflow has {sorted(jobs)}")
    steps = jobs[name].get("steps")
    if not isinstance(steps, list):
        raise WorkflowError(f"job {name!r} has no 'steps:' list")
    folder = Path(cwd)
    outputs: dict[str, dict[str, str]] = {}
    runs: list[StepRun] = []
    failed = False
    for index, step in enumerate(steps, start=1):
        label = step.get("name") or step.get("uses") or step.get("run", f"step {index}")
        if "run" not in step or label in skip:
            runs.append(StepRun(label, "skipped", {}, "prepares a GitHub machine"))
            continue
        if failed or ("if" in step and not _condition_holds(step["if"], outputs)):
            runs.append(StepRun(label, "skipped", {}))
            continue
        output_file = folder / f".github-output-{index}"
        output_file.write_text("")
        process = subprocess.run(
            ["bash", "-e", "-c", step["run"]],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, **(env or {}), "GITHUB_OUTPUT": str(output_file)},
        )
        written = dict(line.split("=", 1) for line in output_file.read_text().splitlines() if "=" in line)
        output_file.unlink()
        if "id" in step:
            outputs[step["id"]] = written
        failed = process.returncode != 0
        runs.append(StepRun(label, "failed" if failed else "ran", written, process.stdout + process.stderr))
    return runs


# --- the command line the workflow's steps call ------------------------------------------------------------------


def _read_batch(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise SystemExit(f"error: no data file {path}; the workflow expects the training data there")
    return pd.read_csv(path)


def _write_outputs(values: Mapping[str, str]) -> None:
    target = os.environ.get("GITHUB_OUTPUT")
    if target:
        with open(target, "a", encoding="utf-8") as handle:
            handle.writelines(f"{key}={value}\n" for key, value in values.items())


def _recorded_fingerprint(manifest: Path) -> str | None:
    if not manifest.is_file():
        return None
    try:
        return json.loads(manifest.read_text(encoding="utf-8"))["data_fingerprint"]
    except (ValueError, KeyError):
        raise SystemExit(f"error: {manifest} is not a manifest with a data_fingerprint; delete it to retrain") from None


def _fingerprint_command(args: argparse.Namespace) -> int:
    from mlcicd.versioning import fingerprint

    current = fingerprint(_read_batch(args.data))
    recorded = _recorded_fingerprint(args.manifest)
    changed = current != recorded
    _write_outputs({"changed": str(changed).lower(), "fingerprint": current})
    if recorded is None:
        print(f"no manifest at {args.manifest}: the data ({current[:12]}) have never been trained on")
    else:
        print(f"data {current[:12]}, last trained on {recorded[:12]}: {'changed' if changed else 'unchanged'}")
    return 0


def _pipeline_command(args: argparse.Namespace) -> int:
    from mlcicd.pipeline import SEED_PIPELINE_YAML, Pipeline
    from mlcicd.registry import ModelRegistry
    from mlcicd.versioning import fingerprint

    batch = _read_batch(args.data)
    result = Pipeline.from_yaml(SEED_PIPELINE_YAML).run(batch, ModelRegistry(args.registry), seed=0)
    print(result)
    if result.stopped_at == "Data Validation":
        return 1  # broken data must turn the CI run red; a refused candidate is a normal outcome
    if result.deployed_version is not None:
        args.manifest.parent.mkdir(parents=True, exist_ok=True)
        args.manifest.write_text(
            json.dumps({"data_fingerprint": fingerprint(batch), "model_version": result.deployed_version}, indent=2)
            + "\n"
        )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m mlcicd.ci fingerprint|pipeline DATA ...``: the commands of :data:`RETRAIN_ON_DATA_WORKFLOW`."""
    parser = argparse.ArgumentParser(prog="python -m mlcicd.ci", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    fp = commands.add_parser("fingerprint", help="compare the data's fingerprint with the last trained-on one")
    run = commands.add_parser("pipeline", help="run the seed's four-step pipeline on the data")
    for sub in (fp, run):
        sub.add_argument("data", type=Path, help="the training data, a CSV file")
        sub.add_argument("--manifest", type=Path, required=True, help="JSON with the last trained-on fingerprint")
    run.add_argument("--registry", type=Path, required=True, help="the model registry folder")
    args = parser.parse_args(argv)
    return _fingerprint_command(args) if args.command == "fingerprint" else _pipeline_command(args)


if __name__ == "__main__":
    sys.exit(main())
