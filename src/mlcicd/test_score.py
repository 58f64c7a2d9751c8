"""The ML Test Score self-assessment: the 28 tests of Breck et al. (2017), their scoring and a widget.

Breck, Cai, Nielsen, Salib and Sculley, "The ML Test Score: A Rubric for ML Production Readiness and Technical
Debt Reduction", IEEE Big Data 2017, lists 7 tests in each of four sections. Each test scores 0 points if it is
not done, 0.5 if it is run manually with the results documented and distributed, and 1 if a system runs it
automatically and repeatedly. A section's score is the sum of its tests; the final score is the *minimum* over
the four sections, so a system is only as production-ready as its weakest area.

* :data:`SECTIONS` and :data:`TESTS` hold the rubric as data; :data:`COURSE_KEY` is this course's own answer,
  each with an explanation naming the module or lesson.
* :func:`score` turns answers (``"not done"``, ``"manual"``, ``"automated"`` per test id) into section sums and
  the final minimum; :func:`band` gives the paper's interpretation of a final score.
* :func:`show_test_score_assessment` shows one labelled control per test, the live totals and a button for the
  course's answer key.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets

from mlcicd.errors import MlcicdError
from mlcicd.quiz.components import Component, _classed, _component_box, _details

__all__ = [
    "COURSE_KEY",
    "LEVELS",
    "POINTS",
    "SECTIONS",
    "TESTS",
    "KeyEntry",
    "Score",
    "TestScoreAssessment",
    "TestScoreError",
    "band",
    "course_score",
    "score",
    "show_test_score_assessment",
]


class TestScoreError(MlcicdError, ValueError):
    """Answers to the ML Test Score that cannot be scored; the message names the test and the fix."""

    __test__ = False  # not a pytest test class despite its name


#: The three answers a test can have and their points.
POINTS: dict[str, float] = {"not done": 0.0, "manual": 0.5, "automated": 1.0}
LEVELS: tuple[str, ...] = tuple(POINTS)

#: Section id -> the paper's section title.
SECTIONS: dict[str, str] = {
    "data": "Tests for Features and Data",
    "model": "Tests for Model Development",
    "infra": "Tests for ML Infrastructure",
    "monitor": "Monitoring Tests for ML",
}

_NAMES: dict[str, tuple[str, ...]] = {
    "data": (
        "Feature expectations are captured in a schema",
        "All features are beneficial",
        "No feature's cost is too much",
        "Features adhere to meta-level requirements",
        "The data pipeline has appropriate privacy controls",
        "New features can be added quickly",
        "All input feature code is tested",
    ),
    "model": (
        "Every model specification undergoes a code review and is checked in to a repository",
        "Offline proxy metrics correlate with actual online impact metrics",
        "All hyperparameters have been tuned",
        "The impact of model staleness is known",
        "A simpler model is not better",
        "Model quality is sufficient on all important data slices",
        "The model has been tested for considerations of inclusion",
    ),
    "infra": (
        "Training is reproducible",
        "Model specification code is unit tested",
        "The full ML pipeline is integration tested",
        "Model quality is validated before attempting to serve it",
        "The model allows debugging by observing the step-by-step computation of training or inference on a single example",
        "Models are tested via a canary process before they enter production serving environments",
        "Models can be quickly and safely rolled back to a previous serving version",
    ),
    "monitor": (
        "Dependency changes result in notification",
        "Data invariants hold in training and serving inputs",
        "Training and serving features compute the same values",
        "Models are not too stale",
        "The model is numerically stable",
        "The model has not experienced dramatic or slow-leak regressions in training speed, serving latency, throughput, or RAM usage",
        "The model has not experienced a regression in prediction quality on served data",
    ),
}

_SHORT = {"data": "Data", "model": "Model", "infra": "Infrastructure", "monitor": "Monitoring"}

#: Test id (``"data-1"`` ... ``"monitor-7"``) -> test name, in the paper's order.
TESTS: dict[str, str] = {f"{s}-{i}": name for s, names in _NAMES.items() for i, name in enumerate(names, 1)}


@dataclass(frozen=True)
class KeyEntry:
    """The course's answer for one test: its level and why, naming the module or lesson."""

    level: str
    why: str


_M, _A, _N = "manual", "automated", "not done"

#: This course's own pipeline, assessed honestly: a teaching repository on synthetic data, run by hand.
COURSE_KEY: dict[str, KeyEntry] = {
    "data-1": KeyEntry(
        _A,
        "mlcicd.validation checks every batch against a declared schema (lessons 02 and 07), and "
        "the unit tests of the test suite (make test, which .ci/run calls) run it.",
    ),
    "data-2": KeyEntry(_N, "No lesson measures whether each feature earns its place (for example by ablation)."),
    "data-3": KeyEntry(_N, "Features are synthetic columns with no latency, memory or upkeep cost measured."),
    "data-4": KeyEntry(_N, "No rule lists features that must not be used, and nothing checks for them."),
    "data-5": KeyEntry(_N, "The data (mlcicd.data) is synthetic, so there are no privacy controls to test."),
    "data-6": KeyEntry(_N, "Adding a feature is a code change; the time it takes is never measured."),
    "data-7": KeyEntry(
        _A,
        "The code that builds features (mlcicd.data, mlcicd.skew) has unit tests in "
        "tests/unit that the test suite (make test) runs.",
    ),
    "model-1": KeyEntry(
        _M,
        "Model code (mlcicd.models) is in git and changes go through review "
        "(CONTRIBUTING.md), but nothing enforces the review automatically.",
    ),
    "model-2": KeyEntry(_N, "There is no online impact metric to correlate with: no real users."),
    "model-3": KeyEntry(_N, "The models use fixed hyperparameters; no lesson tunes them or measures their effect."),
    "model-4": KeyEntry(
        _N, "Lessons 03 and 08 detect drift, but no lesson measures how quality decays with a model's age."
    ),
    "model-5": KeyEntry(
        _M,
        "Lesson 11 compares the training loss with a base-rate model "
        "(mlcicd.model_tests.loss_curve), run by hand in the lesson.",
    ),
    "model-6": KeyEntry(
        _M,
        "Lesson 11 reports quality per region and credit-score band "
        "(mlcicd.model_tests.slice_report), looked at by hand.",
    ),
    "model-7": KeyEntry(_N, "No lesson tests the model for bias against groups of applicants."),
    "infra-1": KeyEntry(
        _M,
        "Seeds are fixed and lesson 01 versions data and models (mlcicd.versioning), "
        "but no automated check retrains twice and compares.",
    ),
    "infra-2": KeyEntry(_A, "tests/unit/test_models.py unit tests the model code; the test suite (make test) runs it."),
    "infra-3": KeyEntry(
        _A,
        "tests/unit/test_pipeline.py runs the whole pipeline of lesson 07 (mlcicd.pipeline) end to end in the test suite (make test).",
    ),
    "infra-4": KeyEntry(
        _A,
        "The pipeline's gate (mlcicd.ci, mlcicd.model_tests.promotion_gate, lesson 12) "
        "refuses to register a worse candidate, every time it runs.",
    ),
    "infra-5": KeyEntry(_N, "Nothing steps through training or inference on a single example."),
    "infra-6": KeyEntry(
        _M,
        "Lesson 10 canaries a candidate (mlcicd.canary), but on simulated traffic run "
        "by hand, not before a real deployment.",
    ),
    "infra-7": KeyEntry(_M, "Lesson 06 rolls back to a previous version in the registry (mlcicd.registry), by hand."),
    "monitor-1": KeyEntry(_N, "Requirements are pinned, but no one is notified when a dependency changes."),
    "monitor-2": KeyEntry(
        _M,
        "Lessons 02 and 07 validate incoming batches (mlcicd.validation) and lesson 03 checks them for drift "
        "(mlcicd.drift), run in the notebook rather than by a monitoring service.",
    ),
    "monitor-3": KeyEntry(_M, "Lesson 13 compares training and serving features (mlcicd.skew), by hand."),
    "monitor-4": KeyEntry(_N, "No alert fires when the served model gets old."),
    "monitor-5": KeyEntry(_N, "Nothing watches for NaNs or infinities in training or serving."),
    "monitor-6": KeyEntry(_N, "Training speed, latency, throughput and memory are not monitored."),
    "monitor-7": KeyEntry(
        _M,
        "Lessons 08 and 09 monitor prediction quality (mlcicd.monitoring), on a simulation "
        "run in the notebook, not on served data.",
    ),
}

# The paper's interpretation of the final score: (upper bound, meaning); a score above the last bound is exceptional.
_BANDS: tuple[tuple[float, str], ...] = (
    (0.0, "More of a research project than a productionized system."),
    (1.0, "Not totally untested, but it is worth considering the possibility of serious holes in reliability."),
    (2.0, "There's been first pass at basic productionization, but additional investment may be needed."),
    (3.0, "Reasonably tested, but it's possible that more of those tests and procedures may be automated."),
    (5.0, "Strong levels of automated testing and monitoring, appropriate for mission-critical systems."),
)
_EXCEPTIONAL = "Exceptional levels of automated testing and monitoring."


@dataclass(frozen=True)
class Score:
    """Per-section sums (0 to 7 each) and the final score: their minimum, and the weakest section(s)."""

    sections: dict[str, float]
    final: float
    weakest: tuple[str, ...]


def _level(test_id: str, value: Any) -> str:
    if isinstance(value, KeyEntry):
        value = value.level
    if not isinstance(value, str) or value.strip().lower() not in POINTS:
        raise TestScoreError(f"answer for {test_id} ({TESTS[test_id]!r}) is {value!r}; use one of {list(LEVELS)}")
    return value.strip().lower()


def score(answers: Mapping[str, Any]) -> Score:
    """Score answers ``{test id: "not done" | "manual" | "automated"}``; a missing test counts as not done.

    Raises :class:`TestScoreError` for an unknown test id or answer.
    """
    if not isinstance(answers, Mapping):
        raise TestScoreError(
            f"answers must be a dict of test id -> level, got {type(answers).__name__}; e.g. {{'data-1': 'manual'}}"
        )
    unknown = sorted(str(k) for k in answers if k not in TESTS)
    if unknown:
        raise TestScoreError(f"unknown test id(s) {unknown}; ids are 'data-1' ... 'monitor-7', see TESTS")
    sections = dict.fromkeys(SECTIONS, 0.0)
    for test_id, value in answers.items():
        sections[test_id.split("-")[0]] += POINTS[_level(test_id, value)]
    final = min(sections.values())
    return Score(sections, final, tuple(s for s, v in sections.items() if v == final))


def band(final: float) -> str:
    """The paper's meaning of a final score (0, (0, 1], (1, 2], (2, 3], (3, 5], above 5)."""
    if isinstance(final, bool) or not isinstance(final, (int, float)) or not 0 <= final <= 7:
        raise TestScoreError(f"final score must be a number from 0 to 7, got {final!r}")
    for upper, meaning in _BANDS:
        if final <= upper:
            return meaning
    return _EXCEPTIONAL


def course_score() -> Score:
    """The score of the course's own pipeline according to :data:`COURSE_KEY`."""
    return score(COURSE_KEY)


def _fmt(points: float) -> str:
    return f"{points:g}"


def _tests_of(section: str) -> dict[str, str]:
    return {test_id: name for test_id, name in TESTS.items() if test_id.startswith(section + "-")}


def _rubric_text() -> str:
    lines = []
    for section, title in SECTIONS.items():
        lines.append(title)
        lines += [f"  {t}: {name}  [not done / manual / automated]" for t, name in _tests_of(section).items()]
    return "\n".join(lines)


def _key_html() -> str:
    key = course_score()
    items = "".join(
        f"<li><b>{t} {html.escape(TESTS[t])}</b>: {e.level} ({_fmt(POINTS[e.level])}). {html.escape(e.why)}</li>"
        for t, e in COURSE_KEY.items()
    )
    sums = ", ".join(f"{SECTIONS[s]} {_fmt(v)}" for s, v in key.sections.items())
    return (
        f"<p>The course's key: {sums}; final score {_fmt(key.final)}. {html.escape(band(key.final))}</p>"
        f"<ul>{items}</ul>"
    )


class TestScoreAssessment(Component):
    """The self-assessment widget: one labelled dropdown per test, live totals and the course's key.

    ``.controls`` maps test id -> dropdown; ``.score`` is the current :class:`Score`; ``.key_button.click()``
    reveals the key. ``.widget`` is the box to display; like the quiz components it carries the keyboard and
    screen-reader helper (the totals are a polite live region; the key appears right after its button) and,
    for exports, a static copy of the rubric.
    """

    __test__ = False

    def __init__(self) -> None:
        self.controls: dict[str, Any] = {}
        rows: list[Any] = []
        self.section_labels: dict[str, Any] = {}
        for section in SECTIONS:
            label = widgets.HTML()
            self.section_labels[section] = label
            rows.append(label)
            for test_id, name in _tests_of(section).items():
                number = test_id.split("-")[1]
                control = widgets.Dropdown(
                    options=list(LEVELS),
                    value="not done",
                    description=f"{_SHORT[section]} {number}: {name}",
                    style={"description_width": "initial"},
                    layout=widgets.Layout(width="auto"),
                )
                control.observe(self._update, names="value")
                self.controls[test_id] = control
                rows.append(control)
        self.total = _classed(widgets.HTML(), "mlcicd-live")
        self.key_button = widgets.Button(
            description="Show the course's answer key", tooltip="Show the course's answer key"
        )
        self.key = _classed(widgets.HTML(), "mlcicd-key")
        self.key.layout.display = "none"
        self.key_button.on_click(self._show_key)
        self.widget, self.a11y = _component_box([*rows, self.total, self.key_button, self.key])
        self._update()

    def answers(self) -> dict[str, str]:
        return {test_id: control.value for test_id, control in self.controls.items()}

    def _update(self, _change: Any = None) -> None:
        self.score = score(self.answers())
        for section, title in SECTIONS.items():
            self.section_labels[section].value = f"<h4>{title}: {_fmt(self.score.sections[section])} of 7</h4>"
        weakest = ", ".join(SECTIONS[s] for s in self.score.weakest)
        self.total.value = (
            f"<p><b>Final ML Test Score: {_fmt(self.score.final)}</b> (the minimum; weakest: {weakest}). "
            f"{band(self.score.final)}</p>"
        )

    def _show_key(self, _button: Any = None) -> None:
        self.key.value = _key_html()
        self.key.layout.display = None  # right after the button, which keeps the focus: a disclosure

    def to_text(self) -> str:
        return _rubric_text() + "\n(Open this notebook in JupyterLab to fill in the rubric and see the course's key.)"

    def static_html(self) -> str:
        sections = "".join(
            f"<h4>{html.escape(title)}</h4><ol>"
            + "".join(f"<li>{html.escape(name)}</li>" for name in _tests_of(section).values())
            + "</ol>"
            for section, title in SECTIONS.items()
        )
        scoring = (
            "<p>Score each test 0 (not done), 0.5 (manual, results documented) or 1 (automated); a section's "
            "score is its sum and the final score the minimum over the four sections.</p>"
        )
        return scoring + sections + _details("The course's answer key", _key_html())


def show_test_score_assessment() -> TestScoreAssessment:
    """Display the self-assessment (or, without a widget front end, print the rubric) and return it."""
    assessment = TestScoreAssessment()
    assessment.show()
    return assessment
