"""Content fingerprints of data and artifacts, and run manifests that tie code, data, params and model together.

A *fingerprint* is a SHA-256 digest (64 hex characters) of content, so it names a version of the data
without storing it: identical content gives the identical digest on any machine, and changing one cell,
one dtype or one column name gives a different one.

:func:`fingerprint` covers, in order: the column names, their dtypes, the number of rows, and every value.

* **Row order matters** by default: a shuffled frame is a different table (a model trained with mini-batches
  or a time split can behave differently on it). Pass ``ignore_row_order=True`` to fingerprint the *set* of
  rows instead (rows are put in a canonical order by a per-row hash first; it costs one extra hash pass).
* **Column order matters** (a frame is an ordered table); reorder columns first if you do not want that.
* **The index is ignored**: a filtered frame and the same rows after ``reset_index()`` match. Call
  ``df.reset_index()`` first if the index is data.
* Missing values are normalised (every NaN/None/NA in a column counts as the same value) and ``-0.0``
  equals ``0.0``; ``1`` (int) and ``1.0`` (float) differ because their dtypes differ.
* Digests are stable across machines and sessions for the same dtypes. A frame read with another pandas
  major version may get other dtypes (pandas 3 stores text as ``str``, pandas 2 as ``object``), hence
  another digest: record the library versions along with the fingerprint.

A :class:`RunManifest` records one training run (code version, data fingerprint, parameters, metrics and the
model's fingerprint); :func:`what_changed` compares two of them and says which of code / data / params /
model differ, the first question to ask when a metric moves.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import importlib.metadata
import os
import pickle
import platform
import struct
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from os import PathLike
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from mlcicd._checks import check_frame, check_text
from mlcicd.models import fitted_fingerprint

__all__ = [
    "CHANGE_KINDS",
    "ENVIRONMENT_PACKAGES",
    "RunManifest",
    "current_environment",
    "fingerprint",
    "fingerprint_bytes",
    "fingerprint_file",
    "make_manifest",
    "what_changed",
]

#: The parts of a run that :func:`what_changed` can report.
CHANGE_KINDS = ("code", "data", "params", "model", "environment")

_HEX = frozenset("0123456789abcdef")


def _is_digest(value: object) -> bool:
    return isinstance(value, str) and len(value) == 64 and set(value) <= _HEX


def fingerprint_bytes(data: bytes | bytearray | memoryview) -> str:
    """Return the SHA-256 hex digest of raw bytes (a serialized model, a file's content, ...)."""
    if isinstance(data, str):
        raise TypeError("fingerprint_bytes() takes bytes, got str; encode it first, e.g. text.encode('utf-8')")
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"fingerprint_bytes() takes bytes, got {type(data).__name__}")
    return hashlib.sha256(data).hexdigest()


def fingerprint_file(path: str | PathLike, chunk_size: int = 1 << 20) -> str:
    """Return the SHA-256 hex digest of a file's bytes, read in chunks (same digest as :func:`fingerprint_bytes`)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(chunk_size), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _is_missing(value: object) -> bool:
    """True for None, NaN, NaT and pd.NA; False for everything else (including containers)."""
    if isinstance(value, (str, bytes)):
        return False
    try:
        result = pd.isna(value)
    except (TypeError, ValueError):
        return False
    return isinstance(result, (bool, np.bool_)) and bool(result)


def _column_bytes(series: pd.Series) -> bytes:
    """Encode one column's values unambiguously (fixed-width numbers, length-prefixed text)."""
    dtype = series.dtype
    if isinstance(dtype, np.dtype) and dtype.kind == "b":
        return series.to_numpy().astype(np.uint8).tobytes()
    if isinstance(dtype, np.dtype) and dtype.kind in "iuf":
        values = series.to_numpy()
        if dtype.kind == "f":
            values = values.astype("<f8") + 0.0  # + 0.0 turns -0.0 into 0.0
            values[np.isnan(values)] = np.nan  # one canonical NaN bit pattern
        else:
            values = values.astype(dtype.newbyteorder("<"))
        return np.ascontiguousarray(values).tobytes()
    if isinstance(dtype, np.dtype) and dtype.kind in "mM":
        return series.to_numpy().view("<i8").tobytes()
    if isinstance(dtype, pd.StringDtype):
        # Every value is a str or missing, so equal values have equal bytes: encode each distinct value once.
        codes, uniques = pd.factorize(series)
        pieces = [_value_bytes(value) for value in uniques] + [b"\x00"]  # code -1 (missing) -> b"\x00"
        return b"".join([pieces[code] for code in codes.tolist()])
    # Anything else (object, category, nullable extension dtypes): tag each value with its type.
    return b"".join([_value_bytes(value) for value in series.tolist()])


def _value_bytes(value: object) -> bytes:
    if _is_missing(value):
        return b"\x00"
    text = f"{type(value).__name__}:{value!r}".encode()
    return b"\x01" + struct.pack("<Q", len(text)) + text


def fingerprint(df: pd.DataFrame, ignore_row_order: bool = False) -> str:
    """Return the SHA-256 hex digest of a frame's column names, dtypes and values.

    Same content gives the same digest; any changed cell, dtype or column name changes it. Row order and
    column order matter, the index does not (see the module docstring). With ``ignore_row_order=True`` two
    frames holding the same rows in any order get the same digest.

    >>> a = pd.DataFrame({"x": [1, 2], "y": ["a", "b"]})
    >>> fingerprint(a) == fingerprint(a.copy())
    True
    >>> fingerprint(a) == fingerprint(a.iloc[::-1])
    False
    >>> fingerprint(a, ignore_row_order=True) == fingerprint(a.iloc[::-1], ignore_row_order=True)
    True
    """
    check_frame(df, "df", non_empty=False)
    if ignore_row_order and len(df) > 1:
        # Canonical order: sort rows by a per-row hash (stable, so equal rows keep a fixed relative order).
        row_hash = pd.util.hash_pandas_object(df, index=False).to_numpy()
        df = df.iloc[np.argsort(row_hash, kind="stable")]
    digest = hashlib.sha256()
    header = {"columns": [repr(c) for c in df.columns], "dtypes": [str(t) for t in df.dtypes], "rows": len(df)}
    digest.update(repr(header).encode("utf-8"))
    for position in range(df.shape[1]):
        payload = _column_bytes(df.iloc[:, position])
        digest.update(struct.pack("<Q", len(payload)))
        digest.update(payload)
    return digest.hexdigest()


def _frozen(mapping: Mapping[str, Any], what: str) -> Mapping[str, Any]:
    if not isinstance(mapping, Mapping):
        raise TypeError(f"{what} must be a dict, got {type(mapping).__name__}")
    return MappingProxyType(copy.deepcopy(dict(mapping)))


@dataclass(frozen=True)
class RunManifest:
    """What one training run was made of: code version, data fingerprint, parameters, metrics, model fingerprint
    and the environment (see :func:`current_environment`; None when it was not recorded).

    ``params``, ``metrics`` and ``environment`` are stored as read-only copies; :meth:`to_dict` returns plain, JSON-ready dicts
    (as long as the values you passed are JSON-ready) and :meth:`from_dict` reads them back.
    """

    code_version: str
    data_fingerprint: str
    params: Mapping[str, Any] = field(default_factory=dict)
    metrics: Mapping[str, Any] = field(default_factory=dict)
    model_fingerprint: str | None = None
    environment: Mapping[str, str] | None = None

    def __post_init__(self) -> None:
        check_text(self.code_version, "code_version", example="3f2a9c1 (a git commit hash)")
        if not _is_digest(self.data_fingerprint):
            raise ValueError(
                "data_fingerprint must be a 64-character hex digest from fingerprint(df), "
                f"got {self.data_fingerprint!r}"
            )
        if self.model_fingerprint is not None and not _is_digest(self.model_fingerprint):
            raise ValueError(
                f"model_fingerprint must be None or a 64-character hex digest, got {self.model_fingerprint!r}"
            )
        object.__setattr__(self, "params", _frozen(self.params, "params"))
        object.__setattr__(self, "metrics", _frozen(self.metrics, "metrics"))
        if self.environment is not None:
            environment = _frozen(self.environment, "environment")
            if not all(isinstance(k, str) and isinstance(v, str) for k, v in environment.items()):
                raise TypeError("environment maps names to version strings, e.g. {'scikit-learn': '1.7.2'}")
            object.__setattr__(self, "environment", environment)

    def to_dict(self) -> dict[str, Any]:
        """Return the manifest as a plain dict (deep copies of params and metrics)."""
        return {
            "code_version": self.code_version,
            "data_fingerprint": self.data_fingerprint,
            "params": copy.deepcopy(dict(self.params)),
            "metrics": copy.deepcopy(dict(self.metrics)),
            "model_fingerprint": self.model_fingerprint,
            "environment": None if self.environment is None else dict(self.environment),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> RunManifest:
        """Rebuild a manifest from :meth:`to_dict` output; a missing or unknown key is a clear ``ValueError``."""
        if not isinstance(d, Mapping):
            raise TypeError(f"from_dict() expects a dict, got {type(d).__name__}")
        required = {"code_version", "data_fingerprint"}
        allowed = required | {"params", "metrics", "model_fingerprint", "environment"}
        missing, unknown = sorted(required - set(d)), sorted(set(d) - allowed)
        if missing or unknown:
            raise ValueError(
                f"not a run manifest: missing keys {missing}, unknown keys {unknown}; expected {sorted(allowed)}"
            )
        return cls(**dict(d))


def _model_fingerprint(model: Any) -> str | None:
    if model is None:
        return None
    if _is_digest(model):
        return model
    if isinstance(model, (bytes, bytearray, memoryview)):
        return fingerprint_bytes(model)
    if isinstance(model, BaseEstimator):  # the digest the registry records as model_fingerprint
        return fitted_fingerprint(model)
    return fingerprint_bytes(pickle.dumps(model, protocol=4))


def make_manifest(
    code_version: str,
    data: pd.DataFrame | str,
    params: Mapping[str, Any],
    metrics: Mapping[str, Any],
    model: Any = None,
    environment: Mapping[str, str] | None = None,
) -> RunManifest:
    """Build a :class:`RunManifest`; ``environment`` defaults to :func:`current_environment`.

    ``data`` is the training frame (fingerprinted with :func:`fingerprint`) or an existing digest.
    ``model`` is ``None``, a digest, raw bytes, or a model. A scikit-learn estimator or pipeline is
    fingerprinted by :func:`mlcicd.models.fitted_fingerprint` (its class, parameters and fitted attributes),
    the digest :class:`mlcicd.registry.ModelRegistry` records as ``model_fingerprint``; any other object by
    its pickle bytes.
    """
    if isinstance(data, pd.DataFrame):
        data_fp = fingerprint(data)
    elif _is_digest(data):
        data_fp = data
    else:
        raise TypeError(f"data must be a DataFrame or a fingerprint(df) digest, got {type(data).__name__}")
    environment = current_environment() if environment is None else environment
    return RunManifest(code_version, data_fp, params, metrics, _model_fingerprint(model), environment)


#: The libraries a course model's numbers depend on; :func:`current_environment` records their versions.
ENVIRONMENT_PACKAGES = ("numpy", "pandas", "scikit-learn", "scipy")


def current_environment() -> dict[str, str]:
    """The Python version, the versions of :data:`ENVIRONMENT_PACKAGES`, and ``installed``: a digest of every
    installed distribution as ``name==version`` (the environment's pins), which changes when any of them does."""
    return dict(_environment(_import_path_state()))


def _import_path_state() -> tuple[tuple[str, int], ...]:
    """Each ``sys.path`` entry with its modification time (-1 if it cannot be read).

    Installing, upgrading or removing a distribution adds or removes its ``.dist-info`` folder, which changes
    the modification time of the folder holding it, so this is a key that changes whenever the answer of
    :func:`current_environment` can.
    """
    state = []
    for entry in sys.path:
        try:
            state.append((entry, os.stat(entry or ".").st_mtime_ns))
        except OSError:
            state.append((entry, -1))
    return tuple(state)


@functools.lru_cache(maxsize=8)
def _environment(import_path_state: tuple[tuple[str, int], ...]) -> tuple[tuple[str, str], ...]:
    # Reading the metadata of every installed distribution takes ~70 ms; a lesson records a dozen manifests.
    installed = sorted(f"{(d.metadata['Name'] or '').lower()}=={d.version}" for d in importlib.metadata.distributions())
    versions: dict[str, str] = {}
    for name in ENVIRONMENT_PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "not installed"
    environment = {
        "python": platform.python_version(),
        **versions,
        "installed": fingerprint_bytes("\n".join(sorted(set(installed))).encode()),
    }
    return tuple(environment.items())


def what_changed(old: RunManifest | Mapping[str, Any], new: RunManifest | Mapping[str, Any]) -> set[str]:
    """Return which of ``{"code", "data", "params", "model", "environment"}`` differ between two runs (empty set:
    same recipe).

    Metrics are outcomes, not inputs, so they are not compared. ``environment`` is compared only when both runs
    recorded one. Accepts manifests or their ``to_dict()`` form.
    """
    old_m, new_m = (m if isinstance(m, RunManifest) else RunManifest.from_dict(m) for m in (old, new))
    changed = set()
    if old_m.code_version != new_m.code_version:
        changed.add("code")
    if old_m.data_fingerprint != new_m.data_fingerprint:
        changed.add("data")
    if dict(old_m.params) != dict(new_m.params):
        changed.add("params")
    if old_m.model_fingerprint != new_m.model_fingerprint:
        changed.add("model")
    old_env, new_env = old_m.environment, new_m.environment
    if old_env is not None and new_env is not None and dict(old_env) != dict(new_env):
        changed.add("environment")
    return changed
