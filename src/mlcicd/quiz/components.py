"""Quiz components on plain ipywidgets 8, each with a plain-text fallback.

Each component is a small class holding its widgets (``.widget`` is the box to display) and its state
(``.correct``, ``.score`` ...), so tests can drive it without a browser by setting widget values and calling
``.click()`` on its buttons. Feedback is written in words with ✓ / ✗ symbols, never shown by colour alone; the
keyboard, screen-reader and layout support is in :mod:`mlcicd.quiz.a11y`.

``show()`` displays two outputs: the live widget, and a static HTML copy (``static_html()``: each question, its
options and, folded in ``<details>``, its answer and explanations) that the widget's stylesheet hides while the
widget is on screen. A static rendering of an executed notebook (``nbconvert --to html``, GitHub) needs no
script to show the static copy, with or without stored widget state.

Where no widget front end exists (nbgrader sets ``NBGRADER_EXECUTION`` while it validates or autogrades, plain
Python, IPython in a terminal) a component prints a readable text version instead: the prompt and the options,
never the answer, and it never waits for input.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Callable, Iterable, Sequence

import ipywidgets as widgets
import numpy as np

from mlcicd.quiz.a11y import A11y
from mlcicd.quiz.bank import BankError, Question

__all__ = [
    "Component",
    "ConceptChecklist",
    "Flashcards",
    "MultipleChoice",
    "Practice",
    "Quiz",
    "frontend_available",
]

MODE_VARIABLE = "MLCICD_QUIZ_MODE"
_OPEN_IN_LAB = "(Open this notebook in JupyterLab to answer and get feedback.)"


def frontend_available() -> bool:
    """True when widgets can be shown and clicked: an IPython kernel that is not being graded by nbgrader.

    ``MLCICD_QUIZ_MODE=text`` or ``=widgets`` overrides the detection.
    """
    override = os.environ.get(MODE_VARIABLE, "").strip().lower()
    if override:
        if override not in ("text", "widgets"):
            raise ValueError(f"{MODE_VARIABLE} must be 'text' or 'widgets', got {override!r}; unset it to auto-detect")
        return override == "widgets"
    if os.environ.get("NBGRADER_EXECUTION"):
        return False
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with ipywidgets
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


# ---------------------------------------------------------------------------------------------------------------
# small rendering helpers

_RIGHT_PREFIX = re.compile(r"^Right[:,]\s*")
_FENCE = re.compile(r"```[a-z]*\n(.*?)```", re.DOTALL)


def _html_text(text: str, bold: bool = False) -> str:
    """Escape text into HTML blocks: each fenced ``` block becomes <pre>, the text between becomes paragraphs."""
    blocks, last = [], 0
    for match in [*_FENCE.finditer(text), None]:
        end = match.start() if match else len(text)
        for paragraph in text[last:end].strip().split("\n"):
            if paragraph.strip():
                body = html.escape(paragraph.strip(), quote=False)
                blocks.append(f"<p><b>{body}</b></p>" if bold else f"<p>{body}</p>")
        if match:
            blocks.append(f"<pre>{html.escape(match.group(1).rstrip(), quote=False)}</pre>")
            last = match.end()
    return "".join(blocks)


def _component_box(children: list) -> tuple[widgets.VBox, A11y]:
    """The outer box of a component (class ``mlcicd-quiz``) and its invisible keyboard/screen-reader helper."""
    helper = A11y()
    box = widgets.VBox([helper, *children], layout=widgets.Layout(max_width="100%"))
    box.add_class("mlcicd-quiz")
    return box, helper


def _classed(widget: widgets.DOMWidget, *names: str) -> widgets.DOMWidget:
    for name in names:
        widget.add_class(name)
    return widget


def _plain(text: str) -> str:
    """Text for the terminal: fences removed, code indented by four spaces."""
    return _FENCE.sub(
        lambda m: "\n" + "\n".join("    " + line for line in m.group(1).rstrip().splitlines()) + "\n", text
    ).strip()


def _prompt_html(question: Question) -> str:
    body = _html_text(question.prompt, bold=True)
    if question.simulation is not None:
        code = html.escape(question.simulation.code, quote=False)
        body += f"<p>The number comes from this code (run it in a code cell first):</p><pre>{code}</pre>"
    return body


def _prompt_text(question: Question) -> str:
    text = _plain(question.prompt)
    if question.simulation is not None:
        code = "\n".join("    " + line for line in question.simulation.code.splitlines())
        text += f"\n\nThe number comes from this code (run it in a code cell first):\n{code}"
    return text


def _list_html(title: str, items: Iterable[str]) -> str:
    items = list(items)
    if not items:
        return ""
    return f"<p><b>{title}</b></p><ul>" + "".join(f"<li>{html.escape(i, quote=False)}</li>" for i in items) + "</ul>"


def _strip_tags(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def _mcq_text(q: Question, numbered: str = "") -> str:
    """The text fallback of a multiple-choice question: prompt and options, never the answer."""
    lines = [f"{numbered}[{_label(q)}]", _prompt_text(q), ""]
    if q.multi:
        lines.append("(Select every option that applies.)")
    lines += [f"  {c.key}. {c.text}" for c in q.choices]
    return "\n".join(lines)


def _label(question: Question) -> str:
    return f"{question.topic} · {question.difficulty}"


# ---------------------------------------------------------------------------------------------------------------
# static HTML (what an export shows; see the module docstring)


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def _options_html(q: Question) -> str:
    note = "<p><i>Select every option that applies.</i></p>" if q.multi else ""
    items = "".join(f"<li><b>{c.key}.</b> {_esc(c.text)}</li>" for c in q.choices)
    return f"{note}<ul style='list-style:none;padding-left:0'>{items}</ul>"


def _details(summary: str, body: str) -> str:
    return f"<details><summary>{_esc(summary)}</summary>{body}</details>"


def _why_html(q: Question) -> str:
    """Why each option is right or wrong, one paragraph per option."""
    return "".join(
        f"<p><b>{c.key}.</b> ({'right' if c.key in q.answer_keys else 'wrong'}) {_esc(c.explanation)}</p>"
        for c in q.choices
    )


def _mcq_static(q: Question, heading: str = "") -> str:
    right = ", ".join(sorted(q.answer_keys))
    body = f"<p><b>Right answer:</b> {right}.</p>{_why_html(q)}<p><b>Hint:</b> {_esc(q.hint)}</p>" + _list_html(
        "Common mistakes:", q.mistakes
    )
    return f"{heading}{_prompt_html(q)}{_options_html(q)}{_details('Answer and explanations', body)}"


def _static_block(inner: str) -> str:
    return f"<div class='mlcicd-static'>{inner}</div>"


class Component:
    """Base class: ``.widget`` is the ipywidgets box, ``to_text()`` the plain-text fallback.

    Displaying a component (``display(c)`` or leaving it as a cell's last expression) shows the widget when a
    front end exists and the text otherwise; the widget's display data also carries the text, so a static
    rendering of a saved notebook (nbconvert, GitHub) shows something readable.
    """

    widget: widgets.Widget

    def to_text(self) -> str:  # pragma: no cover - every subclass overrides it
        raise NotImplementedError

    a11y: A11y

    def static_html(self) -> str:  # pragma: no cover - every subclass overrides it
        """The component as plain HTML with its answers folded in <details> (see the module docstring)."""
        raise NotImplementedError

    def _repr_mimebundle_(self, include=None, exclude=None):
        if not frontend_available():
            return {"text/plain": self.to_text()}
        bundle = self.widget._repr_mimebundle_()
        bundle["text/plain"] = self.to_text()
        return bundle

    def show(self) -> None:
        """Display the component: the widget and its static copy, or the text version without a front end."""
        if frontend_available():
            from IPython.display import display

            # text/plain stays empty: an export without widget state shows the static copy below instead.
            display({**self.widget._repr_mimebundle_(), "text/plain": ""}, raw=True)
            display({"text/html": _static_block(self.static_html()), "text/plain": self.to_text()}, raw=True)
        else:
            print(self.to_text())
            print()


def _button(description: str, tooltip: str = "", *, hidden: bool = False) -> widgets.Button:
    button = widgets.Button(description=description, tooltip=tooltip or description, layout=_auto_width())
    if hidden:
        button.layout.display = "none"
    return button


def _auto_width() -> widgets.Layout:
    return widgets.Layout(width="auto")


def _checkbox(label: str) -> widgets.Checkbox:
    """A checkbox whose (long) label is its accessible name; _STYLE makes the label wrap."""
    return widgets.Checkbox(value=False, description=label, indent=False, layout=_auto_width())


def _set_visible(widget: widgets.Widget, visible: bool) -> None:
    widget.layout.display = None if visible else "none"


# What the helper focuses: the first option of a question.
_FIRST_OPTION = ".mlcicd-choices input"


# ---------------------------------------------------------------------------------------------------------------
# multiple choice


class MultipleChoice(Component):
    """One multiple-choice question (one right option, or several for a multi-select question).

    Choose with ``.options`` (RadioButtons, ``.value`` is the key) or, for multi-select, ``.checkboxes``
    (one Checkbox per option), then ``.check_button.click()`` (or Enter on an option, in the browser). The feedback
    (``.feedback.value``, a live region) says ✓ Correct or ✗ Not quite in words, why the chosen option is right
    or wrong, why the right option is right, the hint and the common mistakes.

    Retrying is always possible: the options and Check answer stay usable after an answer, so the student picks
    another option and checks again; ``.try_again_button`` (shown after an answer) clears the choice first.

    ``on_answer(component)`` is called after each checked answer; ``.attempts``, ``.correct`` and
    ``.first_correct`` (None before the first answer) record what happened.
    """

    def __init__(
        self,
        question: Question,
        *,
        show_hint_and_mistakes: bool = True,
        on_answer: Callable[[MultipleChoice], None] | None = None,
    ):
        if question.kind not in ("mcq", "practice"):
            raise BankError(f"{question.id!r} is a {question.kind}, not a multiple-choice question")
        self.question = question
        self.show_hint_and_mistakes = show_hint_and_mistakes
        self.on_answer = on_answer
        self.attempts = 0
        self.correct: bool | None = None
        self.first_correct: bool | None = None

        self.prompt = _classed(widgets.HTML(_prompt_html(question)), "mlcicd-prompt")
        labels = [(f"{c.key}. {c.text}", c.key) for c in question.choices]
        if question.multi:
            self.options = None
            self.checkboxes = [_checkbox(label) for label, _ in labels]
            chooser = widgets.VBox(
                [
                    widgets.HTML("<i>Select every option that applies.</i>"),
                    _classed(widgets.VBox(self.checkboxes), "mlcicd-choices"),
                ]
            )
        else:
            self.checkboxes = []
            self.options = _classed(
                widgets.RadioButtons(options=labels, value=None, layout=_auto_width()), "mlcicd-choices"
            )
            chooser = self.options
        self.check_button = _classed(_button("Check answer"), "mlcicd-check")
        self.hint_button = _button("Show hint")
        self.try_again_button = _button("Try again", "Clear your choice and answer again", hidden=True)
        self.hint = _classed(widgets.HTML(""), "mlcicd-live")
        self.feedback = _classed(widgets.HTML(""), "mlcicd-live")
        self.check_button.on_click(lambda _: self.check())
        self.hint_button.on_click(lambda _: self.show_hint())
        self.try_again_button.on_click(lambda _: self.reset())
        buttons = widgets.HBox(
            [self.check_button, self.hint_button, self.try_again_button], layout=widgets.Layout(flex_flow="row wrap")
        )
        self.widget, self.a11y = _component_box([self.prompt, chooser, buttons, self.hint, self.feedback])
        self.a11y.on_check = self._check_keys

    def _check_keys(self, keys: list[str]) -> None:
        """Enter on an option in the browser: select what the browser shows as chosen, then check."""
        valid = {c.key for c in self.question.choices}
        keys = [k for k in keys if k in valid]
        if self.question.multi:
            self.select(*keys)
        elif len(keys) == 1:
            self.select(keys[0])
        self.check()

    # -- state ------------------------------------------------------------------------------------------------
    def selected(self) -> frozenset[str]:
        """The keys the student has selected right now."""
        if self.options is None:  # several right options: checkboxes
            return frozenset(c.key for c, box in zip(self.question.choices, self.checkboxes, strict=True) if box.value)
        return frozenset() if self.options.value is None else frozenset({self.options.value})

    def select(self, *keys: str) -> None:
        """Select options by key, as a student would by clicking (``mc.select("C")``)."""
        valid = [c.key for c in self.question.choices]
        bad = [k for k in keys if k not in valid]
        if bad or (not self.question.multi and len(keys) != 1):
            raise ValueError(f"select one key of {valid}" if not self.question.multi else f"select keys from {valid}")
        if self.options is None:  # several right options: checkboxes
            for choice, box in zip(self.question.choices, self.checkboxes, strict=True):
                box.value = choice.key in keys
        else:
            self.options.value = keys[0]

    # -- actions ----------------------------------------------------------------------------------------------
    def show_hint(self) -> None:
        self.hint.value = f"<p><b>Hint:</b> {html.escape(self.question.hint, quote=False)}</p>"

    def check(self) -> bool | None:
        """Grade the current selection, write the feedback and return whether it was right (None if empty)."""
        chosen = self.selected()
        if not chosen:
            self.feedback.value = "<p><b>Choose an option first</b>, then press Check answer.</p>"
            return None
        q = self.question
        right = q.answer_keys
        self.attempts += 1
        self.correct = chosen == right
        if self.first_correct is None:
            self.first_correct = self.correct
        self.feedback.value = self._feedback_html(chosen)
        _set_visible(self.try_again_button, True)
        if self.on_answer is not None:
            self.on_answer(self)
        return self.correct

    def reset(self) -> None:
        """Clear the selection and the feedback so the student can answer again; focus moves to the first option."""
        if self.options is not None:
            self.options.value = None
        for box in self.checkboxes:
            box.value = False
        self.feedback.value = ""
        self.correct = None
        _set_visible(self.try_again_button, False)
        self.a11y.focus(_FIRST_OPTION)

    def _feedback_html(self, chosen: frozenset[str]) -> str:
        q = self.question
        right = q.answer_keys
        esc = lambda s: html.escape(s, quote=False)  # noqa: E731
        if self.correct:
            parts = ["<p><b>✓ Correct.</b></p>"]
        elif q.multi and chosen & right:
            parts = ["<p><b>✗ Not quite: partly right.</b> A multi-select answer needs exactly the right options.</p>"]
        else:
            parts = ["<p><b>✗ Not quite.</b></p>"]
        for choice in q.choices:
            picked, good = choice.key in chosen, choice.key in right
            if picked and good:
                verdict = "✓ your choice, right"
            elif picked:
                verdict = "✗ your choice, wrong"
            elif good and (q.multi or not self.correct):
                verdict = "✓ a right option you did not choose" if q.multi else "✓ the right answer"
            else:
                continue
            why = _RIGHT_PREFIX.sub("", choice.explanation)  # the verdict already says it is right
            why = why[:1].upper() + why[1:]
            parts.append(f"<p><b>{choice.key}. {esc(choice.text)}</b> ({verdict}): {esc(why)}</p>")
        if not self.correct:
            keys = ", ".join(sorted(right))
            parts.append(f"<p><b>Right answer:</b> {keys}.</p>")
        if self.show_hint_and_mistakes:
            if not self.correct:
                parts.append(f"<p><b>Hint:</b> {esc(q.hint)}</p>")
            parts.append(_list_html("Common mistakes:", q.mistakes))
        return "".join(parts)

    @property
    def feedback_text(self) -> str:
        """The feedback without HTML tags (what a screen reader reads)."""
        return _strip_tags(self.feedback.value)

    def to_text(self) -> str:
        return _mcq_text(self.question) + "\n\n" + _OPEN_IN_LAB

    def static_html(self) -> str:
        return _mcq_static(self.question, f"<p><i>Question · {_esc(_label(self.question))}</i></p>")


# ---------------------------------------------------------------------------------------------------------------
# flashcards


class Flashcards(Component):
    """A deck of flashcards: front, a Show answer button, Previous / Next, and the card's difficulty label."""

    def __init__(self, cards: Sequence[Question]):
        cards = list(cards)
        if not cards:
            raise BankError("a flashcard deck needs at least one card; check the topic and filters you passed")
        wrong = [c.id for c in cards if c.kind != "flashcard"]
        if wrong:
            raise BankError(f"not flashcards: {wrong}")
        self.cards = cards
        self.index = 0
        self.revealed = False
        self.header = widgets.HTML("")
        self.front = _classed(widgets.HTML(""), "mlcicd-prompt")
        self.back = _classed(widgets.HTML(""), "mlcicd-live")
        self.previous_button = _button("◀ Previous", "Previous card")
        self.reveal_button = _classed(_button("Show answer"), "mlcicd-reveal")
        self.next_button = _button("Next ▶", "Next card")
        self.previous_button.on_click(lambda _: self.go(self.index - 1))
        self.next_button.on_click(lambda _: self.go(self.index + 1))
        self.reveal_button.on_click(lambda _: self.toggle())
        buttons = widgets.HBox([self.previous_button, self.reveal_button, self.next_button])
        self.widget, self.a11y = _component_box([self.header, self.front, self.back, buttons])
        self._render()

    @property
    def card(self) -> Question:
        return self.cards[self.index]

    def go(self, index: int) -> None:
        """Move to card ``index`` (0-based); the answer is hidden again."""
        if not 0 <= index < len(self.cards):
            raise IndexError(f"card {index} does not exist; the deck has cards 0 to {len(self.cards) - 1}")
        self.index, self.revealed = index, False
        self._render()
        if index in (0, len(self.cards) - 1):  # the button just pressed is now disabled: keep focus in the deck
            self.a11y.focus(".mlcicd-reveal")

    def toggle(self) -> None:
        """Show the answer of the current card, or hide it again."""
        self.revealed = not self.revealed
        self._render()

    def _render(self) -> None:
        card = self.card
        self.header.value = (
            f"<p>Card {self.index + 1} of {len(self.cards)} · <b>{card.difficulty}</b> · {card.topic}</p>"
        )
        self.front.value = _html_text(card.prompt, bold=True)
        self.back.value = f"<p><b>Answer:</b> {html.escape(card.answer_text, quote=False)}</p>" if self.revealed else ""
        self.reveal_button.description = "Hide answer" if self.revealed else "Show answer"
        self.previous_button.disabled = self.index == 0
        self.next_button.disabled = self.index == len(self.cards) - 1

    def to_text(self) -> str:
        lines = [f"Flashcards ({len(self.cards)} cards; open this notebook in JupyterLab to reveal the answers)"]
        for number, card in enumerate(self.cards, 1):
            lines.append(f"  {number}. [{card.difficulty}] {_plain(card.prompt)}")
        return "\n".join(lines)

    def static_html(self) -> str:
        cards = "".join(
            f"<li><p><i>{_esc(card.difficulty)}</i></p>{_html_text(card.prompt, bold=True)}"
            f"{_details('Answer', f'<p>{_esc(card.answer_text)}</p>')}</li>"
            for card in self.cards
        )
        return f"<p><b>Flashcards ({len(self.cards)} cards)</b></p><ol>{cards}</ol>"


# ---------------------------------------------------------------------------------------------------------------
# concept checklist


class ConceptChecklist(Component):
    """An open question: the student writes an answer, reveals the four key concepts and ticks those covered.

    ``.answer_box`` is the Textarea, ``.reveal_button`` shows ``.concept_boxes`` (four Checkboxes) and a model
    answer; ``.score_label`` reads "You got N/4 concepts." and ``.score`` is N.
    """

    def __init__(self, question: Question):
        if question.kind != "concept":
            raise BankError(f"{question.id!r} is a {question.kind}, not a concept question")
        self.question = question
        self.prompt = _classed(
            widgets.HTML(
                _html_text(question.prompt, bold=True) + f"<p><i>{html.escape(question.hint, quote=False)}</i></p>"
            ),
            "mlcicd-prompt",
        )
        # width auto + stretch: the box fills the cell without its margins pushing it past the right edge.
        self.answer_box = widgets.Textarea(
            placeholder="Write your answer here, then reveal the key concepts.",
            layout=widgets.Layout(width="auto", align_self="stretch", height="8em"),
        )
        self.reveal_button = _button("Reveal the key concepts")
        self.note = widgets.HTML("")
        self.concept_boxes = [_checkbox(concept) for concept in question.concepts]
        for box in self.concept_boxes:
            box.observe(lambda _: self._update_score(), names="value")
        self.score_label = _classed(widgets.HTML(""), "mlcicd-live")
        self.model_answer = widgets.HTML("")
        self.checklist = widgets.VBox(
            [
                widgets.HTML("<p>Tick each concept your answer covers:</p>"),
                _classed(widgets.VBox(self.concept_boxes), "mlcicd-choices"),
                self.score_label,
                self.model_answer,
            ]
        )
        _set_visible(self.checklist, False)
        self.revealed = False
        self.reveal_button.on_click(lambda _: self.reveal())
        self.widget, self.a11y = _component_box(
            [self.prompt, self.answer_box, widgets.HBox([self.reveal_button]), self.note, self.checklist]
        )
        self._update_score()

    @property
    def score(self) -> int:
        return sum(box.value for box in self.concept_boxes)

    @property
    def score_text(self) -> str:
        return f"You got {self.score}/{len(self.concept_boxes)} concepts."

    def reveal(self) -> None:
        """Show the concepts, the score line and a model answer."""
        self.revealed = True
        _set_visible(self.checklist, True)
        self.reveal_button.disabled = True
        self.note.value = (
            ""
            if self.answer_box.value.strip()
            else "<p><i>Tip: writing your own answer first makes the checklist far more useful.</i></p>"
        )
        self.model_answer.value = f"<p><b>A model answer:</b> {html.escape(self.question.answer_text, quote=False)}</p>"
        self.a11y.focus(_FIRST_OPTION)  # the reveal button is now disabled

    def _update_score(self) -> None:
        self.score_label.value = f"<p><b>{self.score_text}</b></p>"

    def to_text(self) -> str:
        q = self.question
        return "\n".join(
            [
                f"[{_label(q)}]",
                _plain(q.prompt),
                f"({q.hint})",
                f"Write your answer, then check it against the {len(q.concepts)} key concepts "
                "(open this notebook in JupyterLab to reveal them).",
            ]
        )

    def static_html(self) -> str:
        q = self.question
        body = _list_html("Key concepts:", q.concepts) + f"<p><b>A model answer:</b> {_esc(q.answer_text)}</p>"
        return (
            f"<p><i>Open question · {_esc(_label(q))}</i></p>{_html_text(q.prompt, bold=True)}"
            f"<p><i>{_esc(q.hint)}</i></p>{_details('Key concepts and a model answer', body)}"
        )


# ---------------------------------------------------------------------------------------------------------------
# worked practice


class Practice(Component):
    """A worked practice problem in the recap's format.

    The question and options work like :class:`MultipleChoice` (``.choice``). ``.step_button`` reveals the
    solution one part at a time: each step, then the final answer, the quick check and the common mistakes;
    ``.revealed`` counts the parts shown. ``.hint_button`` shows the hint.
    """

    def __init__(self, question: Question):
        if question.kind != "practice":
            raise BankError(f"{question.id!r} is a {question.kind}, not a practice problem")
        self.question = question
        self.choice = MultipleChoice(question, show_hint_and_mistakes=False)
        self.parts = self._solution_parts()
        self.revealed = 0
        self.solution = _classed(widgets.HTML(""), "mlcicd-live", "mlcicd-solution")
        self.step_button = _button("")
        self.step_button.on_click(lambda _: self.next_part())
        header = widgets.HTML(f"<p><i>Practice · {question.difficulty}</i></p>")
        self.widget, self.a11y = _component_box(
            [
                header,
                self.choice.widget,
                widgets.HTML("<p><b>Solution</b></p>"),
                self.solution,
                widgets.HBox([self.step_button]),
            ]
        )
        self._render()

    @property
    def hint_button(self) -> widgets.Button:
        return self.choice.hint_button

    def _solution_parts(self) -> list[tuple[str, str]]:
        q = self.question
        parts = [(f"Step {i}: {s.title}", html.escape(s.text, quote=False)) for i, s in enumerate(q.steps, 1)]
        right = [q.choice(k) for k in sorted(q.answer_keys)]
        final = "; ".join(f"{c.text} → Option {c.key}" for c in right)
        parts.append(("Final Answer", html.escape(final, quote=False)))
        parts.append(("Quick Check", html.escape(q.quick_check, quote=False)))
        parts.append(
            (
                "Common Mistakes",
                "<ul>" + "".join(f"<li>{html.escape(m, quote=False)}</li>" for m in q.mistakes) + "</ul>",
            )
        )
        return parts

    def next_part(self) -> None:
        """Reveal the next part of the solution (does nothing once all are shown)."""
        if self.revealed < len(self.parts):
            self.revealed += 1
            self._render()
            if self.revealed == len(self.parts):  # the step button is now disabled
                self.a11y.focus(".mlcicd-solution")

    def _render(self) -> None:
        shown = self.parts[: self.revealed]
        self.solution.value = "".join(f"<p><b>{title}:</b> {body}</p>" for title, body in shown)
        if self.revealed < len(self.parts):
            title = self.parts[self.revealed][0]
            self.step_button.description = f"Show {title.split(':')[0].lower()}"
            self.step_button.disabled = False
        else:
            self.step_button.description = "Solution complete"
            self.step_button.disabled = True

    @property
    def solution_text(self) -> str:
        return _strip_tags(self.solution.value)

    def to_text(self) -> str:
        return "Practice · " + _mcq_text(self.question) + "\n\n" + _OPEN_IN_LAB

    def static_html(self) -> str:
        q = self.question
        solution = "".join(f"<p><b>{title}:</b> {body}</p>" for title, body in self.parts) + _why_html(q)
        return (
            f"<p><i>Practice · {_esc(_label(q))}</i></p>{_prompt_html(q)}{_options_html(q)}"
            f"<p><b>Hint:</b> {_esc(q.hint)}</p>{_details('Worked solution', solution)}"
        )


# ---------------------------------------------------------------------------------------------------------------
# quiz


class Quiz(Component):
    """Questions one at a time with a running score, a summary at the end and a retake.

    The first answer to each question counts toward the score; the student can still retry the question to learn
    (see :class:`MultipleChoice`). ``shuffle=True`` orders the questions with
    ``numpy.random.default_rng(seed)`` (options keep their order, since explanations refer to them by letter);
    a retake reshuffles with the same generator, so a seeded quiz is reproducible. ``.current`` is the
    :class:`MultipleChoice` on screen, ``.next_button`` moves on, ``.score`` / ``.answered`` count, and
    ``.summary.value`` holds the final summary; ``.retry_button`` starts again.
    """

    def __init__(self, questions: Sequence[Question], *, shuffle: bool = False, seed=None, title: str = "Quiz"):
        questions = list(questions)
        if not questions:
            raise BankError("a quiz needs at least one question; check the topic and filters you passed")
        wrong = [q.id for q in questions if q.kind not in ("mcq", "practice")]
        if wrong:
            raise BankError(f"a quiz holds multiple-choice questions only; not: {wrong}")
        self.questions = questions
        self.shuffle = shuffle
        self._rng = np.random.default_rng(seed)
        self.title = title
        self.header = widgets.HTML("")
        self.holder = widgets.VBox([])
        self.next_button = _classed(_button("Next question ▶"), "mlcicd-next")
        self.retry_button = _classed(_button("Retake the quiz", hidden=True), "mlcicd-retake")
        self.summary = _classed(widgets.HTML(""), "mlcicd-live")
        self.next_button.on_click(lambda _: self.next_question())
        self.retry_button.on_click(lambda _: self.restart())
        self.widget, self.a11y = _component_box(
            [self.header, self.holder, widgets.HBox([self.next_button, self.retry_button]), self.summary]
        )
        self.restart()

    def restart(self) -> None:
        """Start (again) from the first question with a zero score."""
        count = len(self.questions)
        self.order = [int(i) for i in self._rng.permutation(count)] if self.shuffle else list(range(count))
        self.position = 0
        self.results: list[bool] = []
        self.finished = False
        self.summary.value = ""
        _set_visible(self.retry_button, False)
        self._show_current()
        self.a11y.focus(_FIRST_OPTION)

    @property
    def score(self) -> int:
        return sum(self.results)

    @property
    def answered(self) -> int:
        return len(self.results)

    @property
    def ordered_questions(self) -> list[Question]:
        return [self.questions[i] for i in self.order]

    def _show_current(self) -> None:
        question = self.ordered_questions[self.position]
        self.current = MultipleChoice(question, on_answer=self._record)
        self.holder.children = [self.current.widget]
        _set_visible(self.next_button, True)
        self.next_button.disabled = True
        last = self.position == len(self.questions) - 1
        self.next_button.description = "See my score" if last else "Next question ▶"
        self._update_header()

    def _update_header(self) -> None:
        self.header.value = (
            f"<h3>{html.escape(self.title, quote=False)}</h3><p>Question {self.position + 1} of "
            f"{len(self.questions)} · Score: {self.score}/{self.answered} (your first answer to each question "
            "counts; you can retry to learn)</p>"
        )

    def _record(self, mc: MultipleChoice) -> None:
        if len(self.results) == self.position:  # only the first answer to a question counts
            self.results.append(bool(mc.first_correct))
        self.next_button.disabled = False
        self._update_header()

    def next_question(self) -> None:
        """Go to the next question, or show the summary after the last one."""
        if len(self.results) <= self.position:
            raise RuntimeError("answer the current question (press Check answer) before moving on")
        if self.position < len(self.questions) - 1:
            self.position += 1
            self._show_current()
            self.a11y.focus(_FIRST_OPTION)
        else:
            self._finish()
            self.a11y.focus(".mlcicd-retake")

    def _finish(self) -> None:
        self.finished = True
        self.holder.children = []
        _set_visible(self.next_button, False)
        _set_visible(self.retry_button, True)
        total = len(self.questions)
        rows = []
        for number, (question, ok) in enumerate(zip(self.ordered_questions, self.results, strict=False), 1):
            mark = "✓ right" if ok else f"✗ wrong (answer: {', '.join(sorted(question.answer_keys))})"
            stem = _plain(question.prompt).splitlines()[-1]  # the question itself, after any code snippet
            rows.append(f"<li>Q{number} — {mark}: {html.escape(stem, quote=False)}</li>")
        self.header.value = f"<h3>{html.escape(self.title, quote=False)}</h3>"
        self.summary.value = (
            f"<p><b>{self.summary_line}</b></p><ol style='list-style:none;padding-left:0'>{''.join(rows)}</ol>"
            + ("" if self.score == total else "<p>Review the questions marked ✗, then press Retake the quiz.</p>")
        )

    @property
    def summary_line(self) -> str:
        total = len(self.questions)
        return f"Quiz complete: you scored {self.score}/{total} ({round(100 * self.score / total)}%)."

    def to_text(self) -> str:
        lines = [f"{self.title}: {len(self.questions)} questions", ""]
        for number, question in enumerate(self.ordered_questions, 1):
            lines += [_mcq_text(question, numbered=f"Q{number}. "), ""]
        return "\n".join(lines) + _OPEN_IN_LAB

    def static_html(self) -> str:
        total = len(self.questions)
        parts = [
            _mcq_static(q, f"<p><b>Question {n} of {total}</b> · <i>{_esc(_label(q))}</i></p>")
            for n, q in enumerate(self.ordered_questions, 1)
        ]
        return f"<h3>{_esc(self.title)}</h3>" + "<hr>".join(parts)
