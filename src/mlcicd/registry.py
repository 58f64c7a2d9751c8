"""A small file-backed model registry: versions with lineage, aliases, an append-only promotion log, rollback.

Layout of a registry folder (everything a restart needs is on disk)::

    root/
      registry.json            name, registered versions, aliases, promotion log (rewritten atomically)
      versions/
        v0001/
          metadata.json        lineage: code version, training-data fingerprint, metrics, artifact checksums
          model.pkl            the fitted estimator (LogisticRegression), pickled
          preprocessor.pkl     the fitted preprocessing step (ColumnTransformer), pickled
          reference.pkl        the monitoring reference data (a DataFrame), pickled

Design decisions

* **Model and preprocessing are separate artifacts.** Each version records the
  :func:`~mlcicd.models.fitted_fingerprint` of the preprocessor its estimator was trained with. Loading
  version 2's estimator with version 1's preprocessor compares the two fingerprints and raises
  :class:`RegistryError`: the pair would silently produce wrong predictions.
* **A version is immutable.** It is written to a temporary folder and renamed into place; the index
  ``registry.json`` is written to a temporary file and swapped in with :func:`os.replace`, which is atomic
  on POSIX and Windows. A crash at any point leaves the previous state readable (at worst an unlisted,
  ignored version folder). The storage (index file, version folders, durable writes) is
  :mod:`mlcicd._registry_store`; this module is the API on top of it.
* **Aliases move, versions never change.** :meth:`ModelRegistry.promote` points an alias (``champion``,
  ``challenger``) at a version and appends an entry (when, alias, from, to, why) to the log;
  :meth:`ModelRegistry.rollback` moves the alias back to the version it pointed to before the last
  promotion, so model, preprocessing and reference data come back together. Both return the
  :class:`LogEntry` they appended.
* **Integrity is checked on load.** Every artifact's sha256 is stored in ``metadata.json``; a changed,
  truncated or hand-edited file raises :class:`RegistryError` naming the file and how to fix it.

Pickle files run code when loaded: open only registries you created yourself. The registry expects one
writer at a time (two processes registering at the same moment could lose one index update).
"""

from __future__ import annotations

import json
import os
import pickle
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from mlcicd._checks import check_frame, check_text
from mlcicd._registry_store import ARTIFACTS, FORMAT_VERSION, IndexStore, RegistryError, VersionStore
from mlcicd.models import fitted_fingerprint, join_model, split_model
from mlcicd.versioning import fingerprint, fingerprint_bytes

__all__ = ["FORMAT_VERSION", "LogEntry", "ModelBundle", "ModelRegistry", "RegistryError"]

_ALIAS_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")


@dataclass(frozen=True)
class LogEntry:
    """One line of the append-only promotion log."""

    seq: int  #: 1, 2, 3, ... in the order the entries were written
    when: str  #: UTC timestamp, ISO 8601
    action: str  #: "promote" or "rollback"
    alias: str  #: the alias that moved, e.g. "champion"
    from_version: int | None  #: where the alias pointed before (None if it did not exist)
    to_version: int  #: where it points now
    reason: str  #: why, in words

    def to_dict(self) -> dict:
        return {
            "seq": self.seq,
            "when": self.when,
            "action": self.action,
            "alias": self.alias,
            "from": self.from_version,
            "to": self.to_version,
            "reason": self.reason,
        }


@dataclass(frozen=True, eq=False)
class ModelBundle:
    """A loaded version: the estimator, the preprocessor it was trained with, and its monitoring reference.

    ``predict(df)`` / ``predict_proba(df)`` apply the preprocessor then the estimator, exactly as the
    original pipeline did. ``version`` is the registry version number.
    """

    version: int
    model: Any
    preprocessor: Any
    reference_data: pd.DataFrame
    metadata: Mapping[str, Any] = field(repr=False)

    def __post_init__(self) -> None:
        expected = self.metadata.get("preprocessor_fingerprint")
        if expected is not None and fitted_fingerprint(self.preprocessor) != expected:
            raise RegistryError(
                f"the preprocessor does not belong to model version {self.version}: its fingerprint differs "
                f"from the one recorded when the model was trained ({expected[:12]}...). A model must be "
                "served with its own preprocessing; load both from the same version with registry.load(version)."
            )

    @property
    def features(self) -> list[str]:
        """The input columns the preprocessor was fitted on."""
        return list(self.metadata["features"])

    def _inputs(self, df: pd.DataFrame) -> pd.DataFrame:
        if not isinstance(df, pd.DataFrame):
            raise TypeError(f"expected a pandas DataFrame, got {type(df).__name__}")
        missing = [c for c in self.features if c not in df.columns]
        if missing:
            raise KeyError(f"missing input column(s) {missing}; model version {self.version} needs {self.features}")
        return df[self.features]

    def predict(self, df: pd.DataFrame) -> np.ndarray:
        """Predicted class (0/1) for every row of ``df``."""
        return self.model.predict(self.preprocessor.transform(self._inputs(df)))

    def predict_proba(self, df: pd.DataFrame) -> np.ndarray:
        """Predicted class probabilities, shape (n_rows, 2)."""
        return self.model.predict_proba(self.preprocessor.transform(self._inputs(df)))

    def predict_with_proba(self, df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """``predict(df)`` and ``predict_proba(df)`` from one pass of the preprocessor (serving logs both)."""
        inputs = self.preprocessor.transform(self._inputs(df))
        return self.model.predict(inputs), self.model.predict_proba(inputs)

    @property
    def pipeline(self) -> Pipeline:
        """The preprocessor and estimator joined back into one sklearn Pipeline."""
        return join_model(self.preprocessor, self.model)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _jsonable(metrics: Any, what: str) -> dict:
    if not isinstance(metrics, Mapping):
        raise TypeError(f"{what} must be a dict, got {type(metrics).__name__}")
    out = {}
    for key, value in metrics.items():
        if isinstance(value, (np.integer, np.floating, np.bool_)):
            value = value.item()
        out[str(key)] = value
    try:
        json.dumps(out, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{what} must hold JSON values (numbers, strings, lists), got {out!r}: {exc}") from None
    return out


class ModelRegistry:
    """A model registry stored in the folder ``root`` (created if missing).

    >>> reg = ModelRegistry(tmp_path)                                    # doctest: +SKIP
    >>> v = reg.register(model, train_data=train, reference_data=train,   # doctest: +SKIP
    ...                  code_version="abc123", metrics={"accuracy": 0.85})
    >>> reg.promote(v, "champion", reason="first model")                 # doctest: +SKIP
    >>> reg.load("champion").predict(batch)                              # doctest: +SKIP

    Opening the same folder again (after a restart) gives the same versions, aliases and log; ``name`` is
    only used when the folder is new.
    """

    def __init__(self, root: str | os.PathLike, name: str = "loan-default") -> None:
        if not isinstance(root, (str, os.PathLike)):
            raise TypeError(f"root must be a folder path (str or pathlib.Path), got {type(root).__name__}")
        self.root = Path(root)
        if self.root.exists() and not self.root.is_dir():
            raise RegistryError(f"{self.root} exists and is not a folder; choose another registry root")
        self._index = IndexStore(self.root)
        self._versions = VersionStore(self.root)
        if self._index.exists():
            self._index.read()
        else:
            self._versions.folder.mkdir(parents=True, exist_ok=True)
            self._index.write({"format": FORMAT_VERSION, "name": str(name), "versions": [], "aliases": {}, "log": []})

    # ------------------------------------------------------------------ reading
    @property
    def name(self) -> str:
        """The registered model's name."""
        return self._index.read()["name"]

    @property
    def versions(self) -> list[int]:
        """Registered version numbers, oldest first."""
        return list(self._index.read()["versions"])

    @property
    def aliases(self) -> dict[str, int]:
        """Alias -> version, e.g. ``{"champion": 2, "challenger": 3}``."""
        return dict(self._index.read()["aliases"])

    @property
    def log(self) -> list[LogEntry]:
        """The promotion log, oldest entry first (entries are only ever appended)."""
        return [
            LogEntry(e["seq"], e["when"], e["action"], e["alias"], e["from"], e["to"], e["reason"])
            for e in self._index.read()["log"]
        ]

    def log_frame(self) -> pd.DataFrame:
        """The promotion log as a DataFrame with columns seq, when, action, alias, from, to, reason."""
        rows = [e.to_dict() for e in self.log]
        columns = ["seq", "when", "action", "alias", "from", "to", "reason"]
        return pd.DataFrame(rows, columns=columns).astype({"seq": "int64", "from": "Int64", "to": "int64"})

    def resolve(self, version_or_alias: int | str) -> int:
        """Return the version number that an alias (or a version number) refers to."""
        index = self._index.read()
        if isinstance(version_or_alias, str):
            if version_or_alias not in index["aliases"]:
                known = sorted(index["aliases"]) or "none yet"
                raise RegistryError(
                    f"unknown alias {version_or_alias!r}; known aliases: {known}. Promote a version first."
                )
            return index["aliases"][version_or_alias]
        if isinstance(version_or_alias, (int, np.integer)) and not isinstance(version_or_alias, bool):
            version = int(version_or_alias)
            if version not in index["versions"]:
                raise RegistryError(f"version {version} is not registered; registered versions: {index['versions']}")
            return version
        raise TypeError(f"expected a version number or an alias name, got {type(version_or_alias).__name__}")

    def metadata(self, version_or_alias: int | str) -> dict:
        """The lineage record of a version (code version, data fingerprints, metrics, checksums...)."""
        return self._versions.metadata(self.resolve(version_or_alias))

    def load(
        self, version_or_alias: int | str = "champion", preprocessor_version: int | str | None = None
    ) -> ModelBundle:
        """Load a version (number or alias) as a :class:`ModelBundle`.

        ``preprocessor_version`` takes the preprocessing from another version; this is refused with
        :class:`RegistryError` unless that preprocessor is exactly the one the model was trained with.
        """
        version = self.resolve(version_or_alias)
        meta = self.metadata(version)
        pre_version = version if preprocessor_version is None else self.resolve(preprocessor_version)
        pre_meta = meta if pre_version == version else self.metadata(pre_version)
        if pre_meta["preprocessor_fingerprint"] != meta["preprocessor_fingerprint"]:
            raise RegistryError(
                f"refusing to load model version {version} with the preprocessor of version {pre_version}: "
                f"the model was trained with preprocessor {meta['preprocessor_fingerprint'][:12]}..., "
                f"version {pre_version} has {pre_meta['preprocessor_fingerprint'][:12]}... "
                f"Load model and preprocessing from the same version: registry.load({version})."
            )
        model = self._versions.artifact(version, meta, "model")
        preprocessor = self._versions.artifact(pre_version, pre_meta, "preprocessor")
        reference = self._versions.artifact(version, meta, "reference")
        return ModelBundle(
            version=version, model=model, preprocessor=preprocessor, reference_data=reference, metadata=meta
        )

    # ------------------------------------------------------------------ writing
    def register(
        self,
        model: Any,
        preprocessor: Any = None,
        *,
        train_data: pd.DataFrame,
        reference_data: pd.DataFrame | None = None,
        code_version: str,
        metrics: Mapping[str, float] | None = None,
        params: Mapping[str, Any] | None = None,
        description: str = "",
    ) -> int:
        """Store a fitted model as a new version and return its number (1, 2, ...).

        Pass either a fitted two-step pipeline from :func:`~mlcicd.models.make_model` (it is split into
        preprocessor and estimator) or the fitted estimator together with its fitted ``preprocessor``.
        ``train_data`` is fingerprinted (not stored); ``reference_data`` (default: ``train_data``) is stored
        and becomes the drift-monitoring reference whenever this version is served. Registering does not
        change any alias: call :meth:`promote`.
        """
        if preprocessor is None:
            preprocessor, estimator = split_model(model)
        else:
            estimator = model
        check_frame(train_data, "train_data")
        reference = train_data if reference_data is None else check_frame(reference_data, "reference_data")
        check_text(code_version, "code_version", example="3f2a9c1 (a git commit hash)")
        features = getattr(preprocessor, "feature_names_in_", None)
        if features is None:
            raise RegistryError(
                "the preprocessor is not fitted on a DataFrame (it has no feature_names_in_); fit the model "
                "before registering it"
            )
        features = [str(c) for c in features]
        missing = [c for c in features if c not in reference.columns]
        if missing:
            raise KeyError(f"reference_data is missing the model's input column(s) {missing}")
        metrics = _jsonable(metrics or {}, "metrics")
        params = _jsonable(params or {}, "params")

        index = self._index.read()
        version = self._versions.next_version(index["versions"])

        blobs = {
            "model": pickle.dumps(estimator, protocol=pickle.HIGHEST_PROTOCOL),
            "preprocessor": pickle.dumps(preprocessor, protocol=pickle.HIGHEST_PROTOCOL),
            "reference": pickle.dumps(reference.reset_index(drop=True), protocol=pickle.HIGHEST_PROTOCOL),
        }
        meta = {
            "format": FORMAT_VERSION,
            "version": version,
            "name": index["name"],
            "registered_at": _now(),
            "code_version": code_version,
            "description": str(description),
            "train_fingerprint": fingerprint(train_data),
            "train_rows": len(train_data),
            "reference_fingerprint": fingerprint(reference),
            "reference_rows": len(reference),
            "features": features,
            "preprocessor_fingerprint": fitted_fingerprint(preprocessor),
            "model_fingerprint": fitted_fingerprint(estimator),
            "metrics": metrics,
            "params": params,
            "artifacts": {
                kind: {"file": ARTIFACTS[kind], "sha256": fingerprint_bytes(blob)} for kind, blob in blobs.items()
            },
        }
        self._versions.write(version, blobs, meta)
        index["versions"].append(version)
        self._index.write(index)
        return version

    def _move_alias(self, alias: str, version: int, action: str, reason: str) -> LogEntry:
        index = self._index.read()
        entry = {
            "seq": len(index["log"]) + 1,
            "when": _now(),
            "action": action,
            "alias": alias,
            "from": index["aliases"].get(alias),
            "to": version,
            "reason": reason,
        }
        index["aliases"][alias] = version
        index["log"].append(entry)
        self._index.write(index)
        return LogEntry(entry["seq"], entry["when"], action, alias, entry["from"], version, reason)

    @staticmethod
    def _check_alias_reason(alias: Any, reason: Any) -> None:
        if not isinstance(alias, str) or not _ALIAS_RE.match(alias):
            raise ValueError(f"alias must be a short name such as 'champion' (letters, digits, _ or -), got {alias!r}")
        if not isinstance(reason, str) or not reason.strip():
            raise ValueError("give a reason: every move of an alias is logged with why it happened")

    def promote(self, version: int | str, alias: str = "champion", reason: str = "") -> LogEntry:
        """Point ``alias`` at ``version`` (a number or another alias) and log it; returns the log entry."""
        self._check_alias_reason(alias, reason)
        return self._move_alias(alias, self.resolve(version), "promote", reason)

    def alias_history(self, alias: str = "champion") -> list[int]:
        """The stack of versions ``alias`` can roll back through, oldest first; the last one is current.

        Replayed from the log: a promotion pushes its version (unless it is already current), a rollback
        pops back to its target.
        """
        stack: list[int] = []
        for entry in self.log:
            if entry.alias != alias:
                continue
            if entry.action == "rollback" and entry.to_version in stack[:-1]:
                stack.pop()
                while stack[-1] != entry.to_version:
                    stack.pop()
            elif not stack or stack[-1] != entry.to_version:  # re-promoting the current version adds nothing
                stack.append(entry.to_version)
        return stack

    def rollback(self, alias: str = "champion", reason: str = "", to: int | None = None) -> LogEntry:
        """Move ``alias`` back to the version it pointed to before its latest promotion; returns the log entry.

        Like :meth:`promote`, it returns the :class:`LogEntry` it appended: ``entry.to_version`` is the version
        the alias points to now, ``entry.from_version`` the one it left.

        Rolling back twice goes back two promotions (a rollback is undone with :meth:`promote`). ``to``
        rolls back to a given earlier version instead. Because a version holds its estimator,
        preprocessor and reference data together, loading the alias afterwards restores all three.
        """
        self._check_alias_reason(alias, reason)
        stack = self.alias_history(alias)
        if not stack:
            raise RegistryError(f"alias {alias!r} has never been promoted; there is nothing to roll back")
        if to is None:
            if len(stack) < 2:
                raise RegistryError(
                    f"alias {alias!r} has no earlier version to roll back to (history: {stack}); "
                    "promote another version instead"
                )
            target = stack[-2]
        else:
            target = self.resolve(to)
            if target not in stack[:-1]:
                raise RegistryError(
                    f"version {target} is not an earlier {alias!r} (history: {stack}); use promote() to move "
                    "the alias to a version it never held"
                )
        return self._move_alias(alias, target, "rollback", reason)

    def __repr__(self) -> str:
        index = self._index.read()
        return f"ModelRegistry({str(self.root)!r}, versions={index['versions']}, aliases={index['aliases']})"
