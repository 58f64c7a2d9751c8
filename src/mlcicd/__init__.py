"""mlcicd: the simulation library behind the "CI/CD for ML" course.

The curated API below covers the course's simulations; submodules hold the rest:
``mlcicd.data`` (the seeded loan stream and its drift and fault injectors), ``mlcicd.versioning``,
``mlcicd.snapshots`` (frames kept and got back by fingerprint), ``mlcicd.validation``, ``mlcicd.drift``,
``mlcicd.models``, ``mlcicd.registry``, ``mlcicd.serving`` (the prediction log), ``mlcicd.monitoring`` (window
metrics, the monitor and its alerts), ``mlcicd.simulation`` (the stream simulation), ``mlcicd.pipeline``,
``mlcicd.plots`` (matplotlib figures) and ``mlcicd.quiz`` (ipywidgets quizzes).

Importing the package has no side effects: it sets no seeds, creates no folders and changes no plot style.
"""

from importlib import metadata as _metadata

from mlcicd.data import (
    FEATURES,
    LABEL,
    concept_drift,
    covariate_drift,
    inject_fault,
    make_applications,
    make_stream,
    prior_drift,
)
from mlcicd.drift import DriftReport, drift_report, psi
from mlcicd.models import make_model, train_model
from mlcicd.monitoring import Monitor
from mlcicd.pipeline import SEED_PIPELINE_YAML, Decision, Pipeline, decide
from mlcicd.registry import ModelRegistry, RegistryError
from mlcicd.serving import PredictionLog, serve_batch
from mlcicd.simulation import simulate_stream
from mlcicd.snapshots import SnapshotError, SnapshotStore
from mlcicd.validation import LOAN_SCHEMA, ColumnSpec, ValidationError, validate
from mlcicd.versioning import RunManifest, fingerprint, make_manifest, what_changed

__all__ = [
    # data
    "FEATURES",
    "LABEL",
    "make_applications",
    "make_stream",
    "covariate_drift",
    "prior_drift",
    "concept_drift",
    "inject_fault",
    # versioning
    "fingerprint",
    "RunManifest",
    "make_manifest",
    "what_changed",
    "SnapshotStore",
    "SnapshotError",
    # validation
    "ColumnSpec",
    "LOAN_SCHEMA",
    "ValidationError",
    "validate",
    # drift
    "psi",
    "drift_report",
    "DriftReport",
    # models, registry, serving, pipeline
    "make_model",
    "train_model",
    "ModelRegistry",
    "RegistryError",
    "PredictionLog",
    "serve_batch",
    "Monitor",
    "simulate_stream",
    "Pipeline",
    "SEED_PIPELINE_YAML",
    "decide",
    "Decision",
]

try:  # the version is written once, in pyproject.toml; the installed distribution's metadata carries it here
    __version__ = _metadata.version("mlcicd")
except _metadata.PackageNotFoundError:  # imported from a source tree that was never installed (pip install -e .)
    __version__ = "0+unknown"
