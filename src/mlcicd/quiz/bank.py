"""The question bank: one JSON file per topic under ``mlcicd/questions/``, loaded into frozen dataclasses.

Every item has an ``id``, a ``topic``, a ``kind`` and a ``difficulty``, a ``prompt``, a ``hint`` and a list of
common ``mistakes``. What else it carries depends on its kind:

============  ==============================================================================================
kind          fields
============  ==============================================================================================
flashcard     ``answer`` = the back of the card; difficulty beginner / intermediate / advanced (as in the recap)
mcq           ``choices`` (key, text, explanation), ``answer`` = one key, or a list of keys for multi-select
concept       ``concepts`` = exactly four key ideas, ``answer`` = a model answer; the hint is the guiding line
practice      an mcq plus ``steps`` (title, text) and a ``quick_check``: the recap's worked-practice format
============  ==============================================================================================

An mcq or practice item may carry a ``simulation``: Python code the student runs to get the number the options
ask about. ``simulation.result`` names the variable holding that number and every choice then has a ``value``;
the tests run the code and check that the right choice is the one within ``simulation.tolerance`` of it, so the
answer key cannot go stale when the simulation library changes.

Items copied from the recap (``source == "seed"``) keep its wording and answers; the others are ``"new"``.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

__all__ = [
    "TOPICS",
    "KINDS",
    "BankError",
    "Choice",
    "Step",
    "Simulation",
    "Question",
    "load_bank",
    "get_question",
    "all_questions",
    "validate_item",
]

TOPICS = (
    "versioning",
    "testing",
    "monitoring",
    "drifttests",
    "deployment",
    "rollback",
    "pipeline",
    "labels",
    "alarms",
    "canary",
    "modeltests",
    "gates",
    "skew",
)
KINDS = ("flashcard", "mcq", "concept", "practice")
FLASHCARD_LEVELS = ("beginner", "intermediate", "advanced")
QUESTION_LEVELS = ("easy", "medium", "hard")
SOURCES = ("seed", "new")
_ID_PATTERN = re.compile(r"^[a-z]+-[a-z0-9]+(-[a-z0-9]+)*$")


class BankError(ValueError):
    """A question file or item breaks the bank's schema, or a requested topic, id or filter does not exist."""


@dataclass(frozen=True)
class Choice:
    """One option of a multiple-choice question, with why it is right or wrong."""

    key: str
    text: str
    explanation: str
    value: float | None = None


@dataclass(frozen=True)
class Step:
    """One step of a worked solution."""

    title: str
    text: str


@dataclass(frozen=True)
class Simulation:
    """Code the student runs to get a number; ``result`` names the variable that holds it."""

    code: str
    result: str
    tolerance: float


@dataclass(frozen=True)
class Question:
    """One item of the bank (see the module docstring for which fields each kind uses)."""

    id: str
    topic: str
    kind: str
    difficulty: str
    prompt: str
    source: str = "new"
    choices: tuple[Choice, ...] = ()
    answer: str | tuple[str, ...] = ""
    hint: str = ""
    mistakes: tuple[str, ...] = ()
    steps: tuple[Step, ...] = ()
    quick_check: str = ""
    concepts: tuple[str, ...] = ()
    simulation: Simulation | None = None

    @property
    def multi(self) -> bool:
        """True when more than one option is right (the answer is a tuple of keys)."""
        return isinstance(self.answer, tuple)

    @property
    def answer_keys(self) -> frozenset[str]:
        """The keys of the right options (empty for flashcards and concept questions)."""
        if self.kind not in ("mcq", "practice"):
            return frozenset()
        return frozenset({self.answer}) if isinstance(self.answer, str) else frozenset(self.answer)

    @property
    def answer_text(self) -> str:
        """The answer of a flashcard or a concept question, as text (mcq and practice answers are option keys)."""
        if not isinstance(self.answer, str):
            raise TypeError(f"{self.id}: a question with several right options has keys, not an answer text")
        return self.answer

    def choice(self, key: str) -> Choice:
        """Return the option with this key, e.g. ``q.choice("C")``."""
        for option in self.choices:
            if option.key == key:
                return option
        raise BankError(f"question {self.id!r} has no option {key!r}; its options are {[c.key for c in self.choices]}")


def _as_tuple(value: Any) -> tuple:
    return tuple(value) if isinstance(value, (list, tuple)) else ()


def validate_item(item: Any, topic: str | None = None) -> list[str]:
    """Return every schema problem of one raw item (a dict from a JSON file); an empty list means it is valid."""
    if not isinstance(item, dict):
        return [f"an item must be a JSON object, got {type(item).__name__}"]
    where = f"item {item.get('id', '<no id>')!r}"
    problems: list[str] = []

    def need_text(name: str) -> None:
        if not isinstance(item.get(name), str) or not item[name].strip():
            problems.append(f"{where}: {name!r} must be a non-empty string")

    allowed = {
        "id",
        "topic",
        "kind",
        "difficulty",
        "prompt",
        "source",
        "choices",
        "answer",
        "hint",
        "mistakes",
        "steps",
        "quick_check",
        "concepts",
        "simulation",
    }
    unknown = sorted(set(item) - allowed)
    if unknown:
        problems.append(f"{where}: unknown field(s) {unknown}; allowed fields are {sorted(allowed)}")
    for name in ("id", "topic", "kind", "difficulty", "prompt"):
        need_text(name)
    if problems:
        return problems
    if not _ID_PATTERN.match(item["id"]):
        problems.append(f"{where}: id must look like 'topic-words-in-kebab-case'")
    if item["topic"] not in TOPICS:
        problems.append(f"{where}: topic {item['topic']!r} is not one of {TOPICS}")
    elif not item["id"].startswith(item["topic"] + "-"):
        problems.append(f"{where}: id must start with its topic, {item['topic']!r}-")
    if topic is not None and item["topic"] != topic:
        problems.append(f"{where}: found in the {topic!r} file but its topic is {item['topic']!r}")
    if item.get("source", "new") not in SOURCES:
        problems.append(f"{where}: source must be one of {SOURCES}")
    kind = item["kind"]
    if kind not in KINDS:
        return [*problems, f"{where}: kind {kind!r} is not one of {KINDS}"]
    levels = FLASHCARD_LEVELS if kind == "flashcard" else QUESTION_LEVELS
    if item["difficulty"] not in levels:
        problems.append(f"{where}: a {kind} has difficulty in {levels}, got {item['difficulty']!r}")

    mistakes = item.get("mistakes", [])
    if not isinstance(mistakes, list) or not all(isinstance(m, str) and m.strip() for m in mistakes):
        problems.append(f"{where}: 'mistakes' must be a list of non-empty strings")
        mistakes = []

    if kind == "flashcard":
        need_text("answer")
        for name in ("choices", "steps", "concepts", "simulation", "quick_check"):
            if name in item:
                problems.append(f"{where}: a flashcard has no {name!r}")
        return problems

    need_text("hint")
    if kind == "concept":
        need_text("answer")
        concepts = item.get("concepts")
        if not (
            isinstance(concepts, list)
            and len(concepts) == 4
            and all(isinstance(c, str) and c.strip() for c in concepts)
        ):
            problems.append(f"{where}: a concept question needs exactly 4 non-empty 'concepts'")
        for name in ("choices", "steps", "simulation", "quick_check"):
            if name in item:
                problems.append(f"{where}: a concept question has no {name!r}")
        return problems

    # mcq and practice
    if not mistakes:
        problems.append(f"{where}: list at least one common mistake")
    choices = item.get("choices")
    if not isinstance(choices, list) or len(choices) < 2:
        return [*problems, f"{where}: 'choices' must be a list of at least 2 options"]
    keys = []
    for index, choice in enumerate(choices):
        if not isinstance(choice, dict):
            problems.append(f"{where}: choice {index} must be an object with key, text and explanation")
            continue
        extra = sorted(set(choice) - {"key", "text", "explanation", "value"})
        if extra:
            problems.append(f"{where}: choice {index} has unknown field(s) {extra}")
        for name in ("key", "text", "explanation"):
            if not isinstance(choice.get(name), str) or not choice[name].strip():
                problems.append(f"{where}: choice {index} needs a non-empty {name!r}")
        keys.append(choice.get("key"))
    expected_keys = [chr(ord("A") + i) for i in range(len(choices))]
    if keys != expected_keys:
        problems.append(f"{where}: choice keys must be {expected_keys} in order, got {keys}")
    answer = item.get("answer")
    if isinstance(answer, list):
        if len(answer) < 2 or len(set(answer)) != len(answer):
            problems.append(f"{where}: a multi-select answer lists at least two distinct keys")
        missing = [a for a in answer if a not in keys]
    else:
        missing = [answer] if answer not in keys else []
    if missing:
        problems.append(f"{where}: answer {answer!r} is not one of the choices {keys}")

    simulation = item.get("simulation")
    if simulation is not None:
        if not isinstance(simulation, dict) or set(simulation) != {"code", "result", "tolerance"}:
            problems.append(f"{where}: 'simulation' needs exactly code, result and tolerance")
        else:
            if not isinstance(simulation["code"], str) or f"{simulation['result']} =" not in simulation["code"]:
                problems.append(f"{where}: the simulation code must assign {simulation['result']!r}")
            if not isinstance(simulation["tolerance"], (int, float)) or simulation["tolerance"] <= 0:
                problems.append(f"{where}: simulation tolerance must be a positive number")
            if not all(isinstance(c, dict) and isinstance(c.get("value"), (int, float)) for c in choices):
                problems.append(f"{where}: with a simulation every choice needs a numeric 'value'")

    if kind == "practice":
        need_text("quick_check")
        steps = item.get("steps")
        if not isinstance(steps, list) or not steps:
            problems.append(f"{where}: a practice problem needs at least one step")
        else:
            for index, step in enumerate(steps):
                if not (
                    isinstance(step, dict)
                    and set(step) == {"title", "text"}
                    and all(isinstance(v, str) and v.strip() for v in step.values())
                ):
                    problems.append(f"{where}: step {index} must have a non-empty title and text only")
    else:
        for name in ("steps", "quick_check", "concepts"):
            if name in item:
                problems.append(f"{where}: an mcq has no {name!r} (use kind 'practice' for worked steps)")
    if "concepts" in item and kind == "practice":
        problems.append(f"{where}: a practice problem has no 'concepts'")
    return problems


def _build(item: dict) -> Question:
    answer = item.get("answer", "")
    simulation = item.get("simulation")
    return Question(
        id=item["id"],
        topic=item["topic"],
        kind=item["kind"],
        difficulty=item["difficulty"],
        prompt=item["prompt"],
        source=item.get("source", "new"),
        choices=tuple(Choice(**c) for c in item.get("choices", ())),
        answer=tuple(answer) if isinstance(answer, list) else answer,
        hint=item.get("hint", ""),
        mistakes=_as_tuple(item.get("mistakes")),
        steps=tuple(Step(**s) for s in item.get("steps", ())),
        quick_check=item.get("quick_check", ""),
        concepts=_as_tuple(item.get("concepts")),
        simulation=Simulation(**simulation) if simulation else None,
    )


def _read_raw(topic: str) -> list[dict]:
    path = resources.files("mlcicd").joinpath("questions", f"{topic}.json")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BankError(f"no question file for topic {topic!r} (expected mlcicd/questions/{topic}.json)") from None
    except json.JSONDecodeError as error:
        raise BankError(f"mlcicd/questions/{topic}.json is not valid JSON: {error}") from None
    if not isinstance(data, list):
        raise BankError(f"mlcicd/questions/{topic}.json must hold a JSON list of items")
    return data


@cache
def _topic_items(topic: str) -> tuple[Question, ...]:
    raw = _read_raw(topic)
    problems = [p for item in raw for p in validate_item(item, topic)]
    if problems:
        raise BankError(f"mlcicd/questions/{topic}.json is invalid:\n  " + "\n  ".join(problems))
    return tuple(_build(item) for item in raw)


def _check_topic(topic: str) -> None:
    if topic not in TOPICS:
        raise BankError(f"unknown topic {topic!r}; choose one of {TOPICS} (or 'all')")


def all_questions() -> tuple[Question, ...]:
    """Every item of every topic, in topic order; raises BankError if ids are not unique across files."""
    items = tuple(q for topic in TOPICS for q in _topic_items(topic))
    counts = Counter(q.id for q in items)
    duplicates = sorted(i for i, n in counts.items() if n > 1)
    if duplicates:
        raise BankError(f"question ids must be unique across the bank; duplicated: {duplicates}")
    return items


def _one_of(name: str, value: str | Iterable[str] | None, allowed: tuple[str, ...]) -> set[str] | None:
    if value is None:
        return None
    values = {value} if isinstance(value, str) else set(value)
    bad = sorted(values - set(allowed))
    if bad:
        raise BankError(f"unknown {name} {bad}; choose from {allowed}")
    return values


def load_bank(
    topic: str = "all",
    kind: str | Iterable[str] | None = None,
    difficulty: str | Iterable[str] | None = None,
    source: str | None = None,
) -> list[Question]:
    """Return the items of a topic (or of every topic with ``"all"``), optionally filtered.

    ``load_bank("testing", kind="mcq")``, ``load_bank("all", source="seed", kind="flashcard")``.
    """
    if topic == "all":
        items = all_questions()
    else:
        _check_topic(topic)
        items = _topic_items(topic)
    kinds = _one_of("kind", kind, KINDS)
    levels = _one_of("difficulty", difficulty, FLASHCARD_LEVELS + QUESTION_LEVELS)
    sources = _one_of("source", source, SOURCES)
    return [
        q
        for q in items
        if (kinds is None or q.kind in kinds)
        and (levels is None or q.difficulty in levels)
        and (sources is None or q.source in sources)
    ]


def get_question(question_id: str) -> Question:
    """Return the item with this id, e.g. ``get_question("testing-seed-quiz-complex")``."""
    for question in all_questions():
        if question.id == question_id:
            return question
    topic = question_id.split("-", 1)[0] if isinstance(question_id, str) else None
    near = [q.id for q in all_questions() if q.topic == topic][:8]
    raise BankError(f"no question with id {question_id!r}" + (f"; ids in {topic!r} include {near}" if near else ""))
