"""Quizzes for the lessons: flashcards, multiple choice, concept checklists, worked practice and whole quizzes.

One line in a lesson shows a component built from the question bank (``mlcicd/questions/<topic>.json``)::

    from mlcicd.quiz import show_flashcards, show_quiz, show_practice, show_concepts, show_question

    show_flashcards("testing")            # the topic's flashcard deck
    show_quiz("testing")                  # the topic's multiple-choice questions, with a running score
    show_quiz("all", source="seed")       # the recap's five quiz questions
    show_self_test()                      # the recap's ten questions (quiz and practice), easy to hard, scored
    show_practice("pipeline")             # the topic's worked practice problems, one after another
    show_concepts("monitoring")           # the topic's open questions with the four-concept checklist
    show_question("drifttests-sim-psi-small-sample")   # one item of any kind, by id

Every ``show_*`` returns None (so nothing is displayed twice). In JupyterLab, Notebook 7 or VS Code the
components are ipywidgets; under ``nbgrader`` (``NBGRADER_EXECUTION`` set), in plain Python or in terminal
IPython they print a plain-text version (prompt and options, never the answer) and never wait for input.
Set ``MLCICD_QUIZ_MODE=text`` or ``=widgets`` to force one or the other.

The classes (:class:`MultipleChoice`, :class:`Flashcards`, :class:`ConceptChecklist`, :class:`Practice`,
:class:`Quiz`) are public for tests and custom layouts; ``load_bank`` and ``get_question`` read the bank.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from mlcicd.quiz import bank, components
from mlcicd.quiz.bank import (
    KINDS,
    TOPICS,
    BankError,
    Choice,
    Question,
    Simulation,
    Step,
    all_questions,
    get_question,
    load_bank,
    validate_item,
)
from mlcicd.quiz.components import (
    Component,
    ConceptChecklist,
    Flashcards,
    MultipleChoice,
    Practice,
    Quiz,
    frontend_available,
)

__all__ = [
    *bank.__all__,
    *components.__all__,
    "component_for",
    "make_flashcards",
    "make_quiz",
    "make_practice",
    "make_concepts",
    "make_self_test",
    "show_flashcards",
    "show_quiz",
    "show_practice",
    "show_concepts",
    "show_question",
    "show_self_test",
]


def _select(topic: str, kind, ids: Iterable[str] | None, difficulty, source) -> list[Question]:
    if ids is not None:
        questions = [get_question(i) for i in ids]
        wrong = [q.id for q in questions if q.kind not in ((kind,) if isinstance(kind, str) else kind)]
        if wrong:
            raise BankError(f"these ids are not of kind {kind}: {wrong}")
        return questions
    questions = load_bank(topic, kind=kind, difficulty=difficulty, source=source)
    if not questions:
        raise BankError(
            f"no {kind} items for topic={topic!r}, difficulty={difficulty!r}, source={source!r}; "
            "loosen the filters or pick another topic"
        )
    return questions


def component_for(question: Question | str) -> Component:
    """The component that shows one item: Flashcards, MultipleChoice, ConceptChecklist or Practice."""
    if isinstance(question, str):
        question = get_question(question)
    builders: dict[str, Callable[[Question], Component]] = {
        "flashcard": lambda q: Flashcards([q]),
        "mcq": MultipleChoice,
        "concept": ConceptChecklist,
        "practice": Practice,
    }
    return builders[question.kind](question)


def make_flashcards(topic: str = "all", *, ids=None, difficulty=None, source=None) -> Flashcards:
    """A flashcard deck for a topic (``"all"`` for every topic), or for the given ids."""
    return Flashcards(_select(topic, "flashcard", ids, difficulty, source))


def make_quiz(
    topic: str = "all",
    *,
    ids=None,
    difficulty=None,
    source=None,
    include_practice: bool = False,
    include_simulations: bool = False,
    n: int | None = None,
    shuffle: bool = False,
    seed=None,
    title: str | None = None,
) -> Quiz:
    """A quiz over the topic's mcq items (and practice problems with ``include_practice=True``).

    Questions whose numbers come from running a simulation cell are left out unless ``include_simulations=True``
    (or listed in ``ids``): show those with :func:`show_question` below the cell that runs their code.

    ``n`` keeps n questions: the first n, or n drawn at random with ``shuffle=True``. ``seed`` makes the
    shuffle reproducible (numpy.random.default_rng(seed); no global seeding).
    """
    kinds = ("mcq", "practice") if include_practice else ("mcq",)
    questions = _select(topic, kinds, ids, difficulty, source)
    if ids is None and not include_simulations:
        questions = [q for q in questions if q.simulation is None]
    rng = np.random.default_rng(seed)
    if n is not None:
        if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= len(questions):
            raise ValueError(f"n must be an integer from 1 to {len(questions)} (the questions available), got {n!r}")
        picked = rng.permutation(len(questions))[:n] if shuffle else range(n)
        questions = [questions[i] for i in picked]
    return Quiz(questions, shuffle=shuffle, seed=rng, title=title or _title(topic, "quiz"))


def make_self_test() -> Quiz:
    """The recap's self-test as one scored quiz: its five quiz questions and five practice problems, easy to hard.

    Questions of equal difficulty keep the order of the course (versioning, testing, monitoring, deployment,
    rollback, pipeline).
    """
    questions = _select("all", ("mcq", "practice"), None, None, "seed")
    # sort() is stable, so questions of one level keep the course order
    questions.sort(key=lambda q: bank.QUESTION_LEVELS.index(q.difficulty))
    return Quiz(questions, title=f"Recap self-test: {len(questions)} questions, easy to hard")


def make_practice(topic: str = "all", *, ids=None, difficulty=None, source=None) -> list[Practice]:
    """The topic's worked practice problems, one Practice component each."""
    return [Practice(q) for q in _select(topic, "practice", ids, difficulty, source)]


def make_concepts(topic: str = "all", *, ids=None, difficulty=None, source=None) -> list[ConceptChecklist]:
    """The topic's open questions, one ConceptChecklist each."""
    return [ConceptChecklist(q) for q in _select(topic, "concept", ids, difficulty, source)]


def _title(topic: str, what: str) -> str:
    return f"Quick {what}: {'all topics' if topic == 'all' else topic}"


def show_flashcards(topic: str = "all", **filters) -> None:
    """Show the topic's flashcard deck: ``show_flashcards("testing")``."""
    make_flashcards(topic, **filters).show()


def show_quiz(topic: str = "all", **options) -> None:
    """Show a quiz with a running score: ``show_quiz("testing")``, ``show_quiz("all", source="seed")``."""
    make_quiz(topic, **options).show()


def show_practice(topic: str = "all", **filters) -> None:
    """Show the topic's worked practice problems: ``show_practice("pipeline")``."""
    for component in make_practice(topic, **filters):
        component.show()


def show_concepts(topic: str = "all", **filters) -> None:
    """Show the topic's open questions with the four-concept checklist: ``show_concepts("monitoring")``."""
    for component in make_concepts(topic, **filters):
        component.show()


def show_self_test() -> None:
    """Show the recap's ten-question self-test (see :func:`make_self_test`)."""
    make_self_test().show()


def show_question(question_id: str) -> None:
    """Show one item of any kind by id: ``show_question("testing-seed-quiz-complex")``."""
    component_for(question_id).show()
