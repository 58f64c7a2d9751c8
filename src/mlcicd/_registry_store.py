"""Storage behind :class:`mlcicd.registry.ModelRegistry`: the index file, the version folders, durable writes.

:class:`IndexStore` reads, validates and atomically rewrites ``registry.json``; :class:`VersionStore` writes a
version folder all at once (staged, then renamed into place) and reads its metadata and checksummed artifacts.
Both raise :class:`RegistryError` with a message that names the damaged file and how to recover. The registry's
API (register, promote, rollback, load) lives in :mod:`mlcicd.registry` and only talks to these two classes.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Any

from mlcicd.errors import MlcicdError
from mlcicd.versioning import fingerprint_bytes

__all__ = ["ARTIFACTS", "FORMAT_VERSION", "METADATA", "IndexStore", "RegistryError", "VersionStore"]

FORMAT_VERSION = 1
INDEX = "registry.json"
METADATA = "metadata.json"
ARTIFACTS = {"model": "model.pkl", "preprocessor": "preprocessor.pkl", "reference": "reference.pkl"}
_LOG_KEYS = {"seq", "when", "action", "alias", "from", "to", "reason"}


class RegistryError(MlcicdError):
    """Raised for any registry problem: unknown version or alias, mismatched artifacts, corrupt files."""


def write_durably(path: Path, data: bytes) -> None:
    """Write ``data`` to a new file ``path`` and make sure it is on disk (flushed and fsynced) before returning."""
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see either the old or the new content, never a mix."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        write_durably(tmp, data)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def json_bytes(obj: Any) -> bytes:
    return (json.dumps(obj, indent=2, sort_keys=True, allow_nan=False) + "\n").encode("utf-8")


class IndexStore:
    """``root/registry.json``: the name, the registered versions, the aliases and the append-only log."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.path = root / INDEX

    def exists(self) -> bool:
        return self.path.exists()

    def read(self) -> dict:
        fix = (
            "It was probably edited by hand or damaged; restore it from a backup, or delete the folder "
            f"{self.root} and register the models again."
        )
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise RegistryError(
                f"{self.path} is missing; {self.root} is not a model registry (or it was deleted)"
            ) from None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise RegistryError(f"{self.path} is not valid JSON ({exc}). {fix}") from None
        problem = self.problem(data)
        if problem:
            raise RegistryError(f"{self.path} is not a valid registry index: {problem}. {fix}")
        return data

    def write(self, data: dict) -> None:
        problem = self.problem(data)
        if problem:  # pragma: no cover - guards against bugs in this package
            raise RegistryError(f"refusing to write an invalid index: {problem}")
        self.root.mkdir(parents=True, exist_ok=True)
        atomic_write(self.path, json_bytes(data))

    @staticmethod
    def problem(data: Any) -> str | None:
        """What is wrong with an index, or None when it is valid."""
        if not isinstance(data, dict):
            return f"expected a JSON object, found {type(data).__name__}"
        for key, kind in (("format", int), ("name", str), ("versions", list), ("aliases", dict), ("log", list)):
            if key not in data:
                return f"key {key!r} is missing"
            if not isinstance(data[key], kind) or isinstance(data[key], bool):
                return f"key {key!r} should be a {kind.__name__}, found {type(data[key]).__name__}"
        if data["format"] != FORMAT_VERSION:
            return f"format {data['format']} is not supported (this code reads format {FORMAT_VERSION})"
        versions = data["versions"]
        if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in versions):
            return f"'versions' must be a list of positive integers, found {versions!r}"
        if len(set(versions)) != len(versions):
            return f"'versions' lists a version twice: {versions!r}"
        for alias, version in data["aliases"].items():
            if version not in versions:
                return f"alias {alias!r} points to version {version!r}, which is not registered"
        for i, entry in enumerate(data["log"]):
            if not isinstance(entry, dict) or set(entry) != _LOG_KEYS:
                return f"log entry {i} should have exactly the keys {sorted(_LOG_KEYS)}"
            if entry["action"] not in ("promote", "rollback") or not isinstance(entry["alias"], str):
                return f"log entry {i} has an unknown action {entry['action']!r} or a non-text alias"
            if entry["seq"] != i + 1:
                return f"log entry {i} has seq {entry['seq']!r}, expected {i + 1} (the log is append-only)"
            if entry["to"] not in versions or (entry["from"] is not None and entry["from"] not in versions):
                return f"log entry {i} refers to a version that is not registered"
        return None


class VersionStore:
    """``root/versions/vNNNN/``: one immutable folder per version, its metadata and its pickled artifacts."""

    def __init__(self, root: Path) -> None:
        self.folder = root / "versions"

    def path(self, version: int) -> Path:
        return self.folder / f"v{version:04d}"

    def next_version(self, registered: list[int]) -> int:
        """One more than any version registered or found on disk (an orphan of a crash is never reused)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        on_disk = [int(p.name[1:]) for p in self.folder.glob("v[0-9]*") if p.name[1:].isdigit()]
        return max([0, *registered, *on_disk]) + 1

    def write(self, version: int, blobs: dict[str, bytes], meta: dict) -> None:
        """Write the artifacts and ``metadata.json`` so that the folder appears complete or not at all."""
        self.folder.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=self.folder))
        staging.chmod(0o755)
        try:
            for filename, blob in [*((ARTIFACTS[k], b) for k, b in blobs.items()), (METADATA, json_bytes(meta))]:
                write_durably(staging / filename, blob)
            os.replace(staging, self.path(version))  # atomic: the folder appears complete or not at all
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)

    def metadata(self, version: int) -> dict:
        """The version's ``metadata.json``, checked for the keys the registry relies on."""
        path = self.path(version) / METADATA
        fix = f"restore {path.parent} from a backup, or register the model again as a new version"
        try:
            meta = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise RegistryError(f"{path} is missing although version {version} is registered; {fix}") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise RegistryError(f"{path} is not valid JSON ({exc}); it was edited or damaged: {fix}") from None
        required = {"version", "features", "preprocessor_fingerprint", "artifacts", "metrics", "code_version"}
        if not isinstance(meta, dict) or not required <= set(meta):
            raise RegistryError(f"{path} lacks the keys {sorted(required)}; it was edited or damaged: {fix}")
        if meta["version"] != version:
            raise RegistryError(
                f"{path} says version {meta['version']!r} but sits in the folder of version {version}; {fix}"
            )
        return meta

    def artifact(self, version: int, meta: dict, kind: str) -> Any:
        """Unpickle one artifact after checking it against the checksum in the metadata."""
        path = self.path(version) / ARTIFACTS[kind]
        fix = f"restore {path.parent} from a backup, or register the model again as a new version"
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise RegistryError(f"{path} is missing; {fix}") from None
        expected = meta["artifacts"].get(kind, {}).get("sha256") if isinstance(meta["artifacts"], dict) else None
        if fingerprint_bytes(data) != expected:
            raise RegistryError(f"{path} does not match the checksum in {METADATA}: it was changed or damaged; {fix}")
        return pickle.loads(data)
