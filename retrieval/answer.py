"""Answer: sentences with their citations and support verdicts, or an abstention."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict

from retrieval.chunk import ScoredChunk
from retrieval.citation import Citation

ABSTAIN_TEXT = "The corpus does not say."

# What a question asks for (retrieval.kinds classifies it): one fact, a brief's metadata, names across briefs,
# a list, a side-by-side comparison, or a reason spanning linked sentences.
QuestionKind = Literal["lookup", "metadata", "aggregation", "list", "comparison", "why"]


class AnswerSentence(BaseModel):
    """One sentence of an answer, the quotes that support it and the support verdict."""

    model_config = ConfigDict(frozen=True)

    text: str
    citations: tuple[Citation, ...] = ()
    supported: bool = True
    support: float = 1.0


class Context(BaseModel):
    """A retrieved passage shown to the generator."""

    model_config = ConfigDict(frozen=True)

    chunk_id: str
    doc_id: str
    source: str
    title: str
    section: str
    score: float
    text: str
    start: int
    end: int

    @classmethod
    def of(cls, hit: ScoredChunk) -> Context:
        """The contract shape of a retrieved passage."""
        c = hit.chunk
        return cls(
            chunk_id=c.id,
            doc_id=c.doc_id,
            source=hit.source,
            title=hit.title,
            section=c.section,
            score=round(hit.score, 4),
            text=c.text,
            start=c.start,
            end=c.end,
        )


@dataclass(frozen=True)
class Draft:
    """A generator's (or composer's) output before verification: sentences with citations, or an abstention."""

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


class GateReport(BaseModel):
    """What the faithfulness gate did to model-written text, and notes such as a fallback to extractive text."""

    # Answer, Summary and ReportDraft list this class first among their bases: pydantic takes the fields of the
    # last base first, so these four come last and the JSON stays flat, in its documented order.
    model_config = ConfigDict(frozen=True)

    removed_sentences: int = 0
    flagged_sentences: int = 0
    dropped_citations: int = 0
    notes: tuple[str, ...] = ()

    @classmethod
    def of(cls, draft: Draft) -> GateReport:
        """The gate's counts and notes on one generator draft."""
        return cls(
            removed_sentences=draft.removed,
            flagged_sentences=draft.flagged,
            dropped_citations=draft.dropped_citations,
            notes=draft.notes,
        )

    @classmethod
    def total(cls, drafts: Sequence[Draft]) -> GateReport:
        """The counts summed over drafts, and their distinct notes in order."""
        return cls(
            removed_sentences=sum(d.removed for d in drafts),
            flagged_sentences=sum(d.flagged for d in drafts),
            dropped_citations=sum(d.dropped_citations for d in drafts),
            notes=tuple(dict.fromkeys(note for d in drafts for note in d.notes)),
        )


class _AnswerFields(BaseModel):
    """The fields of an Answer before its GateReport."""

    model_config = ConfigDict(frozen=True)

    question: str
    answer: str
    abstained: bool
    sentences: tuple[AnswerSentence, ...] = ()
    contexts: tuple[Context, ...] = ()
    relevance: float = 0.0
    # Defaulted so answers built before question kinds existed (and their JSON) still validate; before
    # `generator`, which stays just ahead of the gate's fields as in Summary and ReportDraft.
    kind: QuestionKind = "lookup"
    generator: str = "extractive"


class Answer(GateReport, _AnswerFields):
    """The answer to a question: cited sentences, or an abstention with no citations."""

    @property
    def citations(self) -> list[Citation]:
        """Every citation of every sentence, in order."""
        return [c for s in self.sentences for c in s.citations]
