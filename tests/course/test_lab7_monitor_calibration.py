"""Lab 7's Part B gives one point per target met: its test cells, run on the monitors of the spec's PART_B_VARIANTS.

The end-to-end grading of the lab (solution, blank, partial, cheats) is in tests/end_to_end/test_grading.py; this runs only
Part B's two test cells, hidden tests included, in a plain namespace (a fraction of a second per monitor).
"""

import pytest

from mlcicd.grader import sample_class
from support import REPO_ROOT

LAB = "lab7_monitor_calibration"
TEST_IDS = ("monitoring-config-calm-tests", "monitoring-config-fast-tests")


def _spec_variants() -> dict:
    import importlib.util

    spec = importlib.util.spec_from_file_location("lab7_spec", REPO_ROOT / "tests" / "lab_specs" / f"{LAB}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.PART_B_VARIANTS


def _test_cells() -> dict[str, tuple[str, float]]:
    nb = sample_class.source_notebook(LAB, REPO_ROOT)
    return {
        sample_class.nbgrader_meta(c)["grade_id"]: (c.source, float(sample_class.nbgrader_meta(c)["points"]))
        for c in nb.cells
        if sample_class.nbgrader_meta(c).get("grade_id") in TEST_IDS
    }


@pytest.mark.parametrize("name", list(_spec_variants()))
def test_part_b_points_match_the_targets_the_monitor_meets(name):
    config, expected = _spec_variants()[name]
    earned = 0.0
    for source, points in _test_cells().values():
        namespace = {"choose_monitor": lambda: dict(config)}
        try:
            exec(compile(source, f"<{LAB} test cell>", "exec"), namespace)
        except AssertionError:
            continue
        earned += points
    assert earned == expected, f"{name} {config}: earned {earned} of Part B's points, the spec says {expected}"
