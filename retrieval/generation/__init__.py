"""Generators: turn a question and retrieved chunks into cited answer sentences."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from retrieval.answer import AnswerSentence
from retrieval.chunk import ScoredChunk


@dataclass(frozen=True)
class Draft:
    """A generator's output before verification: sentences with citations, or an abstention."""

    sentences: tuple[AnswerSentence, ...]
    abstained: bool
    relevance: float
    # What the faithfulness gate did (model back-ends only) and any notes for the user.
    removed: int = 0
    flagged: int = 0
    dropped_citations: int = 0
    notes: tuple[str, ...] = ()
    keep_unsupported: bool = False
    # Set when another back-end produced the draft (the extractive fallback); empty means the generator itself.
    generator: str = ""
    # The model endpoint failed (as opposed to writing nothing the gate let through).
    failed: bool = False


class Generator(Protocol):
    """Answers only from the given chunks; every sentence cites quotes from them, or it abstains."""

    name: str

    def generate(self, question: str, contexts: Sequence[ScoredChunk]) -> Draft:
        """Compose an answer draft from the retrieved contexts."""
        ...
