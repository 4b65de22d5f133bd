"""Rerank by answerability: passages holding a sentence that may answer the question come first."""

from __future__ import annotations

from retrieval.chunk import ScoredChunk
from retrieval.sentences import split_sentences
from retrieval.support.answerability import answers, context_before


def may_answer(question: str, hit: ScoredChunk) -> bool:
    """Whether any sentence of the passage passes the answer-type, focus and polarity checks."""
    text = hit.chunk.text
    spans = split_sentences(text)
    section = hit.chunk.section
    return any(answers(question, text[a:b], context_before(text, a, section)) is None for a, b in spans)


class AnswerReranker:
    """Stable partition of the candidates: those that may answer the question, then the rest, each in retrieval order.

    No new scores: the fused retrieval score stays what the extractive answer's relevance bar reads.
    """

    def rerank(self, query: str, hits: list[ScoredChunk], k: int) -> list[ScoredChunk]:
        """The k candidates that may answer first, then the others."""
        answering = [may_answer(query, h) for h in hits]
        ranked = [h for h, ok in zip(hits, answering, strict=True) if ok]
        ranked += [h for h, ok in zip(hits, answering, strict=True) if not ok]
        return ranked[:k]
