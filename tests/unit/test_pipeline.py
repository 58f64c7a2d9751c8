"""mlcicd.pipeline: the seed's YAML pipeline, its quality gates, the four scenarios, and decide()."""

from __future__ import annotations

import pytest
from sklearn.dummy import DummyClassifier
from sklearn.pipeline import Pipeline as SkPipeline

from mlcicd.data import FEATURES, LABEL, concept_drift, covariate_drift, inject_fault, make_applications, make_stream
from mlcicd.drift import drift_report
from mlcicd.models import make_preprocessor, train_model
from mlcicd.pipeline import (
    SEED_PIPELINE_YAML,
    Decision,
    Pipeline,
    PipelineError,
    decide,
)
from mlcicd.registry import ModelRegistry
from mlcicd.validation import validate
from mlcicd.versioning import fingerprint

SEED_NAMES = ["Data Validation", "Train Model", "Test Model", "Deploy Model"]


@pytest.fixture
def seeded(tmp_path):
    """A registry whose champion (v1) was trained on the undrifted population."""
    reg = ModelRegistry(tmp_path)
    train = make_stream(5, 500, seed=1)
    reg.promote(reg.register(train_model(train), train_data=train, code_version="v1"), reason="initial")
    return reg


@pytest.fixture(scope="module")
def drifted():
    return concept_drift(make_stream(5, 500, seed=2), 0, seed=3)


def statuses(result):
    return [s.status for s in result.steps]


def test_seed_yaml_is_the_seed_snippet_verbatim():
    assert SEED_PIPELINE_YAML.splitlines() == [
        "steps:",
        "  - name: Data Validation",
        "    run: python validate_data.py",
        "  - name: Train Model",
        "    run: python train.py",
        "  - name: Test Model",
        "    run: python test_model.py",
        "  - name: Deploy Model",
        "    run: python deploy.py",
    ]


def test_from_yaml_keeps_step_names_and_order():
    pipeline = Pipeline.from_yaml(SEED_PIPELINE_YAML)
    assert pipeline.names == SEED_NAMES
    assert [s.kind for s in pipeline.steps] == ["validate", "train", "test", "deploy"]
    assert repr(pipeline) == "Pipeline(Data Validation -> Train Model -> Test Model -> Deploy Model)"


def test_first_run_trains_tests_and_deploys(tmp_path):
    reg = ModelRegistry(tmp_path)
    result = Pipeline.from_yaml(SEED_PIPELINE_YAML).run(make_stream(5, 500, seed=1), reg)
    assert statuses(result) == ["pass"] * 4 and result.passed and result.stopped_at is None
    assert result.deployed_version == 1 and reg.aliases == {"champion": 1}
    assert 0.8 < result.serving_accuracy < 0.9
    assert list(result.to_frame().columns) == ["step", "status", "reason"]
    assert "PASS" in str(result)


def test_broken_schema_stops_at_validate(seeded):
    batch = inject_fault(make_stream(5, 500, seed=2), "renamed_column")
    result = Pipeline.from_yaml(SEED_PIPELINE_YAML).run(batch, seeded)
    assert statuses(result) == ["fail", "skipped", "skipped", "skipped"]
    assert result.stopped_at == "Data Validation"
    assert "missing_column (income)" in result.steps[0].reason
    assert all("'Data Validation' failed" in s.reason for s in result.steps[1:])
    assert seeded.versions == [1] and result.deployed_version is None


def test_worse_model_is_not_deployed(seeded):
    def worse(seed):
        return SkPipeline([("preprocess", make_preprocessor()), ("model", DummyClassifier())])

    batch = make_stream(5, 500, seed=4)
    result = Pipeline.from_yaml(SEED_PIPELINE_YAML).run(batch, seeded, min_accuracy=0.5, model_factory=worse)
    assert statuses(result) == ["pass", "pass", "fail", "skipped"]
    assert "worse than champion v1" in result.steps[2].reason
    assert seeded.aliases == {"champion": 1} and seeded.versions == [1]


def test_candidate_below_the_minimum_is_not_deployed(seeded):
    result = Pipeline.from_yaml(SEED_PIPELINE_YAML).run(make_stream(5, 500, seed=4), seeded, min_accuracy=0.95)
    assert statuses(result) == ["pass", "pass", "fail", "skipped"]
    assert "< minimum 0.950" in result.steps[2].reason


def test_drifted_but_valid_batch_retrains_and_deploys_with_a_new_reference(seeded, drifted):
    assert validate(drifted) == []
    result = Pipeline.from_yaml(SEED_PIPELINE_YAML).run(drifted, seeded)
    assert statuses(result) == ["pass"] * 4
    assert result.deployed_version == 2 and seeded.aliases == {"champion": 2}
    champion = seeded.load("champion")
    assert champion.metadata["reference_fingerprint"] == fingerprint(drifted[list(FEATURES)])
    assert champion.metadata["reference_fingerprint"] != seeded.metadata(1)["reference_fingerprint"]
    assert result.steps[2].details["champion_accuracy"] < 0.7 < result.steps[2].details["candidate_accuracy"]


def test_covariate_drifted_batch_is_valid_and_not_worse(seeded):
    batch = covariate_drift(make_stream(5, 500, seed=5), 0, shift={"income": -15.0}, seed=6)
    result = Pipeline.from_yaml(SEED_PIPELINE_YAML).run(batch, seeded)
    assert statuses(result) == ["pass"] * 4


def test_test_gate_on_the_batch_promotes_a_valid_but_wrong_batch_the_golden_holdout_refuses(tmp_path):
    train = make_stream(5, 500, seed=1)
    golden = make_applications(2000, seed=15)
    buggy = make_applications(2000, seed=11).assign(credit_score=680)  # a valid value, the same for everyone
    pipeline = Pipeline.from_yaml(SEED_PIPELINE_YAML)
    outcomes = {}
    for name, holdout in (("batch", None), ("golden", golden)):
        reg = ModelRegistry(tmp_path / name)
        reg.promote(
            reg.register(train_model(train, seed=0), train_data=train, code_version="t"), "champion", reason="t"
        )
        outcomes[name] = pipeline.run(buggy, reg, holdout=holdout, seed=0)
    assert statuses(outcomes["batch"]) == ["pass"] * 4
    assert "held-out rows of the batch" in outcomes["batch"].steps[2].reason
    assert statuses(outcomes["golden"]) == ["pass", "pass", "fail", "skipped"]
    details = outcomes["golden"].steps[2].details
    assert details["golden_holdout"] and details["test_rows"] == 2000
    assert details["candidate_accuracy"] < details["champion_accuracy"] - 0.05
    assert "golden holdout" in outcomes["golden"].steps[2].reason


def test_golden_holdout_must_be_a_labelled_frame(seeded):
    pipeline = Pipeline.from_yaml(SEED_PIPELINE_YAML)
    with pytest.raises(TypeError, match="holdout"):
        pipeline.run(make_stream(1, 50), seeded, holdout="golden.csv")
    with pytest.raises(KeyError, match="default"):
        pipeline.run(make_stream(1, 50), seeded, holdout=make_applications(20, seed=1).drop(columns=["default"]))


def test_skipping_retraining_shows_the_decay(seeded, drifted):
    pipeline = Pipeline.from_yaml(SEED_PIPELINE_YAML)
    skipped = pipeline.run(drifted, seeded, skip=["Train Model"])
    assert statuses(skipped) == ["pass", "skipped", "skipped", "skipped"]
    assert skipped.steps[1].reason == "skipped on request"
    assert "train step was skipped" in skipped.steps[2].reason
    assert seeded.aliases == {"champion": 1}
    retrained = pipeline.run(drifted, seeded)
    assert skipped.serving_accuracy < 0.7 < retrained.serving_accuracy


def test_steps_run_in_yaml_order_and_test_before_train_fails():
    text = (
        SEED_PIPELINE_YAML.replace("Train Model\n    run: python train.py", "TMP")
        .replace("Test Model\n    run: python test_model.py", "Train Model\n    run: python train.py")
        .replace("TMP", "Test Model\n    run: python test_model.py")
    )
    pipeline = Pipeline.from_yaml(text)
    assert pipeline.names == ["Data Validation", "Test Model", "Train Model", "Deploy Model"]
    result = pipeline.run(make_stream(2, 200, seed=1))
    assert statuses(result) == ["pass", "fail", "skipped", "skipped"]
    assert "before the test step" in result.steps[1].reason


def test_deploy_without_a_test_step_is_refused(tmp_path):
    text = (
        "steps:\n  - name: Validate\n    run: python validate_data.py\n  - name: Train\n    run: python train.py\n"
        "  - name: Ship it\n    run: python deploy.py\n"
    )
    result = Pipeline.from_yaml(text).run(make_stream(2, 200, seed=1), ModelRegistry(tmp_path))
    assert statuses(result) == ["pass", "pass", "fail"]
    assert "refusing to deploy" in result.steps[2].reason


def test_deploy_without_a_registry_fails_with_the_fix():
    result = Pipeline.from_yaml(SEED_PIPELINE_YAML).run(make_stream(2, 200, seed=1))
    assert statuses(result) == ["pass", "pass", "pass", "fail"]
    assert "registry=ModelRegistry" in result.steps[3].reason


def test_a_crashing_step_fails_with_the_error_as_reason():
    def explode(seed):
        raise RuntimeError("out of memory")

    result = Pipeline.from_yaml(SEED_PIPELINE_YAML).run(make_stream(2, 200, seed=1), model_factory=explode)
    assert statuses(result) == ["pass", "fail", "skipped", "skipped"]
    assert result.steps[1].reason == "RuntimeError: out of memory"


def test_result_status_lookup():
    result = Pipeline.from_yaml(SEED_PIPELINE_YAML).run(inject_fault(make_stream(1, 50), "nulls", fraction=0.5))
    assert result.status("Data Validation") == "fail"
    with pytest.raises(KeyError, match="no step called"):
        result.status("Lint")


@pytest.mark.parametrize(
    "text, match",
    [
        ("steps: [", "not valid YAML"),
        ("jobs:\n  - name: x\n", "top-level 'steps:'"),
        ("steps:\n  - name: Lint\n    run: python lint.py\n", "lint.py"),
        ("steps:\n  - run: python train.py\n", "'name' and a 'run'"),
        ("steps: []\n", "at least one step"),
        ("steps:\n  - name: A\n    run: python train.py\n  - name: A\n    run: python deploy.py\n", "unique"),
    ],
)
def test_bad_yaml_raises_pipeline_error(text, match):
    with pytest.raises(PipelineError, match=match):
        Pipeline.from_yaml(text)


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda p: Pipeline.from_yaml(b"steps: []"), TypeError, "str"),
        (lambda p: p.run("batch.csv"), TypeError, "DataFrame"),
        (lambda p: p.run(make_stream(1, 10), registry="reg/"), TypeError, "ModelRegistry"),
        (lambda p: p.run(make_stream(1, 10), skip=["Lint"]), ValueError, "Lint"),
        (lambda p: p.run(make_stream(1, 10), test_fraction=1.5), ValueError, "test_fraction"),
    ],
)
def test_run_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call(Pipeline.from_yaml(SEED_PIPELINE_YAML))


# --- decide() ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def reference():
    return make_stream(3, 500, seed=10)[list(FEATURES)]


@pytest.mark.parametrize(
    "errors, drift, accuracy, expected",
    [
        ([], False, None, Decision.NO_ACTION),
        ([], False, 0.85, Decision.NO_ACTION),
        ([], False, 0.80, Decision.NO_ACTION),  # at the threshold is not below it
        ([], False, 0.79, Decision.RETRAIN),
        ([], True, None, Decision.RETRAIN),
        ([], True, 0.9, Decision.NO_ACTION),  # the labels say the model works on the drifted inputs
        ([], True, 0.95, Decision.NO_ACTION),
        ([], True, 0.7, Decision.RETRAIN),
        (["missing_column"], False, 0.9, Decision.STOP),
        (["wrong_dtype"], True, 0.5, Decision.STOP),  # schema problems win over everything
    ],
)
def test_decide_truth_table(errors, drift, accuracy, expected):
    assert decide(errors, drift, accuracy) == expected
    assert decide(errors, drift, accuracy) == expected.value  # a StrEnum compares equal to its string


def test_decide_on_seeded_scenarios(reference):
    clean = make_stream(1, 2000, seed=11)
    covariate = covariate_drift(
        clean, 0, shift={"income": -25.0, "credit_score": -80.0, "age": 12.0, "loan_amount": 8.0}, seed=1
    )
    broken = inject_fault(clean, "numbers_as_strings")
    for batch, expected in ((clean, "NO_ACTION"), (covariate, "RETRAIN"), (broken, "STOP")):
        errors = validate(batch)
        report = drift_report(reference, batch, columns=list(FEATURES)) if not errors else False
        assert decide(errors, report) == expected
    assert decide(validate(clean), drift_report(reference, clean, columns=list(FEATURES)), accuracy=0.64) == "RETRAIN"


def test_decide_does_not_retrain_on_input_drift_when_labelled_accuracy_is_fine(reference):
    model = train_model(make_stream(3, 500, seed=10), seed=0)
    shifted = covariate_drift(
        make_stream(1, 2000, seed=12),
        0,
        seed=2,
        shift={"income": -20.0, "credit_score": -60.0, "age": 8.0, "debt_to_income": 0.08},
    )
    report = drift_report(reference, shifted, columns=list(FEATURES))
    accuracy = float((model.predict(shifted[list(FEATURES)]) == shifted[LABEL].to_numpy()).mean())
    assert report.dataset_drift and accuracy >= 0.8
    assert decide(validate(shifted), report, accuracy=accuracy) == "NO_ACTION"
    assert decide(validate(shifted), report, accuracy=None) == "RETRAIN"  # no labels: drift is the only signal


@pytest.mark.parametrize(
    "args, error",
    [
        (("missing_column", False), TypeError),
        ((None, False), TypeError),
        (([], "yes"), TypeError),
        (([], False, 1.5), ValueError),
        (([], False, "0.9"), ValueError),
    ],
)
def test_decide_bad_input(args, error):
    with pytest.raises(error):
        decide(*args)
