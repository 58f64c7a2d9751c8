"""Quiz components driven without a browser: set widget values, click buttons, read the feedback and the scores."""

from __future__ import annotations

import pytest

from mlcicd.quiz import (
    BankError,
    ConceptChecklist,
    Flashcards,
    MultipleChoice,
    Practice,
    Quiz,
    all_questions,
    component_for,
    frontend_available,
    get_question,
    load_bank,
    make_concepts,
    make_flashcards,
    make_practice,
    make_quiz,
    make_self_test,
    show_concepts,
    show_flashcards,
    show_practice,
    show_question,
    show_quiz,
)

SINGLE = "versioning-seed-quiz-critical-component"  # answer C (Data versioning)
MULTI = "rollback-restore-together"  # answer A, B, C


@pytest.fixture(autouse=True)
def no_forced_mode(monkeypatch):
    monkeypatch.delenv("MLCICD_QUIZ_MODE", raising=False)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)


# -------------------------------------------------------------------------------------------------------------
# multiple choice


def test_a_right_answer_gets_a_tick_and_the_words_correct_with_its_explanation():
    mc = MultipleChoice(get_question(SINGLE))
    mc.options.value = "C"
    mc.check_button.click()
    assert mc.correct is True and mc.first_correct is True and mc.attempts == 1
    assert mc.feedback_text.startswith("✓ Correct.")
    assert "C. Data versioning (✓ your choice, right)" in mc.feedback_text
    assert "code and data" in mc.feedback_text
    assert "Common mistakes:" in mc.feedback_text


def test_a_wrong_answer_explains_why_it_is_wrong_why_the_right_one_is_right_plus_hint_and_mistakes():
    q = get_question(SINGLE)
    mc = MultipleChoice(q)
    mc.options.value = "B"
    mc.check_button.click()
    text = mc.feedback_text
    assert mc.correct is False
    assert text.startswith("✗ Not quite.")
    assert "B. Code formatting (✗ your choice, wrong): " + q.choice("B").explanation in text
    assert "C. Data versioning (✓ the right answer)" in text
    assert "Right answer: C." in text
    assert "Hint: " + q.hint in text
    assert all(m in text for m in q.mistakes)
    assert "A. UI testing" not in text, "only the chosen and the right option are explained"


def test_feedback_is_given_in_words_and_symbols_not_by_colour():
    mc = MultipleChoice(get_question(SINGLE))
    mc.select("A")
    mc.check()
    assert "color" not in mc.feedback.value.lower() and "colour" not in mc.feedback.value.lower()
    assert "✗" in mc.feedback.value and "Not quite" in mc.feedback.value


def test_checking_without_a_choice_asks_for_one_and_counts_no_attempt():
    mc = MultipleChoice(get_question(SINGLE))
    mc.check_button.click()
    assert "Choose an option first" in mc.feedback_text
    assert mc.attempts == 0 and mc.correct is None


def test_after_a_wrong_answer_the_question_stays_open_so_another_option_can_be_checked_at_once():
    mc = MultipleChoice(get_question(SINGLE))
    mc.select("D")
    mc.check_button.click()
    assert not mc.options.disabled and not mc.check_button.disabled  # nothing locks; the choice stays readable
    mc.select("C")
    mc.check_button.click()
    assert (mc.correct, mc.first_correct, mc.attempts) == (True, False, 2)
    assert "✓ Correct." in mc.feedback_text


def test_try_again_clears_the_answer_and_moves_focus_to_the_first_option():
    mc = MultipleChoice(get_question(SINGLE))
    mc.select("D")
    mc.check_button.click()
    assert mc.try_again_button.layout.display is None  # visible
    mc.try_again_button.click()
    assert mc.options.value is None and mc.feedback.value == ""
    assert mc.a11y.focus_request.startswith(".mlcicd-choices input#")
    mc.select("C")
    mc.check_button.click()
    assert (mc.correct, mc.first_correct, mc.attempts) == (True, False, 2)


def test_the_hint_button_shows_the_hint_before_any_answer():
    q = get_question(SINGLE)
    mc = MultipleChoice(q)
    mc.hint_button.click()
    assert q.hint in mc.hint.value and mc.attempts == 0


def test_a_multi_select_question_needs_exactly_the_right_set():
    mc = MultipleChoice(get_question(MULTI))
    assert mc.options is None and len(mc.checkboxes) == 4
    mc.checkboxes[0].value = True
    mc.checkboxes[1].value = True
    mc.check_button.click()
    assert mc.correct is False
    assert mc.feedback_text.startswith("✗ Not quite: partly right.")
    assert (
        "C. Version 3's reference data for drift monitoring (✓ a right option you did not choose)" in mc.feedback_text
    )
    mc.try_again_button.click()
    assert not any(box.value for box in mc.checkboxes)
    mc.select("A", "B", "C")
    mc.check_button.click()
    assert mc.correct is True and mc.feedback_text.startswith("✓ Correct.")


def test_a_chosen_wrong_option_in_a_multi_select_is_explained():
    q = get_question(MULTI)
    mc = MultipleChoice(q)
    mc.select("A", "B", "C", "D")
    mc.check()
    assert "D. " + q.choice("D").text + " (✗ your choice, wrong)" in mc.feedback_text


def test_select_refuses_unknown_keys_with_a_clear_message():
    mc = MultipleChoice(get_question(SINGLE))
    with pytest.raises(ValueError, match="select one key of"):
        mc.select("Z")


def test_on_answer_is_called_after_each_checked_answer():
    seen = []
    mc = MultipleChoice(get_question(SINGLE), on_answer=lambda c: seen.append(c.correct))
    mc.select("A")
    mc.check()
    mc.reset()
    mc.select("C")
    mc.check()
    assert seen == [False, True]


# -------------------------------------------------------------------------------------------------------------
# flashcards


def test_flashcards_reveal_the_back_and_step_through_the_deck_with_difficulty_labels():
    deck = make_flashcards("testing")
    cards = load_bank("testing", kind="flashcard")
    assert "Card 1 of 4" in deck.header.value and f"<b>{cards[0].difficulty}</b>" in deck.header.value
    assert deck.back.value == "" and deck.previous_button.disabled
    deck.reveal_button.click()
    assert cards[0].answer in deck.back.value and deck.reveal_button.description == "Hide answer"
    deck.next_button.click()
    assert deck.index == 1 and deck.back.value == "", "moving on hides the answer again"
    assert "Card 2 of 4" in deck.header.value and not deck.previous_button.disabled
    for _ in range(2):
        deck.next_button.click()
    assert deck.index == 3 and deck.next_button.disabled
    deck.previous_button.click()
    assert deck.index == 2


def test_the_seed_flashcards_carry_the_recaps_levels():
    levels = {q.prompt: q.difficulty for q in load_bank("all", kind="flashcard", source="seed")}
    assert levels["Why is rollback more challenging in ML CI/CD?"] == "advanced"
    assert levels["What is a key difference between CI/CD for ML and traditional software?"] == "beginner"


def test_a_deck_refuses_non_flashcards_and_empty_selections():
    with pytest.raises(BankError, match="not flashcards"):
        Flashcards([get_question(SINGLE)])
    with pytest.raises(BankError, match="no flashcard items"):
        make_flashcards("testing", difficulty="hard")


# -------------------------------------------------------------------------------------------------------------
# concept checklist


def test_the_concept_checklist_counts_ticked_concepts_out_of_four():
    checklist = make_concepts("monitoring")[0]
    assert checklist.checklist.layout.display == "none", "the concepts stay hidden until revealed"
    checklist.answer_box.value = "Covariate drift shows in the inputs; concept drift only in accuracy."
    checklist.reveal_button.click()
    assert checklist.checklist.layout.display is None and checklist.reveal_button.disabled
    assert "You got 0/4 concepts." in checklist.score_label.value
    checklist.concept_boxes[0].value = True
    checklist.concept_boxes[2].value = True
    assert checklist.score == 2 and "You got 2/4 concepts." in checklist.score_label.value
    checklist.concept_boxes[0].value = False
    assert "You got 1/4 concepts." in checklist.score_label.value
    assert checklist.question.answer in checklist.model_answer.value
    assert checklist.note.value == "", "no nudge when the student wrote an answer"


def test_revealing_with_an_empty_answer_nudges_the_student_to_write_first():
    checklist = ConceptChecklist(get_question("versioning-seed-explain-data-management"))
    checklist.reveal()
    assert "writing your own answer first" in checklist.note.value


# -------------------------------------------------------------------------------------------------------------
# worked practice


def test_practice_reveals_steps_then_final_answer_quick_check_and_mistakes_one_by_one():
    q = get_question("pipeline-seed-practice-skipped-retraining")
    practice = Practice(q)
    assert practice.solution.value == "" and practice.step_button.description == "Show step 1"
    practice.step_button.click()
    assert practice.solution_text.startswith("Step 1: Identify ML-specific pipeline failure causes:")
    assert "Step 2" not in practice.solution_text
    practice.step_button.click()
    assert practice.step_button.description == "Show final answer"
    practice.step_button.click()
    assert (
        "Final Answer: The pipeline skipped retraining the model with updated data → Option A" in practice.solution_text
    )
    practice.step_button.click()
    assert "Quick Check: Model retraining skipped = poor deployed model ✓" in practice.solution_text
    practice.step_button.click()
    assert all(m in practice.solution_text for m in q.mistakes)
    assert practice.step_button.disabled and practice.step_button.description == "Solution complete"
    practice.step_button.click()  # nothing left: no error, nothing new
    assert practice.revealed == len(q.steps) + 3


def test_practice_options_give_feedback_and_the_hint_button_shows_the_hint():
    q = get_question("pipeline-seed-practice-best-combination")
    practice = Practice(q)
    practice.hint_button.click()
    assert q.hint in practice.choice.hint.value
    practice.choice.select("A")
    practice.choice.check_button.click()
    assert practice.choice.feedback_text.startswith("✗ Not quite.")
    assert "Common mistakes" not in practice.choice.feedback_text, "mistakes come at the end of the solution"


# -------------------------------------------------------------------------------------------------------------
# quiz


def answer(quiz: Quiz, right: bool) -> None:
    q = quiz.current.question
    keys = sorted(q.answer_keys)
    if right:
        quiz.current.select(*keys)
    else:
        wrong = next(c.key for c in q.choices if c.key not in q.answer_keys)
        quiz.current.select(*([wrong] if not q.multi else keys[:1]))
    quiz.current.check_button.click()


def test_the_quiz_keeps_a_running_score_and_summarises_at_the_end():
    quiz = make_quiz("all", source="seed")
    assert "Question 1 of 5 · Score: 0/0" in quiz.header.value and quiz.next_button.disabled
    answer(quiz, right=True)
    assert "Score: 1/1" in quiz.header.value and not quiz.next_button.disabled
    quiz.next_button.click()
    answer(quiz, right=False)
    assert "Question 2 of 5 · Score: 1/2" in quiz.header.value
    for _ in range(3):
        quiz.next_button.click()
        answer(quiz, right=True)
    assert quiz.next_button.description == "See my score"
    quiz.next_button.click()
    assert quiz.finished and quiz.summary_line == "Quiz complete: you scored 4/5 (80%)."
    assert "Q2 — ✗ wrong (answer: B)" in quiz.summary.value  # topic order: Q2 is the testing question, answer B
    assert quiz.retry_button.layout.display is None


def test_the_recap_self_test_is_its_ten_questions_easy_to_hard_in_one_scored_quiz():
    quiz = make_self_test()
    questions = quiz.questions
    assert len(questions) == 10 and all(q.source == "seed" for q in questions)
    assert sorted(q.kind for q in questions) == ["mcq"] * 5 + ["practice"] * 5
    levels = [("easy", "medium", "hard").index(q.difficulty) for q in questions]
    assert levels == sorted(levels) and levels[0] == 0 and levels[-1] == 2
    assert "Question 1 of 10" in quiz.header.value and "10 questions" in quiz.title
    for _ in range(10):
        answer(quiz, right=True)
        quiz.next_button.click()
    assert quiz.finished and quiz.summary_line == "Quiz complete: you scored 10/10 (100%)."


def test_a_quiz_question_can_be_retried_but_only_the_first_answer_counts():
    quiz = make_quiz("all", source="seed")
    answer(quiz, right=False)
    assert quiz.current.try_again_button.layout.display is None  # the retry the lessons promise is offered
    quiz.current.try_again_button.click()
    answer(quiz, right=True)
    assert quiz.current.correct and "✓ Correct." in quiz.current.feedback_text
    assert quiz.score == 0 and quiz.answered == 1
    assert "first answer to each question counts" in quiz.header.value


def test_moving_to_the_next_question_or_the_summary_asks_the_browser_to_keep_focus_in_the_quiz():
    quiz = make_quiz("rollback")
    answer(quiz, right=True)
    quiz.next_button.click()
    assert quiz.a11y.focus_request.startswith(".mlcicd-choices input#")
    while not quiz.finished:
        answer(quiz, right=True)
        quiz.next_button.click()
    assert quiz.a11y.focus_request.startswith(".mlcicd-retake#")


def test_moving_on_before_answering_is_refused():
    quiz = make_quiz("testing")
    with pytest.raises(RuntimeError, match="answer the current question"):
        quiz.next_question()


def test_retake_starts_again_from_zero():
    quiz = make_quiz("rollback")
    for _ in range(len(quiz.questions)):
        answer(quiz, right=True)
        quiz.next_button.click()
    assert quiz.finished and quiz.score == len(quiz.questions)
    quiz.retry_button.click()
    assert not quiz.finished and quiz.score == 0 and quiz.position == 0 and quiz.summary.value == ""
    assert "Score: 0/0" in quiz.header.value


def test_a_seeded_shuffle_is_reproducible_and_changes_the_order():
    order = lambda seed: [q.id for q in make_quiz("monitoring", shuffle=True, seed=seed).ordered_questions]  # noqa: E731
    plain = [q.id for q in make_quiz("monitoring").ordered_questions]
    assert order(3) == order(3)
    assert sorted(order(3)) == sorted(plain)
    assert any(order(s) != plain for s in range(3))
    assert len({tuple(order(s)) for s in range(5)}) > 1


def test_n_picks_that_many_questions_and_simulations_are_left_out_unless_asked_for():
    assert len(make_quiz("deployment", n=3, shuffle=True, seed=0).questions) == 3
    assert all(q.simulation is None for q in make_quiz("drifttests").questions)
    assert any(q.simulation for q in make_quiz("drifttests", include_simulations=True).questions)
    with pytest.raises(ValueError, match="n must be an integer from 1 to"):
        make_quiz("deployment", n=99)


def test_a_quiz_refuses_flashcards_and_concept_questions():
    with pytest.raises(BankError, match="multiple-choice questions only"):
        Quiz(load_bank("testing", kind="flashcard"))


# -------------------------------------------------------------------------------------------------------------
# every item, text fallback, display


def test_every_item_of_the_bank_builds_its_component():
    kinds = {"flashcard": Flashcards, "mcq": MultipleChoice, "concept": ConceptChecklist, "practice": Practice}
    for q in all_questions():
        assert isinstance(component_for(q), kinds[q.kind]), q.id


def test_without_a_kernel_there_is_no_front_end_and_the_override_works(monkeypatch):
    assert frontend_available() is False  # pytest runs without an IPython kernel
    monkeypatch.setenv("MLCICD_QUIZ_MODE", "widgets")
    assert frontend_available() is True
    monkeypatch.setenv("MLCICD_QUIZ_MODE", "sometimes")
    with pytest.raises(ValueError, match="MLCICD_QUIZ_MODE must be 'text' or 'widgets'"):
        frontend_available()


def test_nbgrader_execution_wins_over_a_kernel(monkeypatch):
    class FakeKernelShell:
        kernel = object()

    monkeypatch.setattr("IPython.get_ipython", lambda: FakeKernelShell())
    assert frontend_available() is True
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert frontend_available() is False


def test_text_fallbacks_print_prompts_and_options_but_never_answers(monkeypatch, capsys):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    show_flashcards("testing")
    show_quiz("testing")
    show_practice("pipeline")
    show_concepts("monitoring")
    show_question(SINGLE)
    out, err = capsys.readouterr()
    assert err == ""
    assert "Why is testing more complex in ML CI/CD pipelines?" in out
    assert "  C. Data versioning" in out and "What additional component is critical" in out
    assert "You got" not in out and "Correct" not in out
    leaks = [q.answer for q in load_bank("testing", kind="flashcard")]
    leaks += [c.explanation for q in load_bank("testing", kind="mcq") for c in q.choices]
    leaks += [s.text for q in load_bank("pipeline", kind="practice") for s in q.steps]
    leaks += [c for q in load_bank("monitoring", kind="concept") for c in q.concepts]
    assert not [text for text in leaks if text in out], "a text fallback printed an answer"


def test_no_text_fallback_shows_internal_ids_or_bank_labels(monkeypatch, capsys):
    monkeypatch.setenv("MLCICD_QUIZ_MODE", "text")
    show_quiz("all", source="seed")
    show_practice("pipeline")
    show_concepts("monitoring")
    show_question(SINGLE)
    out = capsys.readouterr().out
    ids = [q.id for q in all_questions() if q.id in out]
    assert ids == [] and "from the recap" not in out
    assert "[versioning · easy]" in out


def test_show_displays_the_widget_and_a_static_copy_with_the_answers_folded(monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setenv("MLCICD_QUIZ_MODE", "widgets")
    monkeypatch.setattr(IPython.display, "display", lambda obj, raw=False: shown.append(obj))
    show_question(SINGLE)
    widget_bundle, static = shown
    assert "application/vnd.jupyter.widget-view+json" in widget_bundle and widget_bundle["text/plain"] == ""
    html = static["text/html"]
    q = get_question(SINGLE)
    assert html.startswith("<div class='mlcicd-static'>") and q.prompt in html
    assert all(f"<b>{c.key}.</b> {c.text}" in html for c in q.choices)
    folded = html[html.index("<details>") :]
    assert "Right answer:</b> C." in folded and all(c.explanation in folded for c in q.choices)
    assert html.index("<details>") > max(html.index(c.text) for c in q.choices)  # answers only after the options
    assert static["text/plain"] == component_for(SINGLE).to_text()


@pytest.mark.parametrize("kind", ["flashcard", "mcq", "concept", "practice"])
def test_every_kind_has_a_static_copy_with_its_prompt_and_a_folded_answer(kind):
    question = load_bank("all", kind=kind)[0]
    html = component_for(question).static_html()
    assert "<details><summary>" in html and question.id not in html
    assert question.prompt.split("\n")[0].strip()[:40] in html.replace("&#x27;", "'")


def test_every_component_names_its_option_group_and_announces_its_feedback():
    mc = MultipleChoice(get_question(SINGLE))
    assert "mlcicd-choices" in mc.options._dom_classes and "mlcicd-prompt" in mc.prompt._dom_classes
    assert "mlcicd-live" in mc.feedback._dom_classes and "mlcicd-check" in mc.check_button._dom_classes
    multi = MultipleChoice(get_question(MULTI))
    groups = [w for w in multi.widget.children[2].children if "mlcicd-choices" in getattr(w, "_dom_classes", ())]
    assert len(groups) == 1 and list(groups[0].children) == multi.checkboxes
    assert mc.widget.children[0] is mc.a11y and mc.a11y.layout.display == "none"


def test_a_component_displays_as_a_widget_with_its_text_version_as_the_plain_fallback(monkeypatch):
    monkeypatch.setenv("MLCICD_QUIZ_MODE", "widgets")
    mc = component_for(SINGLE)
    bundle = mc._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == mc.widget.model_id
    assert bundle["text/plain"] == mc.to_text()
    monkeypatch.setenv("MLCICD_QUIZ_MODE", "text")
    assert mc._repr_mimebundle_() == {"text/plain": mc.to_text()}


def test_show_functions_return_nothing_so_a_cell_displays_once(monkeypatch, capsys):
    monkeypatch.setenv("MLCICD_QUIZ_MODE", "text")
    assert show_quiz("all", source="seed") is None
    assert capsys.readouterr().out.count("What makes rollback in ML CI/CD pipelines challenging?") == 1


def test_make_practice_and_make_concepts_return_one_component_per_item():
    assert len(make_practice("pipeline")) == len(load_bank("pipeline", kind="practice"))
    assert len(make_concepts("versioning")) == len(load_bank("versioning", kind="concept"))
    with pytest.raises(BankError, match="not of kind"):
        make_practice(ids=[SINGLE])


def test_enter_in_the_browser_checks_the_keys_it_sends_even_before_the_radio_state_arrives():
    mc = MultipleChoice(get_question(SINGLE))
    mc.select("A")  # the kernel still has the old choice; the browser shows C
    mc.a11y._message(mc.a11y, {"event": "check", "keys": ["C"]}, [])
    assert mc.options.value == "C" and mc.correct and mc.attempts == 1
    multi = MultipleChoice(get_question(MULTI))
    multi.a11y._message(multi.a11y, {"event": "check", "keys": ["A", "B", "C", "Z"]}, [])
    assert multi.selected() == frozenset("ABC") and multi.correct
    multi.a11y._message(multi.a11y, {"event": "something else"}, [])
    assert multi.attempts == 1
