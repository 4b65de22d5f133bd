"""The briefs a synthesis answer cites: a document with what a citation of it needs, and the brief a question names."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from retrieval.chunk import ScoredChunk
from retrieval.citation import Citation
from retrieval.document import Document
from retrieval.index.catalog import Catalog, DocInfo
from retrieval.sentences import split_sentences
from retrieval.terms import content_terms, term_set

# Words that name a brief's metadata rather than its subject: they must not pick the brief.
_META_WORDS = frozenset(
    content_terms(
        "updated update date published publisher publishes title titled called sections section headings "
        "heading sources source rest based many number last who when what which"
    )
)
HEADER_CHARS = 400  # the title block: title, subtitle and first headings


@dataclass(frozen=True)
class Brief:
    """An indexed document, its catalog row and its chunk spans (every citation names the chunk holding it)."""

    doc: Document
    info: DocInfo
    spans: tuple[tuple[str, int, int], ...]

    def cite(self, start: int, end: int) -> Citation:
        """A citation of the document's text at [start, end), in the chunk that holds its start."""
        chunk_id = next((cid for cid, a, b in self.spans if a <= start < b), self.spans[-1][0] if self.spans else "")
        return Citation(
            doc_id=self.doc.id,
            chunk_id=chunk_id,
            source=self.info.source,
            title=self.info.title,
            quote=self.doc.text[start:end],
            start=start,
            end=end,
            date=self.info.date,
            section=self.doc.section_at(start),
        )

    def sentence_at(self, offset: int) -> tuple[int, int]:
        """The span of the sentence (or bullet, or heading line) holding `offset`."""
        text = self.doc.text
        line_start, line_end = line_span(text, offset)
        for a, b in split_sentences(text, line_start, line_end):
            if a <= offset < b:
                return a, b
        return line_start, line_end

    def headings(self) -> str:
        """The title block and section titles: the words a question uses to name this brief."""
        return " ".join([self.info.title, self.doc.text[:HEADER_CHARS], *(s.title for s in self.doc.sections)])


def line_span(text: str, pos: int) -> tuple[int, int]:
    """The span of the line holding `pos`."""
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, len(text) if end < 0 else end


def load_briefs(catalog: Catalog, doc_ids: Sequence[str] | None = None) -> list[Brief]:
    """The committed briefs (all, or those of `doc_ids`) in source order."""
    infos = catalog.documents() if doc_ids is None else catalog.doc_infos(doc_ids)
    out: list[Brief] = []
    for info in sorted(infos.values(), key=lambda d: d.source):
        doc = catalog.document(info.doc_id)
        if doc is not None:
            out.append(Brief(doc, info, tuple(catalog.chunk_spans(info.doc_id))))
    return out


def named_brief(question: str, briefs: Sequence[Brief], hits: Sequence[ScoredChunk]) -> Brief | None:
    """The brief a question is about: named by its title, else by most words of its headings, else the best hit's."""
    if not briefs:
        return None
    folded = question.casefold()
    titled = [b for b in briefs if b.info.title.casefold() in folded]
    if titled:
        return max(titled, key=lambda b: len(b.info.title))
    wanted = set(content_terms(question, drop_question_words=True)) - _META_WORDS
    scores = [len(wanted & term_set(b.headings())) for b in briefs]
    best = max(scores)
    tied = [b for b, s in zip(briefs, scores, strict=True) if s == best]
    if len(tied) == 1:
        return tied[0]
    if best == 0 and wanted and not any(wanted & term_set(h.chunk.text) for h in hits):
        return None  # "the brief on sourdough bread": no brief is about what the question names
    # A tie (often: no heading word at all) goes to the brief the retrieved passages mostly come from.
    weight: dict[str, float] = {}
    for hit in hits:
        weight[hit.chunk.doc_id] = weight.get(hit.chunk.doc_id, 0.0) + hit.score
    return max(tied, key=lambda b: weight.get(b.doc.id, 0.0))
