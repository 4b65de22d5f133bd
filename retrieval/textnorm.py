"""Normalisation used only for matching: whitespace and typographic quotes; originals are never changed."""

from __future__ import annotations

import re

_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
    }
)
_WS = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Fold typographic quotes to ASCII and collapse whitespace runs to one space."""
    return _WS.sub(" ", text.translate(_QUOTES)).strip()


def one_line(text: str) -> str:
    """Collapse whitespace runs (line wraps) to one space; every other character stays the source's."""
    return " ".join(text.split())


def _normalized_with_map(text: str) -> tuple[str, list[int]]:
    """Normalise `text` and return, for each output character, its index in the input."""
    out: list[str] = []
    index: list[int] = []
    pending_space = False
    for i, ch in enumerate(text.translate(_QUOTES)):
        if ch.isspace():
            pending_space = bool(out)
            continue
        if pending_space:
            out.append(" ")
            index.append(i - 1)
            pending_space = False
        out.append(ch)
        index.append(i)
    return "".join(out), index


def locate(quote: str, text: str, hint: int = 0) -> tuple[int, int] | None:
    """Find `quote` in `text` (exactly, else after normalisation); return original offsets."""
    if not quote.strip():
        return None
    exact = text.find(quote, max(0, hint))
    if exact < 0:
        exact = text.find(quote)
    if exact >= 0:
        return exact, exact + len(quote)
    needle = normalize(quote)
    hay, index = _normalized_with_map(text)
    pos = hay.find(needle)
    if pos < 0:
        pos = hay.lower().find(needle.lower())
    if pos < 0:
        return None
    return index[pos], index[pos + len(needle) - 1] + 1
