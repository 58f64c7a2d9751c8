"""The widget gallery (every quiz component) runs in a live kernel and under the real ``nbgrader autograde``
without errors, without anything on stderr and without waiting for a browser."""

from __future__ import annotations

import re
import shutil

import nbformat
import pytest
from nbclient import NotebookClient

from support import REPO_ROOT, course_env

GALLERY = REPO_ROOT / "tests" / "notebooks" / "widget_gallery.ipynb"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
ASSIGNMENT = "quiz_gallery"


def outputs(nb) -> list[tuple[str, dict]]:
    return [(cell.get("id", "?"), out) for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs]


def assert_clean(nb) -> None:
    for cell_id, out in outputs(nb):
        assert out.get("output_type") != "error", f"cell {cell_id} raised {out.get('ename')}: {out.get('evalue')}"
        assert not (out.get("output_type") == "stream" and out.get("name") == "stderr"), (
            f"cell {cell_id} wrote to stderr: {out.get('text')!r}"
        )


def all_text(nb) -> str:
    parts = []
    for _, out in outputs(nb):
        parts.append(
            out.get("text", "") if out.get("output_type") == "stream" else out.get("data", {}).get("text/plain", "")
        )
    return "\n".join(p if isinstance(p, str) else "".join(p) for p in parts)


@pytest.mark.slow
def test_gallery_shows_widgets_in_a_live_kernel_with_no_stderr(tmp_path):
    nb = nbformat.read(GALLERY, as_version=4)
    env = course_env()
    env.pop("NBGRADER_EXECUTION", None)
    env.pop("MLCICD_QUIZ_MODE", None)
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute(
        env=env
    )
    assert_clean(nb)
    widget_cells = {cell_id for cell_id, out in outputs(nb) if WIDGET_MIME in out.get("data", {})}
    assert {"flash", "mcq", "multi", "concept", "practice", "quiz", "sim-question"} <= widget_cells
    # a static rendering reads well with or without widget state: beside the widget (whose text/plain is empty, so
    # nothing shows twice) each component displays its static copy, and that copy's text/plain is the text version
    widget, static = [out for cell_id, out in outputs(nb) if cell_id == "flash"]
    assert WIDGET_MIME in widget["data"] and widget["data"]["text/plain"] == ""
    assert static["data"]["text/html"].startswith("<div class='mlcicd-static'>")
    assert static["data"]["text/plain"].startswith("Flashcards (4 cards")


@pytest.mark.grading
@pytest.mark.slow
def test_gallery_autogrades_with_text_fallbacks_no_errors_and_no_stderr(course, nbgrader):
    source = course / "source" / ASSIGNMENT
    source.mkdir(parents=True)
    shutil.copy(GALLERY, source / f"{ASSIGNMENT}.ipynb")
    nbgrader(course, "generate_assignment", ASSIGNMENT, "--force")
    released = course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert released.exists()

    submitted = course / "submitted" / "student_a" / ASSIGNMENT
    submitted.mkdir(parents=True)
    shutil.copy(released, submitted / f"{ASSIGNMENT}.ipynb")
    (submitted / "timestamp.txt").write_text("2026-01-01 12:00:00.000000 UTC")
    proc = nbgrader(course, "autograde", ASSIGNMENT, "--force")
    assert "ERROR" not in proc.stdout + proc.stderr, proc.stdout + proc.stderr

    graded = nbformat.read(course / "autograded" / "student_a" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    assert_clean(graded)
    # NBGRADER_EXECUTION was set: every component printed its text version, none displayed a widget
    assert not [cell_id for cell_id, out in outputs(graded) if WIDGET_MIME in out.get("data", {})]
    text = all_text(graded)
    assert "Flashcards (4 cards" in text
    assert "What additional component is critical in ML CI/CD pipelines" in text
    assert re.search(r"Quiz complete: you scored (\d+)/\1 \(100%\)\.", text), "the driven quiz did not finish"
    # the text versions print no answers: a flashcard's back and an option's explanation stay hidden
    assert "tests must include data validation and model performance checks" not in text
    assert "so the data must be versioned to know" not in text
