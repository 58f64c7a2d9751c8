"""The question bank: every file follows the schema, every recap item is present with the recap's answers, every
topic has enough new questions, and the numbers of simulation questions match what the library computes today."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import pytest

from mlcicd.quiz import TOPICS, BankError, all_questions, get_question, load_bank, validate_item
from support import REPO_ROOT

SEED_FILE = REPO_ROOT / "tests" / "data" / "seed_recap.txt"
LEVELS = ("beginner", "intermediate", "advanced", "easy", "medium", "hard")


def norm(text: str) -> str:
    """Compare texts without fences, [OK] marks, ✓ marks, trailing full stops and whitespace differences."""
    text = re.sub(r"```[a-z]*", " ", text).replace("[OK]", " ").replace("✓", " ")
    return " ".join(text.split()).rstrip(". ")


# -------------------------------------------------------------------------------------------------------------
# schema


def raw_items(topic: str) -> list:
    return json.loads(resources.files("mlcicd").joinpath("questions", f"{topic}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("topic", TOPICS)
def test_every_item_of_each_topic_file_follows_the_schema(topic):
    items = raw_items(topic)
    assert isinstance(items, list) and items, f"{topic}.json must be a non-empty JSON list"
    problems = [p for item in items for p in validate_item(item, topic)]
    assert not problems, "\n".join(problems)


def test_ids_are_unique_across_the_whole_bank():
    ids = [item["id"] for topic in TOPICS for item in raw_items(topic)]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert not duplicates, f"duplicate ids: {duplicates}"
    assert len(all_questions()) == len(ids)


def test_every_answer_is_one_of_the_choices_and_every_choice_is_explained():
    for q in all_questions():
        if q.kind in ("mcq", "practice"):
            keys = {c.key for c in q.choices}
            assert q.answer_keys and q.answer_keys <= keys, f"{q.id}: answer {q.answer} not among {sorted(keys)}"
            for c in q.choices:
                assert len(c.explanation) > 15, f"{q.id} option {c.key}: explanation too short to teach anything"


@pytest.mark.parametrize(
    "broken, message",
    [
        ({"answer": "E"}, "is not one of the choices"),
        ({"answer": ["A"]}, "at least two distinct keys"),
        ({"difficulty": "beginner"}, "difficulty"),
        ({"topic": "testing"}, "found in the 'versioning' file"),
        ({"mistakes": []}, "common mistake"),
        ({"surprise": 1}, "unknown field"),
    ],
)
def test_the_schema_check_rejects_broken_items(broken, message):
    item = dict(raw_items("versioning")[[i["kind"] for i in raw_items("versioning")].index("mcq")])
    item.update(broken)
    problems = validate_item(item, "versioning")
    assert any(message in p for p in problems), problems


def test_a_choice_without_explanation_is_rejected():
    item = json.loads(json.dumps(next(i for i in raw_items("testing") if i["kind"] == "mcq")))
    item["choices"][1]["explanation"] = ""
    assert any("explanation" in p for p in validate_item(item, "testing"))


def test_a_concept_question_needs_exactly_four_concepts():
    item = json.loads(json.dumps(next(i for i in raw_items("monitoring") if i["kind"] == "concept")))
    item["concepts"] = item["concepts"][:3]
    assert any("exactly 4" in p for p in validate_item(item, "monitoring"))


# -------------------------------------------------------------------------------------------------------------
# content requirements


@pytest.mark.parametrize("topic", TOPICS)
def test_each_topic_has_five_new_questions_over_easy_medium_and_hard(topic):
    new = load_bank(topic, kind=("mcq", "practice"), source="new")
    assert len(new) >= 5, f"{topic}: only {len(new)} new questions"
    assert {q.difficulty for q in new} == {"easy", "medium", "hard"}, f"{topic}: {sorted(q.difficulty for q in new)}"


@pytest.mark.parametrize("topic", TOPICS)
def test_each_topic_has_every_kind_so_lessons_can_show_each_component(topic):
    kinds = {q.kind for q in load_bank(topic)}
    assert kinds == {"flashcard", "mcq", "concept", "practice"}, f"{topic} has only {sorted(kinds)}"


def test_flashcards_use_the_recap_levels_and_questions_use_easy_medium_hard():
    for q in all_questions():
        expected = ("beginner", "intermediate", "advanced") if q.kind == "flashcard" else ("easy", "medium", "hard")
        assert q.difficulty in expected, f"{q.id}: {q.difficulty}"


def test_the_bank_states_the_design_facts_precisely():
    """Spot checks of CONTRIBUTING.md's content facts in the explanations: a careless edit cannot make them wrong."""
    text = " ".join(json.dumps(raw_items(t), ensure_ascii=False) for t in TOPICS)
    assert "P(y | X)" in text and "P(X | y)" in text
    assert "minimum" in get_question("testing-ml-test-score-minimum").choice("B").explanation
    assert "0.5" in get_question("testing-flashcard-ml-test-score").answer
    assert "models:/NAME@champion" in get_question("rollback-flashcard-alias-rollback").answer
    assert "1000" in get_question("drifttests-evidently-large-reference").choice("B").explanation
    level = get_question("pipeline-mlops-level")
    assert level.answer == "B" and level.choice("B").text == "Level 1"


def strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)


def test_bank_text_is_plain_text_because_widgets_show_it_literally():
    """Markdown marks (*emphasis*, `code`) would appear as literal characters; only ``` fences are rendered."""
    for topic in TOPICS:
        for item in raw_items(topic):
            item = {k: v for k, v in item.items() if k != "simulation"}  # code is shown as code
            for text in strings(item):
                text = re.sub(r"```[a-z]*\n.*?```", "", text, flags=re.S)
                assert not re.search(r"\*\w[^*]*\w\*|`", text), f"{item['id']}: markdown mark in {text[:60]!r}"


def test_load_bank_filters_and_rejects_unknown_names():
    assert all(q.kind == "flashcard" for q in load_bank("testing", kind="flashcard"))
    assert len(load_bank("all", source="seed", kind="mcq")) == 5
    with pytest.raises(BankError, match="unknown topic 'drifting'"):
        load_bank("drifting")
    with pytest.raises(BankError, match="unknown kind"):
        load_bank("testing", kind="essay")
    with pytest.raises(BankError, match="no question with id"):
        get_question("testing-does-not-exist")


# -------------------------------------------------------------------------------------------------------------
# seed coverage: the recap (copied to tests/data/seed_recap.txt) is parsed, not retyped


@dataclass
class SeedItem:
    kind: str
    prompt: str
    answer: str = ""
    level: str = ""
    choices: list[str] = field(default_factory=list)
    hint: str = ""
    steps: list[tuple[str, str]] = field(default_factory=list)
    quick_check: str = ""
    mistakes: list[str] = field(default_factory=list)


# The recap page prints no answer key for its five quiz questions; these follow from its flashcards.
SEED_QUIZ_ANSWERS = ("C", "A", "B", "D", "A")


def parse_seed(text: str) -> list[SeedItem]:
    lines = text.splitlines()
    stripped = [line.strip() for line in lines]
    items: list[SeedItem] = []
    i = stripped.index("Recall & Review") + 1
    while stripped[i] in ("beginner", "intermediate", "advanced"):  # flashcards: level, front, back, marker
        assert stripped[i + 3] == "Click to reveal answer"
        items.append(SeedItem("flashcard", stripped[i + 1], answer=stripped[i + 2], level=stripped[i]))
        i += 4
    quiz = 0
    while not stripped[i].startswith("Explain"):  # quiz: stem, then options A-D glued to their letter
        options = [stripped[i + k][1:] for k in range(1, 5)]
        assert [stripped[i + k][0] for k in range(1, 5)] == list("ABCD")
        items.append(SeedItem("mcq", stripped[i], answer=SEED_QUIZ_ANSWERS[quiz], choices=options))
        quiz += 1
        i += 5
    while stripped[i] != "Practice":  # explain questions: prompt, guiding line, "You got /4 concepts."
        if stripped[i]:
            assert stripped[i + 2] == "You got /4 concepts."
            items.append(SeedItem("concept", stripped[i], hint=stripped[i + 1]))
            i += 3
        else:
            i += 1
    numbered = re.compile(r"^(\d)\. (.*)$")
    while i < len(lines):
        match = numbered.match(stripped[i])
        if not match or stripped[i].startswith(("1. Step", "2. Step")):
            i += 1
            continue
        prompt = [match.group(2)]
        i += 1
        while stripped[i] not in ("easy", "medium", "hard"):
            prompt.append(lines[i])
            i += 1
        item = SeedItem("practice", "\n".join(prompt), level=stripped[i])
        item.choices = [stripped[i + k][3:] for k in range(1, 5)]
        i += 5
        while not stripped[i].startswith("Common Mistakes"):
            step = re.match(r"^\d\. Step \d: (.*)$", stripped[i])
            if step:
                j = i + 1
                while not stripped[j]:
                    j += 1
                item.steps.append((step.group(1), stripped[j]))
                i = j
            elif stripped[i] == "3. Final Answer:":
                j = i + 1
                while not stripped[j]:
                    j += 1
                item.answer = stripped[j].rsplit("-> Option ", 1)[1]
                i = j
            elif stripped[i] == "4. Quick Check:":
                j = i + 1
                while not stripped[j]:
                    j += 1
                item.quick_check = stripped[j]
                i = j
            elif stripped[i].startswith("Hint:"):
                item.hint = stripped[i][len("Hint:") :].strip()
            i += 1
        i += 1
        while i < len(lines) and stripped[i].startswith("•"):
            item.mistakes.append(stripped[i][1:].strip())
            i += 1
        items.append(item)
    return items


SEED_ITEMS = parse_seed(SEED_FILE.read_text(encoding="utf-8"))


def test_the_recap_parses_into_its_seventeen_items():
    kinds = [s.kind for s in SEED_ITEMS]
    assert (kinds.count("flashcard"), kinds.count("mcq"), kinds.count("concept"), kinds.count("practice")) == (
        5,
        5,
        2,
        5,
    )


# sha256 of the recap as the course received it (seed 000_03587b35782f2157.txt), checked byte for byte when it
# was vendored: the bank is tested against this copy, so an edit to it would silently weaken those tests.
SEED_SHA256 = "8a5580e82fb1b8ee1689db5c52f98f416af4e3e66be0ae34cf923932e18b0991"


def test_the_vendored_recap_is_the_unedited_seed():
    assert hashlib.sha256(SEED_FILE.read_bytes()).hexdigest() == SEED_SHA256, (
        f"{SEED_FILE.relative_to(REPO_ROOT)} differs from the recap the course is built from; restore it from git"
    )


def bank_item_for(seed: SeedItem):
    matches = [q for q in load_bank("all", kind=seed.kind) if norm(q.prompt) == norm(seed.prompt)]
    assert len(matches) == 1, f"recap {seed.kind} not found exactly once in the bank: {seed.prompt[:70]!r}"
    return matches[0]


@pytest.mark.parametrize("seed", SEED_ITEMS, ids=lambda s: f"{s.kind}:{s.prompt[:40]}")
def test_every_recap_item_is_in_the_bank_with_the_recaps_answer(seed):
    q = bank_item_for(seed)
    assert q.source == "seed", f"{q.id} copies the recap; mark it source 'seed'"
    if seed.kind == "flashcard":
        assert q.answer == seed.answer and q.difficulty == seed.level
    elif seed.kind == "concept":
        assert norm(q.hint) == norm(seed.hint) and len(q.concepts) == 4
    else:
        assert [c.text for c in q.choices] == seed.choices
        assert q.answer == seed.answer
    if seed.kind == "practice":
        assert q.difficulty == seed.level
        assert [(s.title, s.text) for s in q.steps] == seed.steps
        assert norm(q.quick_check) == norm(seed.quick_check)
        assert norm(q.hint) == norm(seed.hint)
        assert list(q.mistakes) == seed.mistakes
        assert norm(seed.prompt) == norm(q.prompt)


# -------------------------------------------------------------------------------------------------------------
# simulation questions: run the code the student runs, check the key


SIMULATIONS = [q for q in all_questions() if q.simulation is not None]


def test_every_topic_has_a_simulation_question():
    assert {q.topic for q in SIMULATIONS} == set(TOPICS)


@pytest.mark.parametrize("question", SIMULATIONS, ids=lambda q: q.id)
def test_the_right_option_of_a_simulation_question_matches_what_the_code_computes(question):
    namespace: dict = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(question.simulation.code, question.id, "exec"), namespace)  # the code the student runs
    result = float(namespace[question.simulation.result])
    tolerance = question.simulation.tolerance
    for choice in question.choices:
        close = abs(choice.value - result) <= tolerance
        if choice.key in question.answer_keys:
            assert close, (
                f"{question.id}: the code gives {result:.4g}, but the right option {choice.key} says {choice.value}"
            )
        else:
            assert not close, (
                f"{question.id}: the code gives {result:.4g}, which wrong option {choice.key} ({choice.value}) also matches"
            )


def notebooks_to_scan() -> list[Path]:
    return [
        p
        for folder in ("notebooks", "source")
        for p in sorted((REPO_ROOT / folder).rglob("*.ipynb"))
        if ".ipynb_checkpoints" not in p.parts
    ] + [REPO_ROOT / "tests" / "notebooks" / "widget_gallery.ipynb"]


def test_notebooks_run_the_simulation_code_before_showing_its_question():
    """A notebook that shows a simulation question must carry the bank's code verbatim in an earlier cell."""
    by_id = {q.id: q for q in SIMULATIONS}
    checked = 0
    for path in notebooks_to_scan():
        if not path.exists():
            continue
        cells = [c for c in json.loads(path.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
        for index, cell in enumerate(cells):
            source = "".join(cell["source"])
            for qid in re.findall(r"show_question\(\s*[\"']([a-z0-9-]+)[\"']", source):
                if qid in by_id:
                    earlier = "\n".join("".join(c["source"]) for c in cells[:index])
                    assert by_id[qid].simulation.code.strip() in earlier, (
                        f"{path.relative_to(REPO_ROOT)}: show_question({qid!r}) needs the bank's simulation code "
                        'verbatim in an earlier code cell (see CONTRIBUTING.md, "Questions")'
                    )
                    checked += 1
    assert checked >= 1, "the widget gallery shows at least one simulation question"
