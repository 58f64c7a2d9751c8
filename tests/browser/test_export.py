"""Every lesson exported with `jupyter nbconvert --to html --execute` reads offline: each question, its options and,
folded, its explanation, with every request to the network refused.

nbconvert stores the widget state, so each widget output needs a script from a CDN at view time; offline those
outputs are empty. The static copy that ``show()`` displays beside each widget (``mlcicd.quiz.components``) is
what the reader sees instead. The expected questions are computed from each lesson's own ``show_*`` calls.

Run only this:  python -m pytest tests/browser/test_export.py -p no:xdist   (markers: browser, slow)
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import nbformat
import pytest
from playwright.sync_api import sync_playwright

from mlcicd import quiz
from support import REPO_ROOT, VENV_BIN, course_env
from support.browser import launch_chromium

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LESSONS = sorted((REPO_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SHOW_CALL = re.compile(r"^(show_flashcards|show_quiz|show_practice|show_concepts|show_question)\((.*)\)\s*$", re.M)


def _items(function: str, args: str) -> list:
    """The bank items a lesson's ``show_*(...)`` call displays, computed with the package's own builders."""

    def collect(*a, **k):
        if function == "show_flashcards":
            return quiz.make_flashcards(*a, **k).cards
        if function == "show_quiz":
            return quiz.make_quiz(*a, **k).ordered_questions
        if function == "show_practice":
            return [c.question for c in quiz.make_practice(*a, **k)]
        if function == "show_concepts":
            return [c.question for c in quiz.make_concepts(*a, **k)]
        return [quiz.get_question(*a)]

    return eval(f"collect({args})", {"collect": collect})  # the lesson's literal arguments, e.g. ("all", source="seed")


def expected_items(lesson: Path) -> list:
    nb = nbformat.read(lesson, as_version=4)
    items = []
    for cell in nb.cells:
        if cell.cell_type == "code":
            for function, args in SHOW_CALL.findall(cell.source):
                items += _items(function, args)
    return items


def words(text: str) -> str:
    return " ".join(text.split())


def snippet(text: str, length: int = 60) -> str:
    return words(text.split("```")[0])[:length]


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> dict[str, Path]:
    """Every lesson through `jupyter nbconvert --to html --execute` (one process), as a student or a site would."""
    out = tmp_path_factory.mktemp("export")
    proc = subprocess.run(
        [
            str(VENV_BIN / "jupyter"),
            "nbconvert",
            "--to",
            "html",
            "--execute",
            "--output-dir",
            str(out),
            *map(str, LESSONS),
        ],
        cwd=REPO_ROOT / "notebooks",
        env=course_env(),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return {lesson.stem: out / f"{lesson.stem}.html" for lesson in LESSONS}


@pytest.fixture(scope="module")
def offline_page():
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        context = browser.new_context(viewport={"width": 1000, "height": 900})
        refused: list[str] = []

        def offline(route):
            if route.request.url.startswith("file:"):
                route.continue_()
            else:
                refused.append(route.request.url)
                route.abort()

        context.route("**/*", offline)
        page = context.new_page()
        page.refused = refused
        yield page
        browser.close()


def test_the_lessons_show_questions_at_all():
    counts = {lesson.stem: len(expected_items(lesson)) for lesson in LESSONS}
    assert len(counts) > 1 and all(n > 0 for name, n in counts.items() if name != "00_start_here"), counts


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_an_executed_html_export_shows_every_question_and_its_options_offline(exported, offline_page, lesson):
    items = expected_items(lesson)
    page = offline_page
    page.goto(exported[lesson.stem].as_uri())
    page.wait_for_load_state("load")
    visible = words(page.inner_text("body"))
    missing = []
    for item in items:
        if snippet(item.prompt) not in visible:
            missing.append(f"{item.id}: prompt {snippet(item.prompt)!r}")
        for choice in item.choices:
            if words(f"{choice.key}. {choice.text}") not in visible:
                missing.append(f"{item.id}: option {choice.key}")
    assert missing == [], f"{lesson.name}: not visible offline:\n" + "\n".join(missing)
    blocks = page.locator(".mlcicd-static")
    heights = [box["height"] for box in (blocks.nth(i).bounding_box() for i in range(blocks.count())) if box]
    if items:
        assert blocks.count() >= 1
    assert len(heights) == blocks.count() and min(heights, default=1) > 0, "a static copy is empty or hidden"
    # answers and explanations are folded: in the page, but not shown until the reader opens them
    folded = page.locator(".mlcicd-static details:not([open])").count()
    assert folded >= len(items)
    texts = words(" ".join(page.locator(".mlcicd-static").all_text_contents()))
    explanations = [c.explanation for item in items for c in item.choices]
    assert all(words(e) in texts for e in explanations)
    assert not [e for e in explanations if words(e) in visible], "an explanation is shown unfolded"
    outputs = words(" ".join(page.locator(".jp-OutputArea").all_inner_texts()))  # the code cells name ids; outputs not
    ids = [item.id for item in quiz.all_questions() if item.id in outputs]
    assert ids == [] and "from the recap" not in outputs, f"internal ids in the outputs: {ids}"
