"""A content-addressed snapshot store: keep a frame under its fingerprint and get it back by that fingerprint.

A run manifest (:class:`mlcicd.versioning.RunManifest`) and the model registry record the training data only as a
fingerprint. That proves *which* data a model was trained on; :class:`SnapshotStore` makes it possible to get
that data back, the way DVC keeps files in a cache named by their hashes::

    store = SnapshotStore("snapshots")
    digest = store.put(train)          # == fingerprint(train); storing the same data again stores nothing new
    again = store.get(digest)          # checked against the digest before it is returned
    again.equals(train.reset_index(drop=True))   # True: values, dtypes and column order come back

Layout: one file ``<fingerprint>.pkl`` per snapshot, a pickled frame (pickle keeps every pandas dtype exactly;
CSV does not, and parquet needs pyarrow, which the course does not install). Files are written atomically, so a
crash leaves the old content or the new, never half a file. The index is not data for :func:`fingerprint`, so
the store keeps a frame with a fresh ``RangeIndex``; call ``reset_index()`` first if the index is data.

Reading verifies the content: a snapshot whose fingerprint no longer matches its name, or that is missing,
raises :class:`SnapshotError` naming the fingerprint and the fix. Unpickling runs code, so only open a store
that you or your pipeline wrote.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from mlcicd._checks import check_frame
from mlcicd._registry_store import atomic_write
from mlcicd.errors import MlcicdError
from mlcicd.versioning import _is_digest, fingerprint

__all__ = ["SnapshotError", "SnapshotStore"]

_SUFFIX = ".pkl"


class SnapshotError(MlcicdError, LookupError):
    """A snapshot is missing or damaged: its content no longer matches the fingerprint it is stored under."""


class SnapshotStore:
    """Frames stored by their :func:`~mlcicd.versioning.fingerprint` in the folder ``root`` (created on first put).

    ``put(df)`` returns the fingerprint, ``get(fp)`` returns the frame after checking it, ``fp in store`` says
    whether a snapshot is stored, and ``fingerprints()`` (or iterating) gives the stored fingerprints, sorted.
    """

    def __init__(self, root: str | os.PathLike) -> None:
        if not isinstance(root, (str, os.PathLike)):
            raise TypeError(f"root must be a folder path (str or pathlib.Path), got {type(root).__name__}")
        self.root = Path(root)
        if self.root.exists() and not self.root.is_dir():
            raise SnapshotError(f"{self.root} exists and is not a folder; choose another folder for the snapshots")

    def _path(self, digest: str) -> Path:
        return self.root / f"{digest}{_SUFFIX}"

    @staticmethod
    def _check_digest(digest: object) -> str:
        if not isinstance(digest, str):
            raise TypeError(f"a fingerprint is a 64-character hex string, got {type(digest).__name__}")
        if not _is_digest(digest):
            raise ValueError(
                f"{digest!r} is not a fingerprint: expected the 64 lowercase hex characters of fingerprint(df), "
                "for example a manifest's data_fingerprint or a registry version's train_fingerprint"
            )
        return digest

    def put(self, df: pd.DataFrame) -> str:
        """Store ``df`` (without its index) and return its fingerprint; a snapshot already stored is not rewritten
        (a damaged one is repaired)."""
        check_frame(df, "df", non_empty=False)
        frame = df.reset_index(drop=True)
        digest = fingerprint(frame)
        if digest in self:
            try:
                self.get(digest)
                return digest
            except SnapshotError:
                pass  # damaged: write it again below
        self.root.mkdir(parents=True, exist_ok=True)
        atomic_write(self._path(digest), pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL))
        return digest

    def get(self, digest: str) -> pd.DataFrame:
        """The frame stored under ``digest``, after checking that its fingerprint is still ``digest``."""
        path = self._path(self._check_digest(digest))
        fix = f"put() the original data again to restore it, or restore {path.name} from a backup of {self.root}"
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise SnapshotError(f"no snapshot of fingerprint {digest} in {self.root}; {fix}") from None
        try:
            frame = pickle.loads(data)
        except Exception as exc:  # a damaged pickle can raise almost anything
            raise SnapshotError(
                f"the snapshot of fingerprint {digest} ({path}) cannot be read ({type(exc).__name__}): it is "
                f"damaged; {fix}"
            ) from None
        if not isinstance(frame, pd.DataFrame) or fingerprint(frame) != digest:
            raise SnapshotError(
                f"the snapshot of fingerprint {digest} ({path}) does not match that fingerprint: it was changed "
                f"or damaged; {fix}"
            )
        return frame

    def __contains__(self, digest: object) -> bool:
        return isinstance(digest, str) and _is_digest(digest) and self._path(digest).is_file()

    def fingerprints(self) -> list[str]:
        """The fingerprints of the stored snapshots, sorted (not verified: :meth:`get` checks each one)."""
        if not self.root.is_dir():
            return []
        names = (p.name[: -len(_SUFFIX)] for p in self.root.glob(f"*{_SUFFIX}") if p.is_file())
        return sorted(name for name in names if _is_digest(name))

    def __iter__(self) -> Iterator[str]:
        return iter(self.fingerprints())

    def __len__(self) -> int:
        return len(self.fingerprints())

    def __repr__(self) -> str:
        return f"SnapshotStore({str(self.root)!r}, snapshots={len(self)})"
