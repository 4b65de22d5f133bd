"""The shared calendar lexicon: month words map to their numbers, everything else to None."""

from __future__ import annotations

import pytest

from retrieval.lexicon import MONTH_ABBREVIATIONS, MONTH_NAMES, month_number


@pytest.mark.parametrize(
    ("word", "number"), [("January", 1), ("may", 5), ("Sept.", 9), ("sep", 9), ("DEC", 12), ("june", 6)]
)
def test_month_words_map_to_their_numbers(word: str, number: int) -> None:
    assert month_number(word) == number


@pytest.mark.parametrize("word", ["", "ma", "mayday", "monday", "junk", "decade"])
def test_other_words_are_not_months(word: str) -> None:
    assert month_number(word) is None


def test_every_abbreviation_is_a_month() -> None:
    assert all(month_number(a) for a in MONTH_ABBREVIATIONS) and len(MONTH_NAMES) == 12
