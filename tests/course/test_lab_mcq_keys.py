"""The answer keys of the labs' applied multiple-choice questions follow from the numbers in their prompts.

Each test recomputes a question's answer (with the source's solution functions or the lesson's formula), finds
the option that states it, and checks that it is the only such option and that it is the key in the source's
solution cell. A question whose numbers are edited without its key fails here, not in a student's grade.
"""

import ast
import re

import numpy as np
import pandas as pd

from mlcicd.grader import sample_class
from support import REPO_ROOT

OPTION = re.compile(r"^([A-D])\. (.+?)\s*$", re.MULTILINE)


def _question(lab: str, number: int) -> tuple[str, dict[str, str]]:
    """The prompt of question ``number`` and its options (letter -> text), from the source notebook."""
    for cell in sample_class.source_notebook(lab, REPO_ROOT).cells:
        if cell.cell_type == "markdown" and f"**Q{number}.**" in cell.source:
            text = cell.source.split(f"**Q{number}.**", 1)[1].split(f"**Q{number + 1}.**", 1)[0]
            options = dict(OPTION.findall(text))
            assert sorted(options) == ["A", "B", "C", "D"], f"{lab} Q{number}: expected options A-D, got {options}"
            return text, options
    raise AssertionError(f"{lab}: no markdown cell holds **Q{number}.**")


def _key(lab: str, number: int) -> str:
    answers = sample_class.solution_sources(lab, REPO_ROOT)[f"{lab.split('_')[1]}-mcq-answers"]
    match = re.search(rf'^answer_q{number} = "([A-D])"$', answers, re.MULTILINE)
    assert match, f"{lab}: the solution cell sets no answer_q{number}"
    return match.group(1)


def _solution(lab: str, grade_id: str, setup_cell: int = 2) -> dict:
    """A namespace holding the lab's setup imports and the source's solution of ``grade_id``."""
    nb = sample_class.source_notebook(lab, REPO_ROOT)
    namespace: dict = {}
    setup = "\n".join(line for line in nb.cells[setup_cell].source.splitlines() if line.startswith(("import", "from")))
    exec(setup, namespace)
    exec(sample_class.solution_sources(lab, REPO_ROOT)[grade_id], namespace)
    return namespace


def _only(options: dict[str, str], matches) -> str:
    found = [letter for letter, text in options.items() if matches(text)]
    assert len(found) == 1, f"expected exactly one matching option, got {found} of {options}"
    return found[0]


def test_lab2_q2_is_what_validate_batch_returns():
    lab = "lab2_testing"
    namespace = _solution(lab, "testing-validate-batch-solution")
    setup = sample_class.source_notebook(lab, REPO_ROOT).cells[2].source
    exec(setup, namespace)
    batch = namespace["batch"].copy()
    age = batch["age"].astype(float)
    age.iloc[[3, 8]] = np.nan
    age.iloc[10] = 17.5
    got = namespace["validate_batch"](batch.assign(age=age), namespace["SCHEMA"])
    prompt, options = _question(lab, 2)
    assert "two applicants have no age" in prompt and "17.5" in prompt
    letter = _only(options, lambda text: ast.literal_eval(text.strip("`")) == got)
    assert letter == _key(lab, 2)


def test_lab2_q3_is_what_promotion_gate_decides():
    lab = "lab2_testing"
    prompt, options = _question(lab, 3)
    rows = {
        line.split("|")[1].strip(): [float(v) for v in line.split("|")[2:-1]]
        for line in prompt.splitlines()
        if line.startswith(("| candidate", "| champion"))
    }
    keys = ["overall", "north", "south", "east", "west"]
    candidate, champion = (dict(zip(keys, rows[name], strict=True)) for name in ("candidate", "champion"))
    baseline = dict.fromkeys(keys, 0.67)
    assert "0.67 overall" in prompt
    gate = _solution(lab, "testing-promotion-gate-solution")["promotion_gate"]
    decision = gate(candidate, champion, baseline)
    worst = max(champion[s] - candidate[s] for s in keys[1:])
    assert decision is True and round(worst, 2) == 0.01
    letter = _only(options, lambda text: text.startswith("Promote:") and "at most 0.01" in text)
    assert letter == _key(lab, 3)


def test_lab3_q1_states_the_psi_of_a_unit_change():
    from mlcicd.data import make_applications
    from mlcicd.drift import psi

    reference = make_applications(1000, seed=11)["income"]
    current = make_applications(1000, seed=12)["income"] * 1000
    prompt, _options = _question("lab3_monitoring", 1)
    assert f"PSI {psi(reference, current):.1f}" in prompt
    assert f"{current.median():,.0f}" in prompt and f"{reference.median():.2f}" in prompt


def test_lab3_q2_is_the_smallest_batch_under_the_chance_psi_limit():
    # the lesson's formula for the PSI of a batch without drift: (k - 1)(1/n_ref + 1/n_cur)
    lab = "lab3_monitoring"
    prompt, options = _question(lab, 2)
    assert "10 bins" in prompt and "10,000 rows" in prompt and "at most 0.025" in prompt
    sizes = {letter: int(text.split(" rows")[0].replace(",", "")) for letter, text in options.items() if "rows" in text}
    fits = {letter: n for letter, n in sizes.items() if 9 * (1 / 10_000 + 1 / n) <= 0.025}
    letter = min(fits, key=fits.get)
    assert len(sizes) == 3 and 9 * (1 / 10_000 + 1 / fits[letter]) > 0.015, "the answer should not be far below 0.025"
    assert letter == _key(lab, 2)


def test_lab3_q3_is_the_bonferroni_verdict():
    lab = "lab3_monitoring"
    prompt, options = _question(lab, 3)
    p_values = {name: float(p) for p, name in re.findall(r"(\d\.\d+) \(`(\w+)`\)", prompt)}
    assert len(p_values) == 4 and "alpha=0.05" in prompt
    flagged = {name for name, p in p_values.items() if p <= 0.05 / len(p_values)}
    letter = _only(options, lambda text: set(re.findall(r"`(\w+)`", text)) == flagged)
    assert letter == _key(lab, 3)


def test_lab4_q2_is_the_weighted_window_of_the_table():
    lab = "lab4_deployment"
    prompt, options = _question(lab, 2)
    rows = [[float(v) for v in line.split("|")[1:-1]] for line in prompt.splitlines() if re.match(r"^\| \d", line)]
    daily = pd.DataFrame(rows, columns=["day", "n", "accuracy"]).astype({"day": int, "n": int})
    window = _solution(lab, "deployment-window-accuracy-solution")["window_accuracy"](daily, 3)
    value = float(window.iloc[-1])
    assert "threshold=0.8" in prompt and value >= 0.8, f"the window accuracy {value} should not be below 0.8"
    letter = _only(options, lambda text: text.startswith("No") and f"about {value:.2f}" in text)
    assert letter == _key(lab, 2)
    unweighted = daily["accuracy"].mean()
    assert unweighted < 0.8 and f"about {unweighted:.2f}" in options["A"], "option A is the unweighted mean"
