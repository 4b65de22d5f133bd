"""Terms: what tells a question from an instruction."""

from __future__ import annotations

import pytest

from retrieval.terms import is_question


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
