"""Terms: what tells a question from an instruction."""

from __future__ import annotations

import pytest

from retrieval.terms import content_terms, is_question, what_is_asked


@pytest.mark.parametrize(
    "text",
    [
        "How much did MatX raise?",
        "Which chips achieved day-zero compatibility",
        "Are Sorghastrum and Calocedrus both a genus of grass",
        "Trevor Nunn has directed what non-musical show besides Birdsong",
        "MatX raised money?",
    ],
)
def test_a_question_is_told_by_its_mark_a_wh_word_or_a_leading_auxiliary(text: str) -> None:
    assert is_question(text)


@pytest.mark.parametrize(
    "text", ["Lithography export licensing and China", "Summarise the brief", "Export controls on chips", ""]
)
def test_an_instruction_or_a_topic_is_no_question(text: str) -> None:
    assert not is_question(text)


def test_where_in_a_brief_the_asker_read_it_is_no_term_of_the_question() -> None:
    """ "according to the conclusion" names a section, which the answering sentence rarely repeats."""
    question = "What do China's advancements enhance, according to the conclusion?"
    terms = content_terms(question, drop_question_words=True)
    assert "conclusion" not in terms and "accord" not in " ".join(terms)
    assert content_terms("What do China's advancements enhance?", drop_question_words=True) == terms
    # Kept when asked as a topic, or without the question words dropped.
    assert "conclusion" in content_terms("What conclusion did the study reach?", drop_question_words=True)
    assert "conclusion" in content_terms("according to the conclusion")


def test_the_answer_model_reads_what_is_asked_not_where_it_is_said() -> None:
    """ "according to the brief" and "does the top line say" are words no answering sentence has."""
    assert what_is_asked("Where will State Grid deploy its robots, according to the top line?") == (
        "Where will State Grid deploy its robots?"
    )
    assert what_is_asked("What does the brief say the Global South's exposure ends up creating?") == (
        "What the Global South's exposure ends up creating?"
    )
    # The question's content terms are read the same way.
    assert content_terms("What do the robots inspect, according to the top line?", drop_question_words=True) == [
        "robot",
        "inspect",
    ]
    # A source with a name of its own stays in what the answer model reads (the name check has its own rule).
    assert what_is_asked("Which outlet covered it, according to Rest of World?") == (
        "Which outlet covered it, according to Rest of World?"
    )
