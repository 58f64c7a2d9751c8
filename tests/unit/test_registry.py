"""mlcicd.registry: lineage, aliases, the promotion log, rollback, refusal of mismatched parts, crash safety."""

from __future__ import annotations

import contextlib
import json
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mlcicd._registry_store as store_module
from mlcicd.data import FEATURES, concept_drift, make_stream
from mlcicd.models import fitted_fingerprint, split_model, train_model
from mlcicd.registry import LogEntry, ModelBundle, ModelRegistry, RegistryError
from mlcicd.versioning import fingerprint


@pytest.fixture(scope="module")
def datasets():
    base = make_stream(3, 300, seed=1)
    drifted = concept_drift(make_stream(3, 300, seed=2), 0, seed=3)
    third = make_stream(3, 300, seed=4)
    return [base, drifted, third]


@pytest.fixture(scope="module")
def models(datasets):
    return [train_model(df) for df in datasets]


@pytest.fixture(scope="module")
def probe():
    return make_stream(2, 400, seed=99)


def fill(root, models, datasets, n=2) -> ModelRegistry:
    reg = ModelRegistry(root)
    for i in range(n):
        reg.register(
            models[i],
            train_data=datasets[i],
            reference_data=datasets[i][list(FEATURES)].head(200 + i),
            code_version=f"commit{i + 1}",
            metrics={"accuracy": 0.8 + i / 100},
        )
    return reg


def test_register_stores_lineage_and_numbers_versions(tmp_path, models, datasets):
    reg = fill(tmp_path, models, datasets)
    assert reg.versions == [1, 2]
    assert reg.aliases == {}  # registering never moves an alias
    meta = reg.metadata(2)
    assert meta["code_version"] == "commit2"
    assert meta["train_fingerprint"] == fingerprint(datasets[1])
    assert meta["reference_fingerprint"] == fingerprint(datasets[1][list(FEATURES)].head(201))
    assert meta["metrics"] == {"accuracy": 0.81}
    assert meta["features"] == list(FEATURES)
    assert meta["preprocessor_fingerprint"] == fitted_fingerprint(split_model(models[1])[0])


def test_loaded_bundle_predicts_exactly_like_the_trained_pipeline(tmp_path, models, datasets, probe):
    reg = fill(tmp_path, models, datasets)
    for version, model in ((1, models[0]), (2, models[1])):
        bundle = reg.load(version)
        np.testing.assert_array_equal(bundle.predict(probe), model.predict(probe[list(FEATURES)]))
        np.testing.assert_array_equal(bundle.predict_proba(probe), model.predict_proba(probe[list(FEATURES)]))
        np.testing.assert_array_equal(bundle.pipeline.predict(probe), model.predict(probe))
    pd.testing.assert_frame_equal(reg.load(1).reference_data, datasets[0][list(FEATURES)].head(200))


def test_promote_appends_when_from_to_and_why(tmp_path, models, datasets):
    reg = fill(tmp_path, models, datasets)
    reg.promote(1, "champion", reason="first model")
    first = reg.log
    reg.promote(2, "champion", reason="retrained on fresh data")
    reg.promote(2, "challenger", reason="shadow test")
    log = reg.log
    assert log[: len(first)] == first  # earlier entries are never rewritten
    assert [(e.seq, e.action, e.alias, e.from_version, e.to_version) for e in log] == [
        (1, "promote", "champion", None, 1),
        (2, "promote", "champion", 1, 2),
        (3, "promote", "challenger", None, 2),
    ]
    assert log[1].reason == "retrained on fresh data"
    assert log[0].when <= log[1].when <= log[2].when and log[0].when.endswith("+00:00")
    assert reg.aliases == {"champion": 2, "challenger": 2}
    frame = reg.log_frame()
    assert list(frame.columns) == ["seq", "when", "action", "alias", "from", "to", "reason"]
    assert frame["from"].isna().tolist() == [True, False, True]


def test_rollback_restores_model_preprocessing_and_reference_together(tmp_path, models, datasets, probe):
    reg = fill(tmp_path, models, datasets)
    reg.promote(1, reason="first model")
    before = reg.load("champion")
    reg.promote(2, reason="new model")
    assert reg.load("champion").version == 2
    assert reg.rollback("champion", reason="accuracy alert").to_version == 1
    after = reg.load("champion")
    assert after.version == 1
    np.testing.assert_array_equal(after.predict(probe), before.predict(probe))
    assert fitted_fingerprint(after.preprocessor) == fitted_fingerprint(before.preprocessor)
    pd.testing.assert_frame_equal(after.reference_data, before.reference_data)
    assert reg.log[-1].action == "rollback" and (reg.log[-1].from_version, reg.log[-1].to_version) == (2, 1)


def test_rollback_twice_goes_back_two_promotions_and_then_refuses(tmp_path, models, datasets):
    reg = fill(tmp_path, models, datasets, n=3)
    for v in (1, 2, 3):
        reg.promote(v, reason=f"release {v}")
    assert reg.rollback(reason="bad").to_version == 2
    assert reg.rollback(reason="still bad").to_version == 1
    with pytest.raises(RegistryError, match="no earlier version"):
        reg.rollback(reason="again")


def test_rollback_to_a_named_earlier_version(tmp_path, models, datasets):
    reg = fill(tmp_path, models, datasets, n=3)
    for v in (1, 2, 3):
        reg.promote(v, reason=f"release {v}")
    assert reg.rollback(reason="back to the first", to=1).to_version == 1
    assert reg.alias_history() == [1]
    with pytest.raises(RegistryError, match="not an earlier"):
        reg.rollback(reason="forward is not back", to=3)


def test_rollback_of_an_alias_never_promoted_is_refused(tmp_path, models, datasets):
    reg = fill(tmp_path, models, datasets)
    with pytest.raises(RegistryError, match="never been promoted"):
        reg.rollback("champion", reason="nothing to undo")


def test_model_with_another_versions_preprocessor_is_refused(tmp_path, models, datasets):
    reg = fill(tmp_path, models, datasets)
    with pytest.raises(RegistryError, match="preprocessor") as info:
        reg.load(2, preprocessor_version=1)
    assert "registry.load(2)" in str(info.value)  # the message says how to fix it
    assert reg.load(2, preprocessor_version=2).version == 2


def test_bundle_built_by_hand_with_a_foreign_preprocessor_is_refused(tmp_path, models, datasets):
    reg = fill(tmp_path, models, datasets)
    good = reg.load(2)
    with pytest.raises(RegistryError, match="does not belong"):
        ModelBundle(2, good.model, reg.load(1).preprocessor, good.reference_data, good.metadata)


def test_promote_and_rollback_both_return_the_log_entry_they_wrote(tmp_path, models, datasets):
    reg = fill(tmp_path, models, datasets)
    reg.promote(1, reason="first model")
    promoted = reg.promote(2, reason="new model")
    rolled_back = reg.rollback(reason="accuracy alert")
    assert type(promoted) is type(rolled_back) is LogEntry
    assert (promoted.action, promoted.from_version, promoted.to_version) == ("promote", 1, 2)
    assert (rolled_back.action, rolled_back.from_version, rolled_back.to_version) == ("rollback", 2, 1)
    assert reg.log[-2:] == [promoted, rolled_back]


def test_same_preprocessor_in_two_versions_may_be_shared(tmp_path, models, datasets, probe):
    reg = ModelRegistry(tmp_path)
    pre, est = split_model(models[0])
    reg.register(est, pre, train_data=datasets[0], code_version="a")
    reg.register(est, pre, train_data=datasets[0], code_version="b")
    np.testing.assert_array_equal(reg.load(2, preprocessor_version=1).predict(probe), models[0].predict(probe))


def test_a_restart_sees_the_same_registry(tmp_path, models, datasets, probe):
    reg = fill(tmp_path, models, datasets)
    reg.promote(1, reason="first")
    reg.promote(2, reason="second")
    reg.rollback(reason="alert")
    again = ModelRegistry(tmp_path)
    assert (again.versions, again.aliases, again.log) == (reg.versions, reg.aliases, reg.log)
    np.testing.assert_array_equal(again.load("champion").predict(probe), models[0].predict(probe))


def crash(*args, **kwargs):
    raise OSError("simulated crash (power cut)")


@pytest.mark.parametrize("point", ["fsync", "replace"])
def test_crash_while_writing_the_index_leaves_the_previous_state(tmp_path, models, datasets, monkeypatch, point):
    reg = fill(tmp_path, models, datasets)
    reg.promote(1, reason="first")
    index_before = (tmp_path / "registry.json").read_bytes()
    monkeypatch.setattr(store_module.os, point, crash)
    with pytest.raises(OSError, match="simulated crash"):
        reg.promote(2, reason="second")
    monkeypatch.undo()
    assert (tmp_path / "registry.json").read_bytes() == index_before
    again = ModelRegistry(tmp_path)
    assert again.aliases == {"champion": 1} and len(again.log) == 1
    assert not list(tmp_path.glob(".*.tmp"))  # the half-written temp file was cleaned up


def test_crash_half_way_through_a_temp_file_leaves_the_previous_state(tmp_path, models, datasets, monkeypatch):
    reg = fill(tmp_path, models, datasets)
    reg.promote(1, reason="first")
    real_open = open

    class HalfWriter:
        def __init__(self, fh):
            self.fh = fh

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

        def write(self, data):
            self.fh.write(data[: len(data) // 2])
            raise OSError("simulated crash (disk full)")

    def half_open(path, mode="r", *args, **kwargs):
        fh = real_open(path, mode, *args, **kwargs)
        return HalfWriter(fh) if "w" in mode else fh

    monkeypatch.setattr(store_module, "open", half_open, raising=False)
    with pytest.raises(OSError, match="disk full"):
        reg.promote(2, reason="second")
    monkeypatch.undo()
    assert ModelRegistry(tmp_path).aliases == {"champion": 1}


def test_crash_between_version_folder_and_index_leaves_an_ignored_orphan(
    tmp_path, models, datasets, monkeypatch, probe
):
    reg = fill(tmp_path, models, datasets, n=1)
    monkeypatch.setattr(store_module.IndexStore, "write", crash)
    with pytest.raises(OSError):
        reg.register(models[1], train_data=datasets[1], code_version="c2")
    monkeypatch.undo()
    again = ModelRegistry(tmp_path)
    assert again.versions == [1]  # the orphaned folder v0002 is not a registered version
    assert again.register(models[1], train_data=datasets[1], code_version="c2") == 3
    np.testing.assert_array_equal(again.load(3).predict(probe), models[1].predict(probe))


@pytest.mark.parametrize(
    "edit, match",
    [
        (lambda text: text[: len(text) // 2], "not valid JSON"),
        (lambda text: "", "not valid JSON"),
        (lambda text: "[1, 2, 3]", "expected a JSON object"),
        (lambda text: text.replace('"champion": 1', '"champion": 7'), "not registered"),
        (lambda text: text.replace('"format": 1', '"format": 99'), "format 99"),
        (lambda text: text.replace('"seq": 1', '"seq": 5'), "append-only"),
        (lambda text: text.replace('"action": "promote"', '"action": "demote"'), "unknown action"),
        (lambda text: text.replace('"aliases"', '"alias"'), "'aliases' is missing"),
    ],
)
def test_corrupt_or_hand_edited_index_gives_a_clear_error(tmp_path, models, datasets, edit, match):
    reg = fill(tmp_path, models, datasets)
    reg.promote(1, reason="first")
    path = tmp_path / "registry.json"
    path.write_text(edit(path.read_text()))
    with pytest.raises(RegistryError, match=match) as info:
        ModelRegistry(tmp_path)
    assert str(path) in str(info.value)
    assert "restore it from a backup" in str(info.value)


def test_corrupt_metadata_or_artifact_names_the_file(tmp_path, models, datasets):
    reg = fill(tmp_path, models, datasets)
    meta = tmp_path / "versions" / "v0001" / "metadata.json"
    meta.write_text(meta.read_text()[:40])
    with pytest.raises(RegistryError, match=r"metadata\.json") as info:
        reg.load(1)
    assert "restore" in str(info.value)
    model_file = tmp_path / "versions" / "v0002" / "model.pkl"
    model_file.write_bytes(model_file.read_bytes()[:-3] + b"xyz")
    with pytest.raises(RegistryError, match=r"model\.pkl.*checksum"):
        reg.load(2)
    reg.register(models[2], train_data=datasets[2], code_version="c3")
    (tmp_path / "versions" / "v0003" / "reference.pkl").unlink()
    with pytest.raises(RegistryError, match=r"reference\.pkl is missing"):
        reg.load(3)


def test_metadata_edited_to_claim_another_version_is_caught(tmp_path, models, datasets):
    reg = fill(tmp_path, models, datasets)
    meta = tmp_path / "versions" / "v0001" / "metadata.json"
    data = json.loads(meta.read_text())
    data["version"] = 2
    meta.write_text(json.dumps(data))
    with pytest.raises(RegistryError, match="sits in the folder of version 1"):
        reg.load(1)


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda reg, m, d: ModelRegistry(42), TypeError, "folder path"),
        (lambda reg, m, d: reg.load(9), RegistryError, "not registered"),
        (lambda reg, m, d: reg.load("production"), RegistryError, "unknown alias"),
        (lambda reg, m, d: reg.load(1.5), TypeError, "version number or an alias"),
        (lambda reg, m, d: reg.promote(9, reason="x"), RegistryError, "not registered"),
        (lambda reg, m, d: reg.promote(1, reason=""), ValueError, "reason"),
        (lambda reg, m, d: reg.promote(1, "bad alias!", reason="x"), ValueError, "alias"),
        (lambda reg, m, d: reg.register(m[0], train_data=[1], code_version="a"), TypeError, "train_data"),
        (lambda reg, m, d: reg.register(m[0], train_data=d[0].iloc[:0], code_version="a"), ValueError, "empty"),
        (lambda reg, m, d: reg.register(m[0], train_data=d[0], code_version=""), ValueError, "code_version is empty"),
        (lambda reg, m, d: reg.register(m[0], train_data=d[0], code_version=7), TypeError, "code_version must be"),
        (
            lambda reg, m, d: reg.register(m[0], train_data=d[0], code_version="a", metrics={"f": object()}),
            TypeError,
            "metrics",
        ),
        (lambda reg, m, d: reg.register(object(), train_data=d[0], code_version="a"), TypeError, "Pipeline"),
        (
            lambda reg, m, d: reg.register(m[0], train_data=d[0], reference_data=d[0][["age"]], code_version="a"),
            KeyError,
            "reference_data",
        ),
    ],
)
def test_bad_input_raises_one_clear_error(tmp_path, models, datasets, call, error, match):
    reg = fill(tmp_path, models, datasets, n=1)
    with pytest.raises(error, match=match):
        call(reg, models, datasets)


def test_a_file_as_root_is_refused(tmp_path):
    path = tmp_path / "file.txt"
    path.write_text("x")
    with pytest.raises(RegistryError, match="not a folder"):
        ModelRegistry(path)


# --- properties -------------------------------------------------------------------------------------------

operations = st.lists(
    st.one_of(st.tuples(st.just("promote"), st.integers(1, 3)), st.tuples(st.just("rollback"), st.just(0))),
    min_size=1,
    max_size=8,
)


@settings(max_examples=25, deadline=None)
@given(ops=operations)
def test_property_rollback_round_trip(models, datasets, probe, ops):
    """After any promote/rollback sequence, champion is the top of a simple stack model of its history,
    and loading it predicts exactly like the original model of that version, with that version's reference."""
    with tempfile.TemporaryDirectory() as root:
        reg = fill(root, models, datasets, n=3)
        stack: list[int] = []
        for op, version in ops:
            if op == "promote":
                reg.promote(version, reason="test")
                if not stack or stack[-1] != version:
                    stack.append(version)
            elif len(stack) >= 2:
                assert reg.rollback(reason="test").to_version == stack[-2]
                stack.pop()
            else:
                with pytest.raises(RegistryError):
                    reg.rollback(reason="test")
        if stack:
            bundle = reg.load("champion")
            assert bundle.version == stack[-1]
            np.testing.assert_array_equal(bundle.predict(probe), models[stack[-1] - 1].predict(probe))
            assert len(bundle.reference_data) == 200 + stack[-1] - 1
        assert reg.alias_history() == stack


@settings(max_examples=25, deadline=None)
@given(ops=operations, alias=st.sampled_from(["champion", "challenger"]))
def test_property_reload_sees_identical_state(models, datasets, ops, alias):
    with tempfile.TemporaryDirectory() as root:
        reg = fill(root, models, datasets, n=3)
        for op, version in ops:
            if op == "promote":
                reg.promote(version, alias, reason="test")
            else:
                with contextlib.suppress(RegistryError):  # rolling back past the first version is refused
                    reg.rollback(alias, reason="test")
        again = ModelRegistry(Path(root))
        assert again.versions == reg.versions == [1, 2, 3]
        assert again.aliases == reg.aliases
        assert again.log == reg.log
        assert again.alias_history(alias) == reg.alias_history(alias)
