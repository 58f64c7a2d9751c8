"""The seed's four-step ML pipeline (validate -> train -> test model -> deploy) with quality gates.

:data:`SEED_PIPELINE_YAML` is the course seed's snippet, verbatim. :meth:`Pipeline.from_yaml` reads the step
names and their order from it; each step's ``run`` script names what it does:

================  ======================  =====================================================================
kind              ``run`` script          what this module does for it
================  ======================  =====================================================================
``validate``      ``validate_data.py``    :func:`mlcicd.validation.validate` the batch; any error fails the step
``train``         ``train.py``            split the batch (seeded) into train and test rows, fit a candidate
``test``          ``test_model.py``       gate: candidate accuracy >= ``min_accuracy`` and not worse than the
                                          champion's accuracy on the same rows by more than ``tolerance``;
                                          the rows are the golden ``holdout`` when one is given, else the
                                          batch's own held-out rows
``deploy``        ``deploy.py``           register the candidate with the batch as its new drift reference and
                                          promote it to ``champion``
================  ======================  =====================================================================

A step that fails stops the pipeline: every later step is reported as ``skipped`` with the reason. Every
step reports ``pass``, ``fail`` or ``skipped`` and says why.

:func:`decide` is the reference answer to "what should the pipeline do with this batch?": STOP on a
schema problem (Google's MLOps guidance: schema skew stops the pipeline); RETRAIN on a performance drop
measured on labels, or, while labels are missing, on input drift (value skew); otherwise NO_ACTION. Input
drift alone does not retrain a model whose labelled accuracy is fine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import PurePosixPath
from typing import Any

import numpy as np
import pandas as pd
import yaml

from mlcicd._checks import check_frame
from mlcicd.data import FEATURES, LABEL
from mlcicd.drift import DriftReport
from mlcicd.models import make_model
from mlcicd.registry import ModelRegistry
from mlcicd.validation import LOAN_SCHEMA, ValidationError, validate

__all__ = [
    "SEED_PIPELINE_YAML",
    "STEP_KINDS",
    "Decision",
    "Pipeline",
    "PipelineError",
    "PipelineResult",
    "Step",
    "StepResult",
    "decide",
]

#: The four-step pipeline snippet from the course seed, verbatim.
SEED_PIPELINE_YAML = """\
steps:
  - name: Data Validation
    run: python validate_data.py
  - name: Train Model
    run: python train.py
  - name: Test Model
    run: python test_model.py
  - name: Deploy Model
    run: python deploy.py
"""

#: Which script does which kind of step.
STEP_KINDS = {
    "validate_data.py": "validate",
    "train.py": "train",
    "test_model.py": "test",
    "deploy.py": "deploy",
}

STATUSES = ("pass", "fail", "skipped")


class PipelineError(ValueError):
    """A pipeline definition that cannot be run (bad YAML, unknown step, duplicate name)."""


@dataclass(frozen=True)
class Step:
    """One step of a pipeline definition: its display name, its ``run`` command and its kind."""

    name: str
    run: str
    kind: str


@dataclass(frozen=True)
class StepResult:
    """What happened to one step: ``status`` is "pass", "fail" or "skipped"; ``reason`` says why."""

    name: str
    status: str
    reason: str
    details: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True)
class PipelineResult:
    """The outcome of :meth:`Pipeline.run`: one :class:`StepResult` per step, in order.

    ``deployed_version`` is the registry version promoted to champion by this run (None if nothing was
    deployed). ``serving_accuracy`` is the accuracy, on the batch's held-out rows, of whichever model is
    champion after the run (None when it could not be measured), so a run that skipped retraining shows
    how well the *old* model does on the new data.
    """

    steps: tuple[StepResult, ...]
    deployed_version: int | None = None
    serving_accuracy: float | None = None

    @property
    def passed(self) -> bool:
        """True when every step passed."""
        return all(s.status == "pass" for s in self.steps)

    @property
    def stopped_at(self) -> str | None:
        """Name of the step that failed (the pipeline stopped there), or None."""
        return next((s.name for s in self.steps if s.status == "fail"), None)

    def status(self, name: str) -> str:
        """Status of the step called ``name``."""
        for step in self.steps:
            if step.name == name:
                return step.status
        raise KeyError(f"no step called {name!r}; steps: {[s.name for s in self.steps]}")

    def to_frame(self) -> pd.DataFrame:
        """One row per step: step, status, reason."""
        return pd.DataFrame(
            {
                "step": [s.name for s in self.steps],
                "status": [s.status for s in self.steps],
                "reason": [s.reason for s in self.steps],
            }
        )

    def __str__(self) -> str:
        width = max(len(s.name) for s in self.steps) if self.steps else 0
        lines = [f"{s.name:<{width}}  {s.status.upper():<7}  {s.reason}" for s in self.steps]
        return "\n".join(lines)


class Decision(StrEnum):
    """What to do with a new batch. A StrEnum: ``Decision.STOP == "STOP"`` is True."""

    STOP = "STOP"
    RETRAIN = "RETRAIN"
    NO_ACTION = "NO_ACTION"


def decide(
    validation_errors: Sequence[ValidationError | str],
    drift: DriftReport | bool,
    accuracy: float | None = None,
    min_accuracy: float = 0.8,
) -> Decision:
    """Decide what the pipeline should do with a batch, in this order of precedence:

    1. any validation error (schema skew: a missing, renamed or mistyped column, out-of-range values,
       unknown categories, nulls) -> ``STOP``: retraining on broken data would bake the fault into a model;
    2. with labels (``accuracy`` given): ``RETRAIN`` when ``accuracy`` is below ``min_accuracy``, otherwise
       ``NO_ACTION`` even if the inputs drifted: the labels show the model still works on the new inputs, and
       the drift stays in the report as a warning worth watching;
    3. without labels (``accuracy`` None): ``RETRAIN`` on dataset drift (a :class:`~mlcicd.drift.DriftReport`
       with ``dataset_drift``, or ``True``), because input drift is then the only sign that the world moved.
       The retrained model is only a candidate: the Test Model gate discards it if it is no better than the
       champion. Otherwise ``NO_ACTION``.

    ``validation_errors`` is the list returned by :func:`~mlcicd.validation.validate` (or their codes);
    ``accuracy`` is the current model's accuracy on recent labelled data, or None if there are no labels yet.
    """
    if isinstance(validation_errors, (str, bytes)) or not isinstance(validation_errors, Iterable):
        raise TypeError(
            f"validation_errors must be the list returned by validate(), got {type(validation_errors).__name__}"
        )
    if isinstance(drift, DriftReport):
        drifted = bool(drift.dataset_drift)
    elif isinstance(drift, (bool, np.bool_)):
        drifted = bool(drift)
    else:
        raise TypeError(f"drift must be a DriftReport or a bool, got {type(drift).__name__}")
    if accuracy is not None and (
        isinstance(accuracy, bool) or not isinstance(accuracy, (int, float, np.floating)) or not 0 <= accuracy <= 1
    ):
        raise ValueError(f"accuracy must be a number between 0 and 1 or None, got {accuracy!r}")
    if len(list(validation_errors)) > 0:
        return Decision.STOP
    if accuracy is not None:
        return Decision.RETRAIN if accuracy < min_accuracy else Decision.NO_ACTION
    return Decision.RETRAIN if drifted else Decision.NO_ACTION


def _step_kind(name: str, run: str) -> str:
    script = PurePosixPath(run.split()[-1]).name if run.split() else ""
    if script not in STEP_KINDS:
        raise PipelineError(
            f"step {name!r} runs {run!r}; this runner knows the scripts {sorted(STEP_KINDS)} "
            "(run: python validate_data.py, python train.py, python test_model.py, python deploy.py)"
        )
    return STEP_KINDS[script]


class Pipeline:
    """An ordered list of :class:`Step`; build it with :meth:`from_yaml` (e.g. from :data:`SEED_PIPELINE_YAML`)."""

    def __init__(self, steps: Sequence[Step]) -> None:
        steps = tuple(steps)
        if not steps:
            raise PipelineError("a pipeline needs at least one step")
        if not all(isinstance(s, Step) for s in steps):
            raise TypeError("steps must be Step objects; use Pipeline.from_yaml(text) to build one from YAML")
        names = [s.name for s in steps]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise PipelineError(f"step names must be unique; repeated: {duplicates}")
        self.steps = steps

    @classmethod
    def from_yaml(cls, text: str) -> Pipeline:
        """Build a pipeline from YAML with a top-level ``steps:`` list of ``{name, run}`` mappings."""
        if not isinstance(text, str):
            raise TypeError(f"from_yaml() takes the YAML text as a str, got {type(text).__name__}")
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise PipelineError(f"the pipeline is not valid YAML: {exc}") from None
        if not isinstance(data, dict) or not isinstance(data.get("steps"), list):
            raise PipelineError("the YAML must have a top-level 'steps:' list, as in SEED_PIPELINE_YAML")
        steps = []
        for i, item in enumerate(data["steps"], start=1):
            if (
                not isinstance(item, dict)
                or not isinstance(item.get("name"), str)
                or not isinstance(item.get("run"), str)
            ):
                raise PipelineError(f"step {i} must be a mapping with a 'name' and a 'run' string, got {item!r}")
            steps.append(Step(item["name"], item["run"], _step_kind(item["name"], item["run"])))
        return cls(steps)

    @property
    def names(self) -> list[str]:
        """Step names, in order."""
        return [s.name for s in self.steps]

    def __repr__(self) -> str:
        return f"Pipeline({' -> '.join(self.names)})"

    def run(
        self,
        batch: pd.DataFrame,
        registry: ModelRegistry | None = None,
        *,
        schema: Mapping[str, Any] = LOAN_SCHEMA,
        skip: Iterable[str] = (),
        code_version: str = "pipeline",
        min_accuracy: float = 0.75,
        tolerance: float = 0.01,
        test_fraction: float = 0.3,
        seed: int = 0,
        model_factory: Callable[[int], Any] = make_model,
        holdout: pd.DataFrame | None = None,
    ) -> PipelineResult:
        """Run the steps in order on ``batch`` (a labelled frame) and return a :class:`PipelineResult`.

        ``skip`` names steps (by name or kind, e.g. ``["Train Model"]``) to leave out, the way a team might
        switch off retraining. ``model_factory(seed)`` returns the unfitted candidate (default
        :func:`~mlcicd.models.make_model`). The test step's gates are ``min_accuracy`` and ``tolerance``;
        ``test_fraction`` of the rows (a seeded shuffle) are held out from training.

        ``holdout`` is a **golden holdout set**: labelled rows kept apart from every batch, with verified labels
        from the population the model must serve. When it is given, the Test Model gate scores the candidate
        and the champion on it. Without it the gate falls back to the batch's own held-out rows, which share
        every fault of the batch: a valid-but-wrong batch (say, one credit score for everybody) fools the
        candidate and the test rows alike and can be promoted. Deploying needs ``registry``.
        """
        if not isinstance(batch, pd.DataFrame):
            raise TypeError(f"batch must be a pandas DataFrame, got {type(batch).__name__}")
        if registry is not None and not isinstance(registry, ModelRegistry):
            raise TypeError(f"registry must be a ModelRegistry or None, got {type(registry).__name__}")
        skip = {skip} if isinstance(skip, str) else set(skip)
        unknown = skip - {s.name for s in self.steps} - {s.kind for s in self.steps}
        if unknown:
            raise ValueError(f"skip= names unknown step(s) {sorted(unknown)}; steps: {self.names}")
        if not 0 < test_fraction < 1:
            raise ValueError(f"test_fraction must be between 0 and 1, got {test_fraction!r}")
        if holdout is not None:
            holdout = check_frame(holdout, "holdout", columns=(*FEATURES, LABEL))

        state: dict[str, Any] = {"batch": batch, "passed": set(), "skipped": set()}
        results: list[StepResult] = []
        failed: str | None = None
        for step in self.steps:
            if failed is not None:
                results.append(StepResult(step.name, "skipped", f"not run: step {failed!r} failed"))
                continue
            if step.name in skip or step.kind in skip:
                state["skipped"].add(step.kind)
                results.append(StepResult(step.name, "skipped", "skipped on request"))
                continue
            try:
                status, reason, details = _ACTIONS[step.kind](
                    state,
                    registry=registry,
                    schema=schema,
                    code_version=code_version,
                    min_accuracy=min_accuracy,
                    tolerance=tolerance,
                    test_fraction=test_fraction,
                    seed=seed,
                    model_factory=model_factory,
                    holdout=holdout,
                )
            except Exception as exc:  # a crashing step is a failing step, with the error as its reason
                status, reason, details = "fail", f"{type(exc).__name__}: {exc}", {"exception": exc}
            if status == "pass":
                state["passed"].add(step.kind)
            elif status == "fail":
                failed = step.name
            else:
                state["skipped"].add(step.kind)
            results.append(StepResult(step.name, status, reason, details))

        serving = None
        labelled = all(c in batch.columns for c in (*FEATURES, LABEL)) and len(batch) > 1
        if failed is None and labelled and registry is not None and "champion" in registry.aliases:
            test = state["test_rows"] if "test_rows" in state else _split(batch, test_fraction, seed)[1]
            serving = float(np.mean(registry.load("champion").predict(test) == test[LABEL].to_numpy()))
        return PipelineResult(tuple(results), state.get("deployed_version"), serving)


def _split(batch: pd.DataFrame, test_fraction: float, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    order = np.random.default_rng(seed).permutation(len(batch))
    n_test = max(1, round(test_fraction * len(batch)))
    return batch.iloc[order[n_test:]], batch.iloc[order[:n_test]]


def _validate(state: dict, *, schema: Mapping[str, Any], **_: Any) -> tuple[str, str, dict]:
    errors = validate(state["batch"], schema)
    if errors:
        shown = ", ".join(f"{e.code} ({e.column})" for e in errors[:5])
        more = f" and {len(errors) - 5} more" if len(errors) > 5 else ""
        return "fail", f"{len(errors)} validation error(s): {shown}{more}", {"errors": errors}
    return "pass", f"{len(state['batch'])} rows match the schema", {"errors": []}


def _train(
    state: dict, *, test_fraction: float, seed: int, model_factory: Callable[[int], Any], **_: Any
) -> tuple[str, str, dict]:
    batch = state["batch"]
    missing = [c for c in (*FEATURES, LABEL) if c not in batch.columns]
    if missing:
        return "fail", f"cannot train: missing column(s) {missing}", {}
    train, test = _split(batch, test_fraction, seed)
    if train[LABEL].nunique() < 2:
        return "fail", f"cannot train: the training rows have only one class in {LABEL!r}", {}
    model = model_factory(seed).fit(train[list(FEATURES)], train[LABEL].to_numpy())
    state.update(candidate=model, train_rows=train, test_rows=test)
    return "pass", f"trained a candidate on {len(train)} rows ({len(test)} held out for testing)", {"model": model}


def _test(
    state: dict,
    *,
    registry: ModelRegistry | None,
    min_accuracy: float,
    tolerance: float,
    holdout: pd.DataFrame | None,
    **_: Any,
) -> tuple[str, str, dict]:
    if "candidate" not in state:
        if "train" in state["skipped"]:
            return "skipped", "no candidate model: the train step was skipped", {}
        return "fail", "no candidate model: a train step must run (and pass) before the test step", {}
    test = state["test_rows"] if holdout is None else holdout
    rows = (
        f"the same {len(test)} held-out rows of the batch" if holdout is None else f"the {len(test)}-row golden holdout"
    )
    labels = test[LABEL].to_numpy()
    candidate = float(np.mean(state["candidate"].predict(test[list(FEATURES)]) == labels))
    details: dict[str, Any] = {
        "candidate_accuracy": candidate,
        "test_rows": len(test),
        "golden_holdout": holdout is not None,
    }
    if candidate < min_accuracy:
        return "fail", f"candidate accuracy {candidate:.3f} on {rows} < minimum {min_accuracy:.3f}", details
    if registry is not None and "champion" in registry.aliases:
        champion_bundle = registry.load("champion")
        champion = float(np.mean(champion_bundle.predict(test) == labels))
        details.update(champion_accuracy=champion, champion_version=champion_bundle.version)
        if candidate < champion - tolerance:
            return (
                "fail",
                f"candidate accuracy {candidate:.3f} is worse than champion v{champion_bundle.version}'s "
                f"{champion:.3f} on {rows} (tolerance {tolerance:.3f})",
                details,
            )
        state["test_report"] = details
        return (
            "pass",
            f"candidate {candidate:.3f} >= minimum {min_accuracy:.3f}, champion v{champion_bundle.version} "
            f"{champion:.3f}, on {rows}",
            details,
        )
    state["test_report"] = details
    return "pass", f"candidate {candidate:.3f} >= minimum {min_accuracy:.3f} on {rows} (no champion yet)", details


def _deploy(state: dict, *, registry: ModelRegistry | None, code_version: str, **_: Any) -> tuple[str, str, dict]:
    if "test" in state["skipped"] or ("candidate" not in state and "train" in state["skipped"]):
        return "skipped", "nothing to deploy: no tested candidate (an earlier step was skipped)", {}
    if "test_report" not in state:
        return "fail", "refusing to deploy: no test step passed for this candidate", {}
    if registry is None:
        return "fail", "no registry given: pass registry=ModelRegistry(folder) to deploy", {}
    report = state["test_report"]
    metrics = {"accuracy": report["candidate_accuracy"]}
    if "champion_accuracy" in report:
        metrics["champion_accuracy"] = report["champion_accuracy"]
    version = registry.register(
        state["candidate"],
        train_data=state["train_rows"],
        reference_data=state["batch"][list(FEATURES)],
        code_version=code_version,
        metrics=metrics,
        description="deployed by the pipeline",
    )
    versus = f" vs champion {report['champion_accuracy']:.3f}" if "champion_accuracy" in report else ""
    registry.promote(version, "champion", reason=f"pipeline: candidate {report['candidate_accuracy']:.3f}{versus}")
    state["deployed_version"] = version
    return (
        "pass",
        f"registered v{version} with the batch as its drift reference and promoted it to champion",
        {"version": version},
    )


_ACTIONS: dict[str, Callable[..., tuple[str, str, dict]]] = {
    "validate": _validate,
    "train": _train,
    "test": _test,
    "deploy": _deploy,
}
