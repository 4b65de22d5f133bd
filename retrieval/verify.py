"""Verification: every citation's quote must be its document's text at the stated offsets."""

from __future__ import annotations

from collections.abc import Callable

from retrieval.answer import AnswerSentence
from retrieval.citation import Citation
from retrieval.document import Document
from retrieval.textnorm import locate


def verify_citation(citation: Citation, doc: Document | None) -> Citation | None:
    """Return the citation with exact offsets, relocating a quote that moved; None if not in the document."""
    if doc is None or not citation.quote.strip():
        return None
    if doc.text[citation.start : citation.end] == citation.quote:
        return citation
    span = locate(citation.quote, doc.text, hint=max(0, citation.start - 50))
    if span is None:
        return None
    start, end = span
    return citation.model_copy(update={"start": start, "end": end, "quote": doc.text[start:end]})


def verify_sentences(
    sentences: tuple[AnswerSentence, ...], fetch: Callable[[str], Document | None]
) -> tuple[AnswerSentence, ...]:
    """Keep only valid citations; a sentence left with none is marked unsupported."""
    cache: dict[str, Document | None] = {}
    out: list[AnswerSentence] = []
    for sentence in sentences:
        valid: list[Citation] = []
        for citation in sentence.citations:
            if citation.doc_id not in cache:
                cache[citation.doc_id] = fetch(citation.doc_id)
            checked = verify_citation(citation, cache[citation.doc_id])
            if checked is not None:
                valid.append(checked)
        out.append(
            sentence.model_copy(update={"citations": tuple(valid), "supported": bool(valid) and sentence.supported})
        )
    return tuple(out)
