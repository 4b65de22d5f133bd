"""Sentence splitting keeps exact offsets and respects abbreviations, figures and bullets."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from retrieval.sentences import split_sentences


def texts(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


def test_abbreviations_and_decimals_do_not_split() -> None:
    text = "He met Mr. Smith in the U.S. on Jan. 5. It cost $6.8 billion. Kimi K2.6 leads!"
    assert texts(text) == [
        "He met Mr. Smith in the U.S. on Jan. 5.",
        "It cost $6.8 billion.",
        "Kimi K2.6 leads!",
    ]


def test_lines_are_boundaries_and_bullets_are_trimmed() -> None:
    text = "Top Line\n  • First point here: it matters.\nSecond line. Third"
    assert texts(text) == ["Top Line", "First point here: it matters.", "Second line.", "Third"]


def test_wrapped_lines_join_when_the_next_line_continues_in_lower_case() -> None:
    text = "The chip war just moved to the model\nlayer, analysts say. Next sentence."
    assert texts(text) == ["The chip war just moved to the model\nlayer, analysts say.", "Next sentence."]


def test_closing_quote_stays_with_its_sentence() -> None:
    assert texts('He said "not democratic." Then left.') == ['He said "not democratic."', "Then left."]


def test_sub_range_offsets_are_absolute() -> None:
    text = "Intro. Alpha one. Beta two."
    spans = split_sentences(text, 7, len(text))
    assert [text[a:b] for a, b in spans] == ["Alpha one.", "Beta two."]


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400))
def test_spans_are_ordered_non_empty_and_stripped(text: str) -> None:
    spans = split_sentences(text)
    previous = 0
    for a, b in spans:
        assert previous <= a < b <= len(text)
        assert text[a:b] == text[a:b].strip()
        previous = b
