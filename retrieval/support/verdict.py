"""What a judge returns: per-sentence verdicts with the best source quote, and the item's verdict."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Reason = Literal[
    "number mismatch",
    "date mismatch",
    "entity absent from source",
    "negation flip",
    "hedging changed",
    "no support",
]


class SentenceVerdict(BaseModel):
    """One claim: supported or not, its score, the best source quote (exact offsets) and why it fails."""

    model_config = ConfigDict(frozen=True)

    text: str
    supported: bool
    score: float = Field(ge=0.0, le=1.0)
    quote: str
    start: int
    end: int
    reason: Reason | None = None
    detail: str = ""
    cosine: float = 0.0
    overlap: float = 0.0
    label: bool | None = None


class Verdict(BaseModel):
    """A whole answer or summary: faithful when every sentence is supported; score is the lowest sentence score."""

    model_config = ConfigDict(frozen=True)

    faithful: bool
    score: float = Field(ge=0.0, le=1.0)
    sentences: tuple[SentenceVerdict, ...] = ()
    judge: str = "offline"
    threshold: float = 0.5

    @classmethod
    def of(cls, sentences: Sequence[SentenceVerdict], judge: str, threshold: float) -> Verdict:
        """The item's verdict from its claims' (faithful with score 1.0 when there are none)."""
        return cls(
            faithful=all(s.supported for s in sentences),
            score=min((s.score for s in sentences), default=1.0),
            sentences=tuple(sentences),
            judge=judge,
            threshold=threshold,
        )

    @property
    def unsupported(self) -> list[SentenceVerdict]:
        """The sentences the judge did not find supported."""
        return [s for s in self.sentences if not s.supported]
