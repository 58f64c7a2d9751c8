"""The course's navigation: every relative link resolves, and the lessons' shared parts come from one script."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from support import REPO_ROOT

# [text](target) in Markdown; the target ends at the first space or closing parenthesis
_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)")
_EXTERNAL = ("http://", "https://", "mailto:", "#")

DOCUMENTS = sorted(
    [
        REPO_ROOT / "README.md",
        REPO_ROOT / "CONTRIBUTING.md",
        REPO_ROOT / "CHANGELOG.md",
        *REPO_ROOT.glob("notebooks/*.ipynb"),
        *REPO_ROOT.glob("release/*/*.ipynb"),
        *REPO_ROOT.glob("source/*/*.ipynb"),
    ]
)


def _markdown(path: Path) -> str:
    if path.suffix != ".ipynb":
        return path.read_text(encoding="utf-8")
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def relative_links(path: Path) -> list[str]:
    text = re.sub(r"```.*?```", "", _markdown(path), flags=re.DOTALL)  # code blocks hold code, not links
    return [t for t in _LINK.findall(text) if not t.startswith(_EXTERNAL)]


def broken_links(path: Path, root: Path = REPO_ROOT) -> list[str]:
    broken = []
    for target in relative_links(path):
        resolved = (path.parent / target.split("#", 1)[0].split("?", 1)[0]).resolve()
        if not (resolved.is_relative_to(root) and resolved.exists()):
            broken.append(target)
    return broken


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_every_relative_link_points_to_a_file_in_the_repository(path):
    broken = broken_links(path)
    assert not broken, f"{path.relative_to(REPO_ROOT)} links to missing files: {broken}"


def test_the_link_check_sees_navigation_and_reports_missing_files_and_links_leaving_the_clone(tmp_path):
    links = relative_links(REPO_ROOT / "notebooks" / "01_versioning.ipynb")
    assert "02_testing.ipynb" in links and "00_start_here.ipynb" in links
    (tmp_path / "here.txt").write_text("x")
    page = tmp_path / "page.txt"
    page.write_text(
        "[ok](here.txt#part) [gone](missing.ipynb) [out](../elsewhere.txt) [web](https://example.org)\n"
        "```\n[in code](not-a-link.txt)\n```\n"
    )
    assert broken_links(page, root=tmp_path) == ["missing.ipynb", "../elsewhere.txt"]


def test_lesson_navigation_and_shared_texts_are_what_the_script_writes():
    result = subprocess.run(
        [sys.executable, "scripts/lesson_nav.py", "--check"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_each_lesson_links_to_the_next_and_the_last_only_back():
    lessons = sorted(p for p in (REPO_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb") if p.name != "00_start_here.ipynb")
    for lesson, following in zip(lessons, [*lessons[1:], None], strict=True):
        last_line = _markdown(lesson).rstrip().splitlines()[-1]
        if following is None:
            assert last_line == "Back to the [start page](00_start_here.ipynb)", lesson.name
        else:
            assert last_line.startswith("Next: [") and f"]({following.name})" in last_line, lesson.name
