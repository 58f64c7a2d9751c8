"""Every number a lesson's prose states is the number its code computes, so a library change that moves one fails.

The committed lessons carry no outputs, so nothing else ties "0.777 against the champion's 0.847" to the code that
prints it. For each ``notebooks/NN_<name>.ipynb`` the file ``tests/course/claims/NN_<name>.py`` defines

- ``CLAIMS: dict[str, str]``: a snippet, verbatim as it appears in one of the lesson's markdown cells (line breaks
  included), mapped to a Python expression that, evaluated in the lesson's namespace after the lesson has run top
  to bottom, must give exactly that snippet (write it as an f-string with the format the prose uses);
- ``NOT_COMPUTED: dict[str, str]`` (optional): snippets whose numbers are chosen, not computed (a parameter, a
  threshold, a convention, a citation), mapped to the reason. Keep it short.

Each lesson runs once per module, in a fresh kernel of the venv, in ``notebooks/``, as a student runs it (no
``NBGRADER_EXECUTION``, so widgets are widgets); a last cell added to the same kernel evaluates the expressions.
Then one test per claim checks that its snippet is in the prose and equals its expression's value, and one test
per lesson checks that every number in the prose that looks computed (a decimal, a percentage, "N of the M",
scientific notation, a p-value) lies inside a claim or a ``NOT_COMPUTED`` snippet, so a new figure needs a claim.
"""

from __future__ import annotations

import json
import re
import runpy
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from support import REPO_ROOT, course_env

pytestmark = pytest.mark.claims

NOTEBOOKS = REPO_ROOT / "notebooks"
CLAIMS_DIR = Path(__file__).parent / "claims"
LESSONS = sorted(path.stem for path in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
CELL_TIMEOUT = 300


def _claims_file(lesson: str) -> dict:
    path = CLAIMS_DIR / f"{lesson}.py"
    return runpy.run_path(str(path)) if path.is_file() else {}


def claims_of(lesson: str) -> dict[str, str]:
    return dict(_claims_file(lesson).get("CLAIMS", {}))


def not_computed_of(lesson: str) -> dict[str, str]:
    return dict(_claims_file(lesson).get("NOT_COMPUTED", {}))


def markdown_cells(lesson: str) -> list[str]:
    nb = nbformat.read(NOTEBOOKS / f"{lesson}.ipynb", as_version=4)
    return [cell.source for cell in nb.cells if cell.cell_type == "markdown"]


# --- which numbers in the prose look computed -------------------------------------------------------------------

# Code and link targets are not prose: blanked out (same length, so positions stay) before numbers are looked for.
_NOT_PROSE = re.compile(r"```.*?```|`[^`\n]*`|\]\([^)\s]*\)|<https?://[^>\s]*>|https?://\S+", re.DOTALL)
_NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?"
_SUPERSCRIPTS = "\u207b\u2070\u00b9\u00b2\u00b3\u2074-\u2079"  # superscript minus and digits
_COMPUTED = [
    # "12 of the 60", "49 of 5,000"
    re.compile(rf"(?<![\w.]){_NUMBER}\s+of\s+(?:the\s+|all\s+)?{_NUMBER}(?![\w.]*\d)"),
    # 2e-25, 1.3e+04, 3 x 10^-5, 10 to a superscript power (\u2212 is the minus sign, \u00d7 the multiplication sign)
    re.compile(rf"(?<![\w.]){_NUMBER}\s*[eE][-+\u2212]?\d+\b"),
    re.compile(rf"(?<![\w.]){_NUMBER}\s*[\u00d7x\u00b7]\s*10\^?[-\u2212{_SUPERSCRIPTS}]+"),
    re.compile(rf"(?<![\w.])10(?:\^[-\u2212]?\d+|[{_SUPERSCRIPTS}]+)"),
    # 40.7%, 10 %
    re.compile(rf"(?<![\w.]){_NUMBER}\s?%"),
    # a p-value, whole or not: the number after "p =", "p ≈", "p <", ...
    re.compile(rf"\bp\s*(?:=|≈|<|>|≤|≥|&lt;|&gt;)\s*(?P<number>{_NUMBER})"),
    # 0.847, 57,889.9 (a dotted version such as 0.9.6 is matched whole, so it needs an entry too)
    re.compile(r"(?<![\w.])\d+(?:,\d{3})*\.\d+(?:\.\d+)*"),
]


def computed_numbers(text: str) -> list[tuple[int, int]]:
    """The spans of ``text`` that look like computed numbers (none inside another)."""
    prose = _NOT_PROSE.sub(lambda m: " " * len(m.group()), text)
    spans = {m.span("number" if "number" in p.groupindex else 0) for p in _COMPUTED for m in p.finditer(prose)}
    return sorted(s for s in spans if not any(o != s and o[0] <= s[0] and s[1] <= o[1] for o in spans))


def occurrences(text: str, snippet: str) -> list[tuple[int, int]]:
    found, start = [], text.find(snippet)
    while start >= 0:
        found.append((start, start + len(snippet)))
        start = text.find(snippet, start + 1)
    return found


# --- running a lesson -------------------------------------------------------------------------------------------

_EVALUATE = """\
def _claims_evaluate(expressions):
    import json, traceback
    results = {{}}
    for snippet, expression in expressions.items():
        try:
            value = eval(expression, globals())
        except Exception:
            results[snippet] = {{"error": traceback.format_exc()}}
        else:
            results[snippet] = {{"str": value if isinstance(value, str) else str(value), "repr": repr(value)}}
    return json.dumps(results)
print(_claims_evaluate({expressions}))
del _claims_evaluate
"""


def run_lesson(lesson: str, expressions: dict[str, str]) -> dict[str, dict[str, str]]:
    """Run the lesson top to bottom in a fresh kernel, then evaluate ``expressions`` in its namespace."""
    nb = nbformat.read(NOTEBOOKS / f"{lesson}.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(_EVALUATE.format(expressions=repr(expressions))))
    env = course_env()
    env.pop("NBGRADER_EXECUTION", None)
    env.pop("MLCICD_QUIZ_MODE", None)
    client = NotebookClient(
        nb, timeout=CELL_TIMEOUT, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
    )
    client.execute(env=env)
    printed = "".join(out.get("text", "") for out in nb.cells[-1].outputs if out.get("output_type") == "stream")
    return json.loads(printed)


@pytest.fixture(scope="module")
def lesson_values():
    """Look up the values of a lesson's claim expressions; each lesson runs at most once per module."""
    cache: dict[str, dict | BaseException] = {}

    def values(lesson: str) -> dict[str, dict[str, str]]:
        if lesson not in cache:
            try:
                cache[lesson] = run_lesson(lesson, claims_of(lesson))
            except Exception as error:  # every claim of a lesson that fails to run fails with the same error
                cache[lesson] = error
        result = cache[lesson]
        if isinstance(result, BaseException):
            raise result
        return result

    return values


def _claim_params() -> list:
    return [
        pytest.param(lesson, snippet, id=f"{lesson[:2]}-{' '.join(snippet.split())}")
        for lesson in LESSONS
        for snippet in claims_of(lesson)
    ]


# --- the tests --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("lesson", "snippet"), _claim_params())
def test_each_claim_is_in_the_prose_and_is_what_the_code_computes(lesson_values, lesson, snippet):
    assert any(snippet in cell for cell in markdown_cells(lesson)), (
        f"{lesson}: the claim {snippet!r} is not in any markdown cell (the prose changed: update tests/course/claims)"
    )
    result = lesson_values(lesson)[snippet]
    assert "error" not in result, f"{lesson}: the expression of {snippet!r} raised:\n{result.get('error')}"
    assert result["str"] == snippet, (
        f"{lesson}: the prose says {snippet!r}, the code computes {result['str']!r} (repr {result['repr']})"
    )


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_computed_number_in_the_prose_is_claimed(lesson):
    cells = markdown_cells(lesson)
    claimed, chosen = claims_of(lesson), not_computed_of(lesson)
    stale = [snippet for snippet in chosen if not any(snippet in cell for cell in cells)]
    assert not stale, f"{lesson}: NOT_COMPUTED snippets that are not in the prose: {stale}"
    uncovered = []
    for cell in cells:
        covers = [span for snippet in [*claimed, *chosen] for span in occurrences(cell, snippet)]
        for start, end in computed_numbers(cell):
            if not any(s <= start and end <= e for s, e in covers):
                uncovered.append(f"{cell[start:end]!r} in ...{cell[max(0, start - 40) : end + 40]!r}...")
    assert not uncovered, (
        f"{lesson}: numbers in the prose that no claim checks (add a claim, or a NOT_COMPUTED entry with the reason, "
        f"to tests/course/claims/{lesson}.py):\n" + "\n".join(uncovered)
    )


def test_every_lesson_has_a_claims_file_and_every_claims_file_a_lesson():
    files = sorted(path.stem for path in CLAIMS_DIR.glob("*.py"))
    assert files == LESSONS, f"claims files {files} do not match the lessons {LESSONS}"


def test_the_number_finder_sees_the_figures_the_course_quotes():
    text = "p = 0.031, 0.840 against 0.847, 12 of the 60, 2e-25, 40.7% of checks, `decide(0.95)`, 5 ms, day 31"
    found = [text[s:e] for s, e in computed_numbers(text)]
    assert found == ["0.031", "0.840", "0.847", "12 of the 60", "2e-25", "40.7%"]
