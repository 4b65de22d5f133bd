"""The answerability benchmark's scoring: a gold answer counts only as whole words of the answer."""

from __future__ import annotations

from bench.answerability import _fold, holds


def test_a_gold_answer_counts_as_whole_words_only() -> None:
    text = _fold("US is named most often: 32 times in the brief.")
    assert not holds(text, "ten")  # inside "often"
    assert holds(text, "32 times")
    assert holds(_fold("OPEC raised the posted price to $5.11 a barrel."), "$5.11")
    assert holds(_fold("It rose “ten times”."), "Ten times")


def test_a_longer_gold_answer_counts_where_the_brief_glued_words() -> None:
    text = _fold("The criticism underscores diverging prioritiessafety versus rapid deployment.")
    assert holds(text, "diverging priorities") and holds(text, "safety versus rapid deployment")
