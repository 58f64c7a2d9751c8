"""mlcicd.versioning: fingerprints are stable and sensitive; manifests round-trip; what_changed names the change."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import LogisticRegression

from mlcicd.data import FEATURES, LABEL, make_applications, make_stream
from mlcicd.versioning import (
    RunManifest,
    current_environment,
    fingerprint,
    fingerprint_bytes,
    fingerprint_file,
    make_manifest,
    what_changed,
)


@pytest.fixture(scope="module")
def stream() -> pd.DataFrame:
    return make_stream(n_days=3, rows_per_day=200, seed=0)


# ---------------------------------------------------------------- fingerprint


def test_fingerprint_is_a_sha256_hex_digest(stream):
    digest = fingerprint(stream)
    assert len(digest) == 64 and set(digest) <= set("0123456789abcdef")


def test_fingerprint_of_equal_content_is_equal_across_copies_and_regeneration(stream):
    assert fingerprint(stream) == fingerprint(stream.copy())
    assert fingerprint(stream) == fingerprint(make_stream(n_days=3, rows_per_day=200, seed=0))


def test_fingerprint_is_pinned_so_it_is_stable_across_sessions():
    # A fixed frame has a fixed digest; if this changes, every stored fingerprint is invalidated.
    df = pd.DataFrame({"x": [1, 2, 3], "y": [0.5, np.nan, -1.0], "z": ["a", "b", None]})
    assert fingerprint(df) == fingerprint(
        pd.DataFrame({"x": [1, 2, 3], "y": [0.5, None, -1.0], "z": ["a", "b", np.nan]})
    )
    assert fingerprint(df) == "b7a59b3f6f5fa5715ebc75c001152c47c20cfdc6e74e00f97d1cbe09b15aa727"


def test_fingerprint_changes_when_one_cell_changes(stream):
    changed = stream.copy()
    changed.loc[17, "income"] = changed.loc[17, "income"] + 0.01
    assert fingerprint(changed) != fingerprint(stream)


def test_fingerprint_changes_when_a_text_cell_changes(stream):
    changed = stream.copy()
    changed.loc[3, "region"] = "north" if stream.loc[3, "region"] != "north" else "south"
    assert fingerprint(changed) != fingerprint(stream)


def test_fingerprint_changes_with_dtype_even_if_values_compare_equal(stream):
    as_float = stream.astype({"age": float})
    assert (as_float["age"] == stream["age"]).all()
    assert fingerprint(as_float) != fingerprint(stream)


def test_fingerprint_changes_with_a_column_name(stream):
    assert fingerprint(stream.rename(columns={"income": "income_v2"})) != fingerprint(stream)


def test_fingerprint_changes_with_column_order(stream):
    assert fingerprint(stream[list(reversed(stream.columns))]) != fingerprint(stream)


def test_fingerprint_distinguishes_number_from_its_text():
    assert fingerprint(pd.DataFrame({"x": [1]}, dtype=object)) != fingerprint(pd.DataFrame({"x": ["1"]}, dtype=object))


def test_fingerprint_distinguishes_missing_from_the_text_nan():
    assert fingerprint(pd.DataFrame({"x": ["nan", "a"]})) != fingerprint(pd.DataFrame({"x": [None, "a"]}))


def test_fingerprint_does_not_depend_on_the_index(stream):
    subset = stream[stream["day"] == 1]
    assert fingerprint(subset) == fingerprint(subset.reset_index(drop=True))


def test_row_order_matters_by_default_and_not_with_ignore_row_order(stream):
    shuffled = stream.sample(frac=1.0, random_state=3)
    assert fingerprint(shuffled) != fingerprint(stream)
    assert fingerprint(shuffled, ignore_row_order=True) == fingerprint(stream, ignore_row_order=True)


def test_ignore_row_order_still_sees_a_changed_cell(stream):
    changed = stream.copy()
    changed.loc[0, "credit_score"] += 1
    assert fingerprint(changed, ignore_row_order=True) != fingerprint(stream, ignore_row_order=True)


def test_fingerprint_of_an_empty_frame_depends_on_its_columns():
    assert fingerprint(pd.DataFrame({"a": []})) != fingerprint(pd.DataFrame({"b": []}))


@pytest.mark.parametrize("bad", [[1, 2], {"a": [1]}, np.zeros(3), pd.Series([1.0]), None])
def test_fingerprint_rejects_what_is_not_a_dataframe(bad):
    with pytest.raises(TypeError, match="df must be a pandas DataFrame"):
        fingerprint(bad)


# Property tests: stable (same content, same digest) and sensitive (any changed value, different digest).
frames = (
    st.integers(min_value=1, max_value=30)
    .flatmap(
        lambda n: st.tuples(
            st.lists(st.integers(-(10**9), 10**9), min_size=n, max_size=n),
            st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=n, max_size=n),
            st.lists(st.text(max_size=5), min_size=n, max_size=n),
        )
    )
    .map(lambda cols: pd.DataFrame({"i": cols[0], "f": cols[1], "s": pd.Series(cols[2], dtype="str")}))
)


@settings(max_examples=60, deadline=None)
@given(frames)
def test_property_fingerprint_is_stable(df):
    assert fingerprint(df) == fingerprint(df.copy(deep=True))
    assert fingerprint(df, ignore_row_order=True) == fingerprint(df.iloc[::-1], ignore_row_order=True)


@settings(max_examples=60, deadline=None)
@given(frames, st.data())
def test_property_fingerprint_sees_any_changed_value(df, data):
    row = data.draw(st.integers(0, len(df) - 1))
    column = data.draw(st.sampled_from(["i", "f", "s"]))
    changed = df.copy()
    old = df[column].iloc[row]
    if column == "i":
        new = int(old) + data.draw(st.integers(1, 1000))
    elif column == "f":
        new = data.draw(st.floats(allow_nan=True).filter(lambda v: not (v == old or (np.isnan(v) and np.isnan(old)))))
    else:
        new = data.draw(st.text(max_size=5).filter(lambda v: v != old))
    changed.iloc[row, df.columns.get_loc(column)] = new
    assert fingerprint(changed) != fingerprint(df)


def test_fingerprint_bytes_matches_sha256_and_rejects_text():
    assert fingerprint_bytes(b"abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    with pytest.raises(TypeError, match="encode"):
        fingerprint_bytes("abc")


def test_fingerprint_file_equals_fingerprint_of_its_bytes(tmp_path):
    path = tmp_path / "model.bin"
    path.write_bytes(b"x" * 3_000_000)
    assert fingerprint_file(path) == fingerprint_bytes(b"x" * 3_000_000)


# ---------------------------------------------------------------- manifests


def _fit(seed: int) -> LogisticRegression:
    df = make_applications(300, seed=seed)
    return LogisticRegression(max_iter=500).fit(df[list(FEATURES[:-1])], df[LABEL])


@pytest.fixture(scope="module")
def base_manifest() -> RunManifest:
    return make_manifest("abc123", make_applications(300, seed=0), {"C": 1.0}, {"accuracy": 0.85}, model=_fit(0))


def test_manifest_round_trips_through_a_dict(base_manifest):
    again = RunManifest.from_dict(base_manifest.to_dict())
    assert again == base_manifest
    assert what_changed(base_manifest, again) == set()


def test_manifest_is_immutable_and_keeps_its_own_copy_of_params():
    params = {"C": 1.0}
    manifest = make_manifest("abc", make_applications(10), params, {})
    params["C"] = 2.0
    assert manifest.params["C"] == 1.0
    with pytest.raises(TypeError):
        manifest.params["C"] = 3.0
    with pytest.raises(AttributeError):
        manifest.code_version = "other"


def test_same_model_object_gets_the_same_fingerprint_and_a_different_fit_another(base_manifest):
    model = _fit(0)
    assert (
        make_manifest("abc123", base_manifest.data_fingerprint, {"C": 1.0}, {}, model=model).model_fingerprint
        == base_manifest.model_fingerprint
    )
    assert (
        make_manifest("abc123", base_manifest.data_fingerprint, {}, {}, model=_fit(1)).model_fingerprint
        != base_manifest.model_fingerprint
    )
    round_trip = pickle.loads(pickle.dumps(model, protocol=4))
    assert (
        make_manifest("x", base_manifest.data_fingerprint, {}, {}, model=round_trip).model_fingerprint
        == base_manifest.model_fingerprint
    )


def test_a_manifest_and_the_registry_give_a_model_the_same_model_fingerprint(tmp_path):
    from mlcicd.models import split_model, train_model
    from mlcicd.registry import ModelRegistry

    model = train_model(make_applications(300, seed=0))
    registry = ModelRegistry(tmp_path)
    version = registry.register(model, train_data=make_applications(300, seed=0), code_version="abc123")
    estimator = split_model(model)[1]
    manifest = make_manifest("abc123", make_applications(300, seed=0), {}, {}, model=estimator)
    assert registry.metadata(version)["model_fingerprint"] == manifest.model_fingerprint


@pytest.mark.parametrize(
    "change, expected",
    [
        (dict(code_version="def456"), {"code"}),
        (dict(data=make_applications(300, seed=1)), {"data"}),
        (dict(params={"C": 0.1}), {"params"}),
        (dict(model=_fit(1)), {"model"}),
        (dict(metrics={"accuracy": 0.5}), set()),
        (dict(code_version="def456", data=make_applications(300, seed=1), model=_fit(1)), {"code", "data", "model"}),
    ],
    ids=["code", "data", "params", "model", "metrics-only", "code+data+model"],
)
def test_what_changed_names_exactly_the_parts_that_changed(base_manifest, change, expected):
    kwargs = dict(
        code_version="abc123",
        data=make_applications(300, seed=0),
        params={"C": 1.0},
        metrics={"accuracy": 0.85},
        model=_fit(0),
    )
    kwargs.update(change)
    new = make_manifest(**kwargs)
    assert what_changed(base_manifest, new) == expected
    assert what_changed(base_manifest.to_dict(), new.to_dict()) == expected


def test_what_changed_rejects_a_dict_that_is_not_a_manifest(base_manifest):
    with pytest.raises(ValueError, match="missing keys"):
        what_changed(base_manifest, {"code_version": "abc"})


def test_make_manifest_rejects_bad_data_and_bad_code_version():
    with pytest.raises(TypeError, match="DataFrame or a fingerprint"):
        make_manifest("abc", [1, 2, 3], {}, {})
    with pytest.raises(ValueError, match="code_version is empty"):
        make_manifest("", make_applications(5), {}, {})
    with pytest.raises(TypeError, match="code_version must be a string"):
        make_manifest(123, make_applications(5), {}, {})
    with pytest.raises(TypeError, match="params must be a dict"):
        make_manifest("abc", make_applications(5), [1], {})


def test_a_manifest_records_the_environment_and_what_changed_names_an_upgrade():
    run = make_manifest("abc123", make_applications(50, seed=0), {}, {})
    assert {"python", "numpy", "pandas", "scikit-learn", "scipy", "installed"} <= set(run.environment)
    upgraded = RunManifest(**{**run.to_dict(), "environment": {**run.environment, "scikit-learn": "99.0"}})
    assert what_changed(run, upgraded) == {"environment"}
    assert what_changed(run, RunManifest.from_dict(run.to_dict())) == set()
    unrecorded = RunManifest(**{**run.to_dict(), "environment": None})
    assert what_changed(run, unrecorded) == set()  # an old manifest without an environment is not a change


def test_the_environment_changes_when_a_distribution_is_installed_or_upgraded(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    before = current_environment()
    assert current_environment() == before  # nothing installed in between: the same answer

    def install(version):
        for old in tmp_path.glob("course_fake_dist-*.dist-info"):
            (old / "METADATA").unlink()
            old.rmdir()
        info = tmp_path / f"course_fake_dist-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: course-fake-dist\nVersion: {version}\n")

    install("1.0")
    installed = current_environment()
    install("2.0")
    upgraded = current_environment()
    assert len({before["installed"], installed["installed"], upgraded["installed"]}) == 3
    assert installed["numpy"] == before["numpy"]


def test_an_environment_must_map_names_to_version_strings():
    with pytest.raises(TypeError, match="version strings"):
        RunManifest("abc123", "0" * 64, environment={"scikit-learn": 1.7})
