"""Composers: turn selected evidence sentences into the sentences of a summary or a draft paragraph.

This is the seam for abstractive writing: an LLM composer (issue 10) implements `Composer`, cites
the evidence it rewrites, and its output passes the same citation verification as the extractive one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from retrieval.answer import AnswerSentence
from retrieval.errors import ConfigError


class Composer(Protocol):
    """Writes from evidence only: every output sentence carries citations drawn from the evidence."""

    name: str

    def compose(self, instruction: str, evidence: Sequence[AnswerSentence], limit: int) -> tuple[AnswerSentence, ...]:
        """At most `limit` sentences serving `instruction`, each citing quotes of `evidence`."""
        ...


class ExtractiveComposer:
    """No model: the evidence, already selected and ordered, is the text (every sentence a quote)."""

    name = "extractive"

    def compose(self, instruction: str, evidence: Sequence[AnswerSentence], limit: int) -> tuple[AnswerSentence, ...]:
        """Return the first `limit` evidence sentences unchanged."""
        return tuple(evidence[:limit])


COMPOSERS: dict[str, Callable[[], Composer]] = {"extractive": ExtractiveComposer}


def make_composer(name: str) -> Composer:
    """The composer registered under `name`."""
    try:
        return COMPOSERS[name]()
    except KeyError as e:
        raise ConfigError(f"no composer {name!r} for summaries and drafts; known: {', '.join(COMPOSERS)}") from e
