"""Composers: turn selected evidence sentences into the sentences of a summary or a draft paragraph.

`ExtractiveComposer` returns the evidence itself; the model composer (retrieval.generation.composer) rewrites it
from fenced, numbered evidence and passes its text through the same faithfulness gate as answers. Which one
writes is chosen by retrieval.generation.backends.make_composer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from retrieval.answer import AnswerSentence, Draft


@dataclass(frozen=True)
class Task:
    """What to write: a summary of `title`, subsection `heading` of report section `title`, or an answer to `title`."""

    kind: Literal["summary", "draft", "answer"]
    title: str
    heading: str = ""
    outline: tuple[str, ...] = ()
    guidance: str = ""

    @property
    def instruction(self) -> str:
        """One line saying what is written (the judge's question when the gate checks a sentence)."""
        if self.kind == "summary":
            return f"Summarise {self.title}"
        if self.kind == "answer":
            return self.title
        return f"{self.title}: {self.heading}"


class Composer(Protocol):
    """Writes from evidence only: every output sentence carries citations drawn from the evidence, or is flagged."""

    name: str

    def compose(self, task: Task, evidence: Sequence[AnswerSentence], limit: int) -> Draft:
        """At most `limit` sentences serving `task`, each citing quotes of `evidence`, with the gate's counts."""
        ...


class ExtractiveComposer:
    """No model: the evidence, already selected and ordered, is the text (every sentence a quote)."""

    name = "extractive"

    def compose(self, task: Task, evidence: Sequence[AnswerSentence], limit: int) -> Draft:
        """Return the first `limit` evidence sentences unchanged."""
        kept = tuple(evidence[:limit])
        relevance = max((s.support for s in kept), default=0.0)
        return Draft(kept, abstained=not kept, relevance=relevance, generator=self.name)
