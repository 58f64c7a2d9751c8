"""The ML Test Score rubric: its 28 tests, the scoring rule, the course's key and the widget."""

import html

import pytest

from mlcicd import test_score as ts
from mlcicd.errors import MlcicdError


def test_rubric_has_four_sections_of_seven_tests():
    assert len(ts.TESTS) == 28
    for section in ts.SECTIONS:
        assert [t for t in ts.TESTS if t.startswith(section + "-")] == [f"{section}-{i}" for i in range(1, 8)]
    assert ts.TESTS["data-1"] == "Feature expectations are captured in a schema"
    assert ts.TESTS["monitor-7"] == "The model has not experienced a regression in prediction quality on served data"


def test_manual_is_half_automated_is_one_and_missing_is_zero():
    result = ts.score({"data-1": "manual", "data-2": "automated", "model-3": "Automated"})
    assert result.sections == {"data": 1.5, "model": 1.0, "infra": 0.0, "monitor": 0.0}


def test_final_score_is_the_minimum_over_sections():
    answers = {t: "automated" for t in ts.TESTS}
    answers.update({"infra-1": "manual", "infra-2": "not done"})
    result = ts.score(answers)
    assert result.sections["infra"] == 5.5
    assert result.final == 5.5
    assert result.weakest == ("infra",)
    assert ts.score({t: "automated" for t in ts.TESTS}).final == 7.0


@pytest.mark.parametrize(
    ("final", "start"),
    [
        (0, "More of a research"),
        (0.5, "Not totally"),
        (1.5, "There's been"),
        (3, "Reasonably"),
        (5, "Strong"),
        (6, "Exceptional"),
    ],
)
def test_bands(final, start):
    assert ts.band(final).startswith(start)


def test_course_key_covers_every_test_with_an_explanation():
    assert set(ts.COURSE_KEY) == set(ts.TESTS)
    for entry in ts.COURSE_KEY.values():
        assert entry.level in ts.LEVELS
        assert len(entry.why) > 30
    result = ts.course_score()
    assert result.final == min(result.sections.values())
    # a teaching repository does not do most monitoring: the key must not claim it is automated
    assert all(ts.COURSE_KEY[f"monitor-{i}"].level != "automated" for i in range(1, 8))


@pytest.mark.parametrize(
    ("answers", "match"),
    [
        ({"data-9": "manual"}, "unknown test id"),
        ({"data-1": "sometimes"}, "data-1.*use one of"),
        ({"data-1": 1}, "use one of"),
        (["data-1"], "must be a dict"),
    ],
)
def test_bad_answers_are_named(answers, match):
    with pytest.raises(MlcicdError, match=match):
        ts.score(answers)


@pytest.mark.parametrize("final", [-1, 8, "2", True])
def test_bad_final_score(final):
    with pytest.raises(ts.TestScoreError, match="from 0 to 7"):
        ts.band(final)


def test_widget_has_a_labelled_control_per_test_and_updates_totals():
    assessment = ts.TestScoreAssessment()
    assert set(assessment.controls) == set(ts.TESTS)
    assert all(ts.TESTS[t] in c.description for t, c in assessment.controls.items())
    assert "Final ML Test Score: 0" in assessment.total.value
    for test_id in ts.TESTS:
        assessment.controls[test_id].value = "manual"
    assert assessment.score.final == 3.5
    assert "3.5 of 7" in assessment.section_labels["data"].value
    assert "Final ML Test Score: 3.5" in assessment.total.value
    assessment.controls["model-1"].value = "not done"
    assert assessment.score.final == 3.0
    assert "weakest: Tests for Model Development" in assessment.total.value


def test_key_button_reveals_the_course_key():
    assessment = ts.TestScoreAssessment()
    assert assessment.key.layout.display == "none"
    assessment.key_button.click()
    assert assessment.key.layout.display is None
    assert f"final score {ts.course_score().final:g}" in assessment.key.value
    assert assessment.key.value.count("<li>") == 28


def test_show_prints_the_rubric_without_a_frontend(capsys, monkeypatch):
    monkeypatch.setenv("MLCICD_QUIZ_MODE", "text")
    ts.show_test_score_assessment()
    out = capsys.readouterr().out
    assert "Monitoring Tests for ML" in out
    assert out.count("[not done / manual / automated]") == 28


def test_the_widget_announces_its_total_and_shows_the_key_right_after_its_button():
    from mlcicd.quiz.a11y import A11y

    assessment = ts.TestScoreAssessment()
    children = list(assessment.widget.children)
    assert isinstance(children[0], A11y)
    assert "mlcicd-live" in assessment.total._dom_classes
    assert children.index(assessment.key) == children.index(assessment.key_button) + 1


def test_the_static_copy_lists_every_test_and_folds_the_key():
    page = ts.TestScoreAssessment().static_html()
    assert all(html.escape(name) in page for name in ts.TESTS.values())
    before, _, key = page.partition("<details>")
    assert before.count("<li>") == 28 and "The course's key" not in before
    assert key.count("<li>") == 28
