"""Sentence salience for summaries and drafts: candidates with offsets, centrality, position cues, MMR."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from retrieval.answer import AnswerSentence
from retrieval.citation import Citation
from retrieval.document import Document
from retrieval.index.catalog import DocInfo
from retrieval.index.embedding import Embedder, Vectors
from retrieval.sentences import split_sentences
from retrieval.textnorm import normalize

# Shorter spans are headings, labels or fragments, not statements worth quoting.
MIN_WORDS = 6
# A statement ends in terminal punctuation (maybe closed by a quote or bracket); page furniture does not.
_STATEMENT_END = re.compile(r"[.!?…][\"'”’)\]]*$")
# Position cues: the first sentence of a section states its point; a paragraph's first sentence less so.
SECTION_LEAD = 1.0
PARAGRAPH_LEAD = 0.5


@dataclass(frozen=True)
class Candidate:
    """A quotable sentence of an indexed brief: exact span, section, chunk and position cue."""

    doc: DocInfo
    chunk_id: str
    section: str
    start: int
    end: int
    quote: str
    lead: float

    @property
    def key(self) -> tuple[str, int]:
        """Identity of the sentence across chunks that overlap."""
        return self.doc.doc_id, self.start

    def sentence(self, support: float = 1.0) -> AnswerSentence:
        """The candidate as a cited sentence whose quote is exactly its span of the document."""
        citation = Citation(
            doc_id=self.doc.doc_id,
            chunk_id=self.chunk_id,
            source=self.doc.source,
            title=self.doc.title,
            quote=self.quote,
            start=self.start,
            end=self.end,
            date=self.doc.date,
            section=self.section,
        )
        # The quote itself, typographic quotes and all: a summary promises the source's own words.
        return AnswerSentence(text=self.quote, citations=(citation,), support=round(support, 4))


def _is_heading(doc: Document, start: int, quote: str) -> bool:
    """True for a heading line, so headings are never quoted as statements."""
    return any(s.start == start or normalize(quote).strip("# ") == s.title for s in doc.sections)


def _chunk_of(chunks: Sequence[tuple[str, int, int]], start: int, end: int) -> str | None:
    """The chunk holding most of the span (a sentence longer than a chunk is split across several)."""
    best, best_overlap = None, 0
    for chunk_id, a, b in chunks:
        overlap = min(b, end) - max(a, start)
        if overlap > best_overlap:
            best, best_overlap = chunk_id, overlap
    return best


def document_candidates(
    doc: Document,
    info: DocInfo,
    chunks: Sequence[tuple[str, int, int]],
    sections: Sequence[str] = (),
) -> list[Candidate]:
    """Every quotable sentence of the body, optionally only in sections whose path contains one of `sections`."""
    wanted = tuple(s.lower() for s in sections)
    out: list[Candidate] = []
    previous_end, after_heading = doc.body_start, True
    for start, end in split_sentences(doc.text, doc.body_start):
        if _is_heading(doc, start, doc.text[start:end]):
            previous_end, after_heading = end, True
            continue
        new_paragraph = "\n" in doc.text[previous_end:start]
        lead = SECTION_LEAD if after_heading else PARAGRAPH_LEAD if new_paragraph else 0.0
        previous_end, after_heading = end, False
        quote = doc.text[start:end]
        section = doc.section_at(start)
        if (
            len(quote.split()) < MIN_WORDS
            or not _STATEMENT_END.search(quote)
            or (wanted and not any(w in section.lower() for w in wanted))
        ):
            continue
        chunk_id = _chunk_of(chunks, start, end)
        if chunk_id is not None:
            out.append(Candidate(info, chunk_id, section, start, end, quote, lead))
    return out


def centrality(vectors: Vectors) -> np.ndarray:
    """Degree centrality: mean positive cosine to the other sentences, scaled to [0, 1]."""
    n = len(vectors)
    if n < 2:
        return np.ones(n, dtype=np.float32)
    sims = np.clip(vectors @ vectors.T, 0.0, None)
    np.fill_diagonal(sims, 0.0)
    degree = sims.sum(axis=1) / (n - 1)
    top = float(degree.max())
    return np.asarray(degree / top if top > 0 else degree, dtype=np.float32)


def embed_candidates(candidates: Sequence[Candidate], embedder: Embedder) -> Vectors:
    """Sentence vectors (normalised text, so line wraps do not change the meaning)."""
    if not candidates:
        return np.zeros((0, embedder.dimension), dtype=np.float32)
    return embedder.embed([normalize(c.quote) for c in candidates])


def mmr(
    salience: np.ndarray,
    vectors: Vectors,
    limit: int,
    diversity: float,
    groups: Sequence[str] | None = None,
    group_decay: float = 1.0,
    seed: Sequence[int] = (),
) -> list[int]:
    """Maximal marginal relevance: salient sentences unlike those already chosen (`seed` first), spread over groups."""
    chosen: list[int] = list(seed)[:limit]
    used: dict[str, int] = {}
    for i in chosen:
        if groups is not None:
            used[groups[i]] = used.get(groups[i], 0) + 1
    while len(chosen) < min(limit, len(salience)):
        best, best_value = -1, -np.inf
        for i in range(len(salience)):
            if i in chosen:
                continue
            overlap = float(np.max(vectors[chosen] @ vectors[i])) if chosen else 0.0
            value = (1 - diversity) * float(salience[i]) - diversity * overlap
            if groups is not None:
                # A section already quoted yields less: a summary should cover the brief's structure.
                value -= (1 - group_decay) * used.get(groups[i], 0)
            if value > best_value:
                best, best_value = i, value
        chosen.append(best)
        if groups is not None:
            used[groups[best]] = used.get(groups[best], 0) + 1
    return chosen
