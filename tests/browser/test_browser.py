"""The student's view, proven in a real JupyterLab driven through Debian's chromium with Playwright.

Each test does what a student does: open a notebook from a link, run it, click quiz widgets and read the feedback,
press nbgrader's Validate button. A second server started with exactly the settings binder/postBuild applies
(binder/student_settings.sh) proves that students on Binder do not see nbgrader's instructor tools.
Screenshots of every scenario go to test-artifacts/browser/ (git-ignored) for a person to look at; the last
screen of each test is saved as end-<test>.png, also when it fails. Any error in the browser console fails a test.

Run only these:  python -m pytest tests/browser/test_browser.py   (marker: browser; Debian's chromium must be installed)
"""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect, sync_playwright

from mlcicd.quiz import load_bank
from support import REPO_ROOT
from support.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    CHROMIUM_HELP,
    ConsoleLog,
    JupyterServer,
    apply_student_settings,
    copy_course,
    first_heading,
    jupyter_env,
    launch_jupyter,
    markdown_links,
    open_notebook,
    output_with,
    output_with_text,
    run_all_cells,
    screenshot,
    stderr_outputs,
    visible_dialogs,
    wait_for_kernel_idle,
    write_solved_copy,
)

START_PAGE = "notebooks/00_start_here.ipynb"
# The lesson whose quiz widgets the student uses, and its question-bank topic.
WIDGET_LESSON, WIDGET_TOPIC = "notebooks/01_versioning.ipynb", "versioning"
LAB = "lab1_versioning"
VALIDATION_TIMEOUT = 180_000  # ms: Validate runs the whole lab in a fresh kernel on a busy 2-core machine
NEWS_QUESTION = "official Jupyter news"
# JupyterLab's news question is a toast; a course server for the tests never asks it (what binder/student_settings.sh
# writes proves itself on the Binder server, the course server only needs to be quiet).
# nbgrader's instructor tools and its exchange-only tools: what a student must never see (menu labels, handlers of the
# formgrader, assignment_list and course_list server extensions).
HIDDEN_MENU_ITEMS = ("Formgrader", "Create assignment", "Assignment List", "Course List")
HIDDEN_HANDLERS = ("/formgrader", "/assignments", "/courses", "/formgraders")
QUIET_NEWS = {"@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False}}


# ---------------------------------------------------------------------------------------------------------------
# fixtures


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium, headless; fails (never skips) with the install command when it cannot start."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} does not exist. {CHROMIUM_HELP}", pytrace=False)
    with sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        except PlaywrightError as exc:
            reason = str(exc).splitlines()[0]
        else:
            yield chromium
            chromium.close()
            return
    pytest.fail(f"{CHROMIUM} could not start ({reason}). {CHROMIUM_HELP}", pytrace=False)


@pytest.fixture(scope="session")
def servers(browser, tmp_path_factory):
    """Two Jupyter servers on two temporary copies of the course:

    - "course": `jupyter lab` on the repository, the way an instructor runs the course (`make lab-instructor`);
    - "binder": what a Binder student gets: binder/student_settings.sh (the file binder/postBuild runs) applied to
      its config dir, then repo2docker's command `jupyter notebook` (students open JupyterLab with ?urlpath=lab/...).
      `make lab` applies the same file (tests/end_to_end/test_make_lab.py proves it on the real Makefile).

    Both start at once (each takes seconds); the Binder one is prepared in a thread and awaited by ``binder_server``
    only, so the first tests run while it starts. Both are shut down through their API at the end. ``browser`` comes
    first so that a missing chromium fails at once.
    """
    tmp = tmp_path_factory.mktemp("browser")
    course_env_ = jupyter_env(tmp / "course-home")
    labconfig = Path(course_env_["JUPYTER_CONFIG_DIR"]) / "labconfig"
    labconfig.mkdir(parents=True)
    (labconfig / "default_setting_overrides.json").write_text(json.dumps(QUIET_NEWS), encoding="utf-8")
    started = {
        "course": launch_jupyter(
            "lab", copy_course(tmp / "course"), course_env_, tmp / "course-jupyter.log", ("--LabApp.news_url=None",)
        )
    }
    binder_error: list[BaseException] = []

    def start_binder() -> None:
        try:
            binder_env = jupyter_env(tmp / "binder-home")
            apply_student_settings(binder_env)
            started["binder"] = launch_jupyter(
                "notebook", copy_course(tmp / "binder"), binder_env, tmp / "binder-jupyter.log"
            )
        except BaseException as exc:  # reported by binder_server, in the test that needs it
            binder_error.append(exc)

    binder_thread = threading.Thread(target=start_binder, name="start-binder-server")
    binder_thread.start()
    try:
        started["course"].wait_ready()

        def binder() -> JupyterServer:
            binder_thread.join()
            if binder_error:
                raise binder_error[0]
            return started["binder"].wait_ready()

        yield {"course": started["course"], "binder": binder}
    finally:
        binder_thread.join()
        for server in started.values():
            server.request_shutdown()
        for server in started.values():
            server.wait_stopped()


@pytest.fixture(scope="session")
def course_server(servers) -> JupyterServer:
    return servers["course"]


@pytest.fixture(scope="session")
def binder_server(servers) -> JupyterServer:
    return servers["binder"]()


@pytest.fixture
def page(browser, request):
    """A fresh browser tab (own cookies and storage) with its console watched; kernels are stopped afterwards."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.set_default_timeout(60_000)
    tab = context.new_page()
    tab.console_log = ConsoleLog().attach(tab)
    yield tab
    try:
        screenshot(tab, f"end-{request.node.name}")  # what the student saw last, also when the test failed
        context.close()
    finally:
        for name in ("course_server", "binder_server"):
            if name in request.fixturenames:
                request.getfixturevalue(name).shutdown_kernels()


def assert_student_saw_no_errors(page) -> None:
    """No error in the browser console (from the widgets or anything else) and no dialog left on screen."""
    assert page.console_log.errors == [], "errors in the browser console:\n" + "\n".join(page.console_log.errors)
    assert visible_dialogs(page) == [], f"unexpected dialog on screen: {visible_dialogs(page)}"


def validate(page) -> str:
    """Press nbgrader's Validate button, wait for its result dialog, return the dialog's text and close it."""
    page.get_by_role("button", name="Validate").click()
    dialog = page.get_by_role("dialog").filter(has_text="Validation Results")
    dialog.wait_for(timeout=VALIDATION_TIMEOUT)
    return dialog.inner_text()


def close_dialog(page) -> None:
    page.get_by_role("dialog").get_by_role("button", name="Ok").click()
    expect(page.get_by_role("dialog")).to_have_count(0)


def snippet(text: str, length: int = 40) -> str:
    """The start of a bank text as a widget shows it: before any code block, whitespace collapsed."""
    return " ".join(text.split("```")[0].split())[:length]


def shown_item(shown_text: str, items):
    """The bank item (flashcard or question) whose prompt a widget shows; the lesson may show any of the topic's."""
    shown = " ".join(shown_text.split())
    matches = [item for item in items if snippet(item.prompt) in shown]
    assert matches, f"none of {[item.id for item in items]} is the one on screen: {shown[:200]!r}"
    return matches[0]


def practice_on_screen(page, problems):
    """The first single-answer practice problem of ``problems`` shown in the notebook, and its output."""
    for problem in problems:
        if not problem.multi:
            right = next(c for c in problem.choices if c.key in problem.answer_keys)
            card = output_with(page, role="radio", name=f"{right.key}. {right.text}", exact=True)
            if card.count() == 1:
                return problem, card
    raise AssertionError(f"no single-answer practice problem of {[p.id for p in problems]} is shown in the lesson")


def palette_items(page, text: str) -> list[str]:
    """The command palette's entries that match ``text`` (the palette is closed again afterwards)."""
    page.keyboard.press("Control+Shift+C")
    search = page.locator("input.lm-CommandPalette-input")
    search.fill(text)
    found = [item.strip() for item in page.locator(".lm-CommandPalette-item").all_inner_texts()]
    page.keyboard.press("Escape")
    return [item for item in found if text.lower() in item.lower()]


def nbgrader_menu_items(page) -> list[str]:
    page.get_by_role("menuitem", name="Nbgrader", exact=True).click()
    items = page.get_by_role("menu").get_by_role("menuitem").all_inner_texts()
    page.keyboard.press("Escape")
    return [item.strip() for item in items]


# ---------------------------------------------------------------------------------------------------------------
# student scenarios


@pytest.mark.browser
def test_student_follows_the_start_page_to_a_lesson_runs_it_and_gets_quiz_feedback(course_server, page):
    lesson = Path(WIDGET_LESSON).name
    links = [text for text, target in markdown_links(REPO_ROOT / START_PAGE, r"0[1-6]_\w+\.ipynb") if target == lesson]
    assert links, f"{START_PAGE} has no Markdown link to {lesson}"

    open_notebook(page, course_server, START_PAGE)
    expect(page.get_by_role("heading", level=1, name=first_heading(REPO_ROOT / START_PAGE))).to_be_visible()
    screenshot(page, "1-start-page")
    page.get_by_role("link", name=links[0], exact=True).first.click()
    expect(page.get_by_role("tab", name=re.compile(re.escape(lesson)))).to_have_count(1)
    expect(page.get_by_role("heading", level=1, name=first_heading(REPO_ROOT / WIDGET_LESSON))).to_be_visible()
    wait_for_kernel_idle(page)  # the status bar now shows the lesson's kernel
    screenshot(page, "1-lesson-opened-from-the-start-page")

    code_cells = run_all_cells(page)
    assert code_cells > 0
    assert stderr_outputs(page) == [], f"{WIDGET_LESSON} wrote errors or warnings when run in JupyterLab"

    # A worked practice problem: a wrong answer, its feedback, Try again, the right answer, its feedback.
    problem, card = practice_on_screen(page, load_bank(WIDGET_TOPIC, kind="practice"))
    label = {c.key: f"{c.key}. {c.text}" for c in problem.choices}
    (right,) = problem.answer_keys
    wrong = next(key for key in label if key not in problem.answer_keys)
    card.get_by_role("radio", name=label[wrong], exact=True).check()
    card.get_by_role("button", name="Check answer").click()
    expect(card).to_contain_text("✗ Not quite.")
    wrong_feedback = card.inner_text()
    assert f"{label[wrong]} (✗ your choice, wrong)" in wrong_feedback
    assert f"Right answer: {right}." in wrong_feedback
    screenshot(page, "2-practice-wrong-answer")
    card.get_by_role("button", name="Try again").click()
    card.get_by_role("radio", name=label[right], exact=True).check()
    card.get_by_role("button", name="Check answer").click()
    expect(card).to_contain_text("✓ Correct.")
    right_feedback = card.inner_text()
    assert f"{label[right]} (✓ your choice, right)" in right_feedback
    assert "Not quite" not in right_feedback
    screenshot(page, "2-practice-right-answer")

    # A flashcard: the answer is hidden until the student flips the card.
    deck = output_with_text(page, re.compile(r"Card 1 of \d+")).first
    deck.scroll_into_view_if_needed()
    card = shown_item(deck.text_content(), load_bank(WIDGET_TOPIC, kind="flashcard"))
    answer_start = snippet(card.answer)
    expect(deck).not_to_contain_text(answer_start)
    deck.get_by_role("button", name="Show answer", exact=True).click()
    expect(deck).to_contain_text("Answer:")
    expect(deck).to_contain_text(answer_start)
    expect(deck.get_by_role("button", name="Hide answer", exact=True)).to_be_visible()
    screenshot(page, "2-flashcard-flipped")

    # An open question: write an answer, reveal the four concepts, tick them and read the score.
    checklist = output_with(page, role="button", name="Reveal the key concepts").first
    checklist.scroll_into_view_if_needed()
    question = shown_item(checklist.text_content(), load_bank(WIDGET_TOPIC, kind="concept"))
    assert len(question.concepts) == 4
    checklist.get_by_role("textbox").fill(
        "A model is built from code, data and parameters, so all three need versions."
    )
    checklist.get_by_role("button", name="Reveal the key concepts").click()
    expect(checklist).to_contain_text("You got 0/4 concepts.")
    for ticked, concept in enumerate(question.concepts[:3], start=1):
        checklist.get_by_role("checkbox", name=concept, exact=True).check()
        expect(checklist).to_contain_text(f"You got {ticked}/4 concepts.")
    screenshot(page, "2-concepts-ticked")
    assert_student_saw_no_errors(page)


@pytest.mark.browser
def test_validate_reports_failures_on_the_untouched_lab_and_success_on_a_solved_one(course_server, page):
    release = course_server.root / "release" / LAB / f"{LAB}.ipynb"
    solved = release.with_name(f"{LAB}_solved.ipynb")
    filled = write_solved_copy(release, course_server.root / "source" / LAB / f"{LAB}.ipynb", solved)
    assert filled > 0

    open_notebook(page, course_server, f"release/{LAB}/{LAB}.ipynb")
    # The control for the Binder test below: run locally (an instructor's setup), nbgrader's instructor tools are
    # there, and the selectors that must find nothing on Binder find them here.
    expect(page.get_by_role("tab", name="Create Assignment")).to_have_count(1)
    items = nbgrader_menu_items(page)
    assert set(HIDDEN_MENU_ITEMS) <= set(items), items
    assert course_server.request("GET", "/formgrader")[0] == 200
    for path in HIDDEN_HANDLERS:
        assert course_server.request("GET", path)[0] != 404, f"the control server does not serve {path}"
    assert palette_items(page, "Assignment List"), "the control server's command palette has no Assignment List"

    untouched = validate(page)
    screenshot(page, "3-validate-untouched-lab")
    assert "The following cell failed:" in untouched
    assert "NotImplementedError" in untouched
    assert "Success!" not in untouched
    close_dialog(page)

    # The student opens the solved copy from the file browser (same folder) and validates it.
    page.get_by_role("listitem").filter(has_text=solved.name).dblclick()
    expect(page.get_by_role("tab", name=re.compile(re.escape(solved.name)))).to_have_count(1)
    wait_for_kernel_idle(page)
    result = validate(page)
    screenshot(page, "3-validate-solved-lab")
    assert "Success! Your notebook passes all the tests." in result, result
    close_dialog(page)
    assert_student_saw_no_errors(page)


# ---------------------------------------------------------------------------------------------------------------
# Binder: the student's server has no instructor tools


@pytest.mark.browser
def test_binder_students_see_validate_but_no_instructor_tools_and_no_news_popup(binder_server, page):
    open_notebook(page, binder_server, f"release/{LAB}/{LAB}.ipynb")
    expect(page.get_by_role("tab", name="Create Assignment")).to_have_count(0)
    # The whole Nbgrader menu is gone: it held only instructor tools and the exchange-only Assignment List and
    # Course List ("Error fetching courses!" without an exchange); the command palette has none of them either.
    expect(page.get_by_role("menuitem", name="Nbgrader", exact=True)).to_have_count(0)
    for label in HIDDEN_MENU_ITEMS:
        assert palette_items(page, label) == [], f"{label} is in the student's command palette"
    for path in HIDDEN_HANDLERS:
        assert binder_server.request("GET", path)[0] == 404, f"{path} is served to students"

    result = validate(page)
    assert "The following cell failed:" in result
    screenshot(page, "5-binder-validate")
    close_dialog(page)
    # The news question is a toast shown once the application has restored; validation took seconds.
    expect(page.get_by_text(NEWS_QUESTION)).to_have_count(0)
    screenshot(page, "5-binder-student-view")
    assert_student_saw_no_errors(page)


def test_binder_postbuild_applies_the_settings_file_this_test_uses():
    # The Binder test above is only meaningful if postBuild really runs binder/student_settings.sh (repo2docker
    # runs ./binder/postBuild from the repository root, so the relative path holds).
    postbuild = (REPO_ROOT / "binder" / "postBuild").read_text(encoding="utf-8")
    commands = [line.split("#", 1)[0].strip() for line in postbuild.splitlines()]
    assert "set -euo pipefail" in commands
    assert "bash binder/student_settings.sh" in commands
