"""Claims and source units: sentences of a text with exact character offsets."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from retrieval.sentences import split_sentences

_WORD = re.compile(r"\w")


@dataclass(frozen=True)
class Span:
    """A piece of text and its [start, end) offsets in the text it came from."""

    text: str
    start: int
    end: int


def sentences(text: str) -> list[Span]:
    """The sentences of a text that contain at least one word character."""
    return [Span(text[a:b], a, b) for a, b in split_sentences(text) if _WORD.search(text[a:b])]


def split_claims(summary: str | Sequence[str]) -> list[Span]:
    """Claims to judge: the sentences of a text, or the given sentences when already split."""
    if isinstance(summary, str):
        return sentences(summary)
    claims: list[Span] = []
    offset = 0
    for part in summary:
        # Offsets are into the given sentences joined by single spaces, as the summary reads.
        if _WORD.search(part):
            claims.append(Span(part, offset, offset + len(part)))
        offset += len(part) + 1
    return claims
