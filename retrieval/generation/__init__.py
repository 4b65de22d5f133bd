"""Generators: turn a question and retrieved chunks into cited answer sentences."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Protocol

from retrieval.answer import Draft
from retrieval.chunk import ScoredChunk
from retrieval.streaming import GeneratorEvent
from retrieval.writing.compose import Composer

# Rewrites a chat follow-up (given the earlier questions) into a standalone question; None: use the word carry-over.
Condenser = Callable[[Sequence[str], str], str | None]


class Generator(Protocol):
    """Answers only from the given chunks; every sentence cites quotes from them, or it abstains.

    Front ends ask these members, never the back-end's type: `streams_tokens` (show text as it arrives),
    `endpoint` (where its model is served, None in-process), `reachable()` (health), `close()`.
    """

    name: str
    # True when `stream` yields the model's raw text (TokenEvents) before the verified sentences.
    streams_tokens: bool
    # The model server's URL for status lines; None when the back-end runs in-process.
    endpoint: str | None

    def generate(self, question: str, contexts: Sequence[ScoredChunk]) -> Draft:
        """Compose an answer draft from the retrieved contexts (no contexts: an abstention)."""
        ...

    def stream(self, question: str, contexts: Sequence[ScoredChunk]) -> Iterator[GeneratorEvent]:
        """Events as the answer is written; the last is exactly one DraftEvent holding what `generate` returns."""
        ...

    def reachable(self) -> bool:
        """Whether the back-end can answer now (a cheap probe; True for an in-process back-end)."""
        ...

    def close(self) -> None:
        """Stop anything the back-end started; idempotent."""
        ...

    def composer(self, prompts_dir: Path | None) -> Composer:
        """The composer that writes summaries and drafts the way this back-end answers (sharing its model)."""
        ...

    def condenser(self, prompts_dir: Path | None) -> Condenser | None:
        """A rewrite of chat follow-ups by this back-end's model, or None when it has no model."""
        ...
