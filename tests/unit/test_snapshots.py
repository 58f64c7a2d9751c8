"""mlcicd.snapshots: a frame comes back exactly by its fingerprint, once stored, and damage is caught on read."""

from __future__ import annotations

import pickle

import pandas as pd
import pytest

import mlcicd
from mlcicd.data import make_stream
from mlcicd.errors import MlcicdError
from mlcicd.snapshots import SnapshotError, SnapshotStore
from mlcicd.versioning import fingerprint


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    df = make_stream(n_days=2, rows_per_day=50, seed=0)
    return df.assign(
        grade=pd.Categorical(["a", "b"] * (len(df) // 2)),
        when=pd.date_range("2024-01-01", periods=len(df), freq="h"),
        count=pd.array(range(len(df)), dtype="Int64"),
    )


def test_put_returns_the_versioning_fingerprint(tmp_path, frame):
    assert SnapshotStore(tmp_path).put(frame) == fingerprint(frame)


def test_get_gives_back_values_dtypes_and_columns_exactly(tmp_path, frame):
    store = SnapshotStore(tmp_path)
    back = store.get(store.put(frame))
    pd.testing.assert_frame_equal(back, frame.reset_index(drop=True), check_exact=True)
    assert list(back.dtypes) == list(frame.dtypes)


def test_get_survives_a_new_store_object_on_the_same_folder(tmp_path, frame):
    digest = SnapshotStore(tmp_path).put(frame)
    assert SnapshotStore(tmp_path).get(digest).equals(frame.reset_index(drop=True))


def test_the_index_is_not_stored_so_filtered_rows_match_their_reset_copy(tmp_path, frame):
    store = SnapshotStore(tmp_path)
    part = frame.iloc[10:20]
    digest = store.put(part)
    assert digest == fingerprint(part.reset_index(drop=True))
    assert list(store.get(digest).index) == list(range(10))


def test_storing_the_same_data_twice_stores_it_once(tmp_path, frame):
    store = SnapshotStore(tmp_path)
    first = store.put(frame)
    mtime = (tmp_path / f"{first}.pkl").stat().st_mtime_ns
    assert store.put(frame.copy()) == first
    assert store.fingerprints() == [first]
    assert len(list(tmp_path.iterdir())) == 1
    assert (tmp_path / f"{first}.pkl").stat().st_mtime_ns == mtime, "an identical snapshot was rewritten"


def test_contains_listing_and_len(tmp_path, frame):
    store = SnapshotStore(tmp_path / "snapshots")
    assert store.fingerprints() == [] and len(store) == 0
    a, b = store.put(frame), store.put(frame.iloc[::-1])
    assert a != b
    assert a in store and b in store
    assert fingerprint(frame.head(3)) not in store
    assert "not a digest" not in store and 42 not in store
    assert store.fingerprints() == sorted([a, b]) == list(store)
    assert len(store) == 2


def test_listing_ignores_files_that_are_not_snapshots(tmp_path, frame):
    store = SnapshotStore(tmp_path)
    digest = store.put(frame)
    (tmp_path / "notes.pkl").write_bytes(b"x")
    (tmp_path / "README.txt").write_text("hello")
    assert store.fingerprints() == [digest]


def test_a_missing_snapshot_names_the_fingerprint_and_the_fix(tmp_path, frame):
    digest = fingerprint(frame)
    with pytest.raises(SnapshotError, match=rf"no snapshot of fingerprint {digest}.*put\(\) the original data again"):
        SnapshotStore(tmp_path).get(digest)


def test_a_changed_snapshot_is_caught_on_read(tmp_path, frame):
    store = SnapshotStore(tmp_path)
    digest = store.put(frame)
    tampered = frame.reset_index(drop=True).copy()
    tampered.loc[0, "income"] += 1.0
    (tmp_path / f"{digest}.pkl").write_bytes(pickle.dumps(tampered))
    with pytest.raises(SnapshotError, match=rf"fingerprint {digest} .*does not match.*put\(\) the original data"):
        store.get(digest)


@pytest.mark.parametrize("damage", [b"", b"not a pickle", b"\x80\x05truncated"])
def test_an_unreadable_snapshot_is_caught_on_read(tmp_path, frame, damage):
    store = SnapshotStore(tmp_path)
    digest = store.put(frame)
    (tmp_path / f"{digest}.pkl").write_bytes(damage)
    with pytest.raises(SnapshotError, match=rf"fingerprint {digest} .*cannot be read.*damaged"):
        store.get(digest)


def test_a_pickled_non_frame_is_caught_on_read(tmp_path, frame):
    store = SnapshotStore(tmp_path)
    digest = store.put(frame)
    (tmp_path / f"{digest}.pkl").write_bytes(pickle.dumps({"not": "a frame"}))
    with pytest.raises(SnapshotError, match="does not match"):
        store.get(digest)


def test_put_repairs_a_damaged_snapshot(tmp_path, frame):
    store = SnapshotStore(tmp_path)
    digest = store.put(frame)
    (tmp_path / f"{digest}.pkl").write_bytes(b"damaged")
    assert store.put(frame) == digest
    assert store.get(digest).equals(frame.reset_index(drop=True))


def test_snapshot_error_is_the_packages_error_and_a_lookup_error():
    assert issubclass(SnapshotError, MlcicdError)
    assert issubclass(SnapshotError, LookupError)


@pytest.mark.parametrize(
    ("digest", "error"), [(None, TypeError), ("abc", ValueError), ("G" * 64, ValueError), ("A" * 64, ValueError)]
)
def test_get_rejects_what_is_not_a_fingerprint(tmp_path, digest, error):
    with pytest.raises(error, match="fingerprint"):
        SnapshotStore(tmp_path).get(digest)


def test_put_rejects_what_is_not_a_frame(tmp_path):
    with pytest.raises(TypeError):
        SnapshotStore(tmp_path).put([1, 2, 3])


def test_root_must_be_a_folder(tmp_path):
    with pytest.raises(TypeError, match="folder path"):
        SnapshotStore(3)
    a_file = tmp_path / "file"
    a_file.write_text("")
    with pytest.raises(SnapshotError, match="not a folder"):
        SnapshotStore(a_file)


def test_constructing_a_store_creates_no_folder(tmp_path):
    SnapshotStore(tmp_path / "later")
    assert not (tmp_path / "later").exists()


def test_the_store_is_in_the_curated_api():
    assert mlcicd.SnapshotStore is SnapshotStore
    assert {"SnapshotStore", "SnapshotError"} <= set(mlcicd.__all__)
