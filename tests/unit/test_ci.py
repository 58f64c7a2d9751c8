"""mlcicd.ci: the retrain-on-data workflow starts on data changes only and retrains only on new data."""

from __future__ import annotations

import json

import pytest

from mlcicd import ci
from mlcicd.data import inject_fault, make_applications

WORKFLOW = ci.RETRAIN_ON_DATA_WORKFLOW
INSTALL = "Install the course package"


@pytest.mark.parametrize(
    "changed, expected",
    [
        (["data/loans.csv"], True),
        (["data/2026/12/loans.csv"], True),  # ** crosses folders
        (["pipeline.yaml"], True),
        (["README.md", "notebooks/01_versioning.ipynb"], False),
        (["src/data/loader.py"], False),  # data/** is anchored at the root
        (["README.md", "data/loans.csv"], True),  # one matching file is enough
        ([], False),
    ],
)
def test_the_paths_filter_starts_the_workflow_only_when_data_or_the_pipeline_change(changed, expected):
    assert ci.triggers(WORKFLOW, changed) is expected


def test_a_negated_pattern_excludes_files_and_no_filter_means_every_push():
    excluding = 'on:\n  push:\n    paths: ["data/**", "!data/**/*.md"]\njobs: {j: {steps: []}}\n'
    assert ci.triggers(excluding, ["data/README.md"]) is False
    assert ci.triggers(excluding, ["data/README.md", "data/loans.csv"]) is True
    assert ci.triggers("on: push\njobs: {j: {steps: []}}\n", ["anything.txt"]) is True
    assert ci.triggers(WORKFLOW, ["data/loans.csv"], event="pull_request") is False


def _course_data(folder, frame, float_format=None):
    (folder / "data").mkdir(exist_ok=True)
    frame.to_csv(folder / "data" / "loans.csv", index=False, float_format=float_format)


def _statuses(runs):
    return {run.name: run.status for run in runs}


@pytest.mark.slow
def test_run_locally_trains_on_new_data_skips_reformatted_data_and_retrains_on_changed_data(tmp_path):
    batch = make_applications(1500, seed=1)
    _course_data(tmp_path, batch)
    first = ci.run_locally(WORKFLOW, tmp_path, skip=[INSTALL])
    assert _statuses(first) == {
        "actions/checkout@v4": "skipped",
        "actions/setup-python@v5": "skipped",
        INSTALL: "skipped",
        "Compare data fingerprints": "ran",
        "Run the pipeline": "ran",
    }
    assert first[3].outputs["changed"] == "true"
    manifest = json.loads((tmp_path / "models" / "manifest.json").read_text())
    assert manifest["model_version"] == 1 and manifest["data_fingerprint"] == first[3].outputs["fingerprint"]

    # the same values written with other float formatting: git sees a change, the fingerprint does not
    _course_data(tmp_path, batch, float_format="%.17g")
    second = ci.run_locally(WORKFLOW, tmp_path, skip=[INSTALL])
    assert second[3].outputs["changed"] == "false" and second[4].status == "skipped"

    _course_data(tmp_path, make_applications(1500, seed=2))
    third = ci.run_locally(WORKFLOW, tmp_path, skip=[INSTALL])
    assert third[3].outputs["changed"] == "true" and third[4].status == "ran"
    assert json.loads((tmp_path / "models" / "manifest.json").read_text())["model_version"] == 2


@pytest.mark.slow
def test_broken_data_fails_the_run_and_deploys_nothing(tmp_path):
    _course_data(tmp_path, inject_fault(make_applications(500, seed=3), "renamed_column", column="income"))
    runs = ci.run_locally(WORKFLOW, tmp_path, skip=[INSTALL])
    assert runs[-1].status == "failed" and "missing_column (income)" in runs[-1].stdout
    assert not (tmp_path / "models" / "manifest.json").exists()


def test_a_failing_step_skips_the_rest_and_outputs_reach_later_conditions(tmp_path):
    workflow = """\
on: push
jobs:
  j:
    steps:
      - {id: a, run: 'echo "go=yes" >> "$GITHUB_OUTPUT"'}
      - {name: when yes, if: "steps.a.outputs.go == 'yes'", run: 'echo ran-yes'}
      - {name: when no, if: "steps.a.outputs.go == 'no'", run: 'echo ran-no'}
      - {name: breaks, run: 'exit 3'}
      - {name: after, run: 'echo after'}
"""
    runs = ci.run_locally(workflow, tmp_path)
    assert [r.status for r in runs] == ["ran", "ran", "skipped", "failed", "skipped"]
    assert runs[0].outputs == {"go": "yes"} and runs[1].stdout.strip() == "ran-yes"


@pytest.mark.parametrize(
    "workflow, message",
    [
        ("on: [push\n", "not valid YAML"),
        ("on: push\n", "jobs"),
        ("on: push\njobs: {j: {steps: [{if: \"github.ref == 'main'\", run: 'true'}]}}\n", "unsupported if"),
    ],
)
def test_a_workflow_the_runner_cannot_read_is_refused_with_the_reason(tmp_path, workflow, message):
    with pytest.raises(ci.WorkflowError, match=message):
        ci.run_locally(workflow, tmp_path)


def test_the_commands_name_a_missing_data_file_and_a_damaged_manifest(tmp_path):
    with pytest.raises(SystemExit, match="no data file"):
        ci.main(["fingerprint", str(tmp_path / "none.csv"), "--manifest", str(tmp_path / "m.json")])
    _course_data(tmp_path, make_applications(50, seed=4))
    (tmp_path / "m.json").write_text("{}")
    with pytest.raises(SystemExit, match="data_fingerprint"):
        ci.main(["fingerprint", str(tmp_path / "data" / "loans.csv"), "--manifest", str(tmp_path / "m.json")])
