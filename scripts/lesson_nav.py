"""Write the parts every lesson shares, from one place: the navigation line and the "Check your understanding" texts.

    python scripts/lesson_nav.py          # rewrite notebooks/NN_*.ipynb where they differ
    python scripts/lesson_nav.py --check  # exit 1 and list the lessons that differ (tests/course/test_course_links.py runs it)

The lessons are the notebooks ``notebooks/NN_*.ipynb`` after the start page, in file-name order. Each lesson's last
markdown cell ends with ``Next: [N. Title](file) · Back to the [start page](00_start_here.ipynb)`` (the last lesson
has only the way back); the title is the lesson's H1. The markdown cells that open the blocks of "Check your
understanding" (recognised by their heading) get the texts below; the practice heading's text says whether the
lesson runs a simulation cell before its worked problems.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
START = "00_start_here.ipynb"
BACK = f"Back to the [start page]({START})"

BLOCK_TEXTS = {
    "## Check your understanding": "Four ways to test yourself on this topic. The widgets give feedback as soon as you "
    "answer; nothing here is graded.",
    "### Flashcards": "Recall the answer before you reveal it.",
    "### Quiz": "Pick an answer and check it: the feedback explains every option, and you can retry.",
    "### Explain it in your own words": "Write your answer first, then reveal the four key concepts and tick the ones "
    "you covered.",
}
PRACTICE = "### Practice problems"
PRACTICE_WITH_SIMULATION = (
    "Some problems ask for a number you get by running a simulation. Run the code cell, then answer the question "
    "below it."
)
PRACTICE_WORKED_ONLY = "Worked problems: answer, then reveal the solution one step at a time."


def lessons() -> list[Path]:
    return sorted(p for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb") if p.name != START)


def _text(cell: dict) -> str:
    return "".join(cell["source"])


def _set_text(cell: dict, text: str) -> None:
    cell["source"] = text.splitlines(keepends=True)


def _title(notebook: dict, path: Path) -> str:
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown" and _text(cell).startswith("# "):
            return _text(cell).splitlines()[0][2:].strip()
    raise SystemExit(f"{path.name}: no H1 title in a markdown cell")


def _navigation(next_lesson: tuple[str, str] | None) -> str:
    if next_lesson is None:
        return BACK
    title, name = next_lesson
    return f"Next: [{title}]({name}) · {BACK}"


def _with_navigation(text: str, line: str) -> str:
    lines = text.rstrip("\n").splitlines()
    if lines and (lines[-1].startswith("Next: [") or lines[-1].startswith(BACK)):
        lines = lines[:-1]
        while lines and not lines[-1].strip():
            lines.pop()
    return "\n".join([*lines, "", line])


def _practice_text(cells: list[dict], index: int) -> str:
    """The practice intro: does a code cell other than the show_* calls come before show_practice(...)?"""
    for cell in cells[index + 1 :]:
        source = _text(cell)
        if cell["cell_type"] == "code" and "show_practice(" in source:
            return PRACTICE_WORKED_ONLY
        if cell["cell_type"] == "code" and not source.lstrip().startswith("show_"):
            return PRACTICE_WITH_SIMULATION
    return PRACTICE_WORKED_ONLY


def shared_parts(notebook: dict, path: Path, next_lesson: tuple[str, str] | None) -> dict:
    """Return ``notebook`` with its navigation line and block texts as this script writes them."""
    cells = notebook["cells"]
    for index, cell in enumerate(cells):
        if cell["cell_type"] != "markdown":
            continue
        heading = _text(cell).splitlines()[0] if _text(cell) else ""
        if heading in BLOCK_TEXTS:
            _set_text(cell, f"{heading}\n\n{BLOCK_TEXTS[heading]}")
        elif heading == PRACTICE:
            _set_text(cell, f"{heading}\n\n{_practice_text(cells, index)}")
    last = max((i for i, c in enumerate(cells) if c["cell_type"] == "markdown"), default=None)
    if last is None:
        raise SystemExit(f"{path.name}: no markdown cell to carry the navigation")
    _set_text(cells[last], _with_navigation(_text(cells[last]), _navigation(next_lesson)))
    return notebook


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report lessons that differ; exit 1 if any")
    args = parser.parse_args(argv)
    paths = lessons()
    titles = [_title(json.loads(p.read_text(encoding="utf-8")), p) for p in paths]
    differ = []
    for i, path in enumerate(paths):
        original = path.read_text(encoding="utf-8")
        following = (titles[i + 1], paths[i + 1].name) if i + 1 < len(paths) else None
        notebook = shared_parts(json.loads(original), path, following)
        written = json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"
        if written != original:
            differ.append(path.name)
            if not args.check:
                path.write_text(written, encoding="utf-8")
    if args.check and differ:
        print("lessons whose navigation or shared texts differ from scripts/lesson_nav.py:", ", ".join(differ))
        print("run: python scripts/lesson_nav.py")
        return 1
    print(
        f"{'checked' if args.check else 'wrote'} {len(paths)} lessons; {len(differ)} "
        f"{'differ' if args.check else 'changed'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
