"""Quote location tolerates whitespace and typographic quotes, and returns original offsets."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from retrieval.textnorm import locate, normalize


def test_normalize_folds_quotes_and_whitespace() -> None:
    assert normalize("  China\u2019s   \u201cbig\u201d\n push ") == 'China\'s "big" push'


def test_exact_match_wins() -> None:
    text = "alpha beta gamma beta"
    assert locate("beta", text) == (6, 10)
    assert locate("beta", text, hint=11) == (17, 21)


def test_normalised_match_maps_back_to_original_span() -> None:
    text = "Intro.\nChina\u2019s  Strategic\nPush ends here."
    start, end = locate("China's Strategic Push", text) or (0, 0)
    assert text[start:end] == "China\u2019s  Strategic\nPush"


def test_missing_or_blank_quote_is_none() -> None:
    assert locate("absent words", "some other text") is None
    assert locate("   ", "some text") is None


@given(st.text(max_size=200), st.integers(0, 200), st.integers(1, 60))
def test_any_slice_is_found_at_an_equal_span(text: str, start: int, length: int) -> None:
    quote = text[start : start + length]
    if not quote.strip():
        return
    span = locate(quote, text)
    assert span is not None
    assert text[span[0] : span[1]] == quote
