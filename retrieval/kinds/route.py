"""Answer a classified question of a kind one quote cannot answer, as a draft the service verifies like any other."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from retrieval.answer import AnswerSentence, Context, Draft, QuestionKind
from retrieval.chunk import Chunk, ScoredChunk
from retrieval.generation.extractive import Abstention
from retrieval.index.catalog import Catalog, DocInfo
from retrieval.index.embedding import Embedder
from retrieval.kinds.aggregate import answer_aggregation
from retrieval.kinds.briefs import Brief, load_briefs, named_brief
from retrieval.kinds.entity_index import EntityIndex
from retrieval.kinds.evidence import answer_evidence
from retrieval.kinds.metadata import answer_metadata
from retrieval.search.filters import FilterSpec
from retrieval.writing.compare import Comparison


@dataclass
class Synthesis:
    """What the kinds' answers read: the catalog, the embedder, the abstention bar, the entity cache, `compare`."""

    catalog: Catalog
    embedder: Embedder
    abstention: Abstention
    compare: Callable[[str, FilterSpec | None], Comparison]
    entities: EntityIndex = field(default_factory=EntityIndex)

    def answer(
        self, kind: QuestionKind, question: str, hits: Sequence[ScoredChunk], scope: Sequence[str] | None = None
    ) -> Draft:
        """The draft answer of a non-lookup question: cited sentences, or an abstention.

        `scope` is the documents the user's filters allow (None: all); metadata and names across briefs read
        whole briefs, not the (already filtered) passages, so they are limited to it here.
        """
        if kind == "comparison":
            return self._comparison(question, scope)
        if kind in ("list", "why"):
            # Only the briefs' titles are needed here: no document text is read for them.
            focus, within = _focused(question, self.catalog.documents().values(), hits)
            return answer_evidence(focus, kind, within, self.embedder, self.abstention, self._brief)
        briefs = load_briefs(self.catalog, scope)
        if kind == "metadata":
            brief = named_brief(question, briefs, hits)
            return _draft(answer_metadata(question, brief) if brief is not None else ())
        named = {info.doc_id for info in _titled(question, [b.info for b in briefs])}
        chosen = [b for b in briefs if b.doc.id in named] or briefs
        return _draft(answer_aggregation(question, chosen, self.entities.of(chosen)))

    def contexts(self, sentences: Sequence[AnswerSentence], hits: Sequence[ScoredChunk]) -> tuple[Context, ...]:
        """The retrieved passages, then each passage the answer cites that retrieval did not return (score 0).

        Metadata and names across briefs are read from whole briefs, not from the retrieved passages: the
        passages they cite are what the answer rests on, for the reader and for faithfulness scoring alike.
        """
        out = [Context.of(h) for h in hits]
        seen = {c.chunk_id for c in out}
        for citation in (c for s in sentences for c in s.citations):
            if citation.chunk_id in seen:
                continue
            seen.add(citation.chunk_id)
            doc = self.catalog.document(citation.doc_id)
            span = next(
                ((a, b) for cid, a, b in self.catalog.chunk_spans(citation.doc_id) if cid == citation.chunk_id), None
            )
            if doc is None or span is None:
                continue
            a, b = span
            text, section = doc.text[a:b], doc.section_at(a)
            chunk = Chunk(id=citation.chunk_id, doc_id=citation.doc_id, text=text, start=a, end=b, section=section)
            out.append(Context.of(ScoredChunk(chunk=chunk, score=0.0, source=citation.source, title=citation.title)))
        return tuple(out)

    def _brief(self, doc_id: str) -> Brief | None:
        """One brief by id, with what its citations need."""
        found = load_briefs(self.catalog, [doc_id])
        return found[0] if found else None

    def _comparison(self, question: str, scope: Sequence[str] | None) -> Draft:
        """The comparison's statements, brief by brief, as one answer; only the briefs `scope` allows."""
        if scope is not None and not scope:
            return Draft(sentences=(), abstained=True, relevance=0.0)
        result = self.compare(question, FilterSpec(docs=tuple(scope)) if scope is not None else None)
        sentences = tuple(s for column in result.columns for s in column.sentences)
        if result.abstained or not sentences:
            return Draft(sentences=(), abstained=True, relevance=0.0)
        return Draft(sentences=sentences, abstained=False, relevance=max(s.support for s in sentences))


def _titled(question: str, infos: Iterable[DocInfo]) -> list[DocInfo]:
    """The briefs a question names by title ("most often in the Big Picture Brief"), by source; empty when none."""
    folded = question.casefold()
    return sorted((i for i in infos if i.title and i.title.casefold() in folded), key=lambda i: i.source)


def _focused(question: str, infos: Iterable[DocInfo], hits: Sequence[ScoredChunk]) -> tuple[str, list[ScoredChunk]]:
    """The question without the title of a brief it names, and the passages of that brief alone.

    "What risks does the Big Picture Brief list?" asks about risks in one brief: its title is scope, not
    content, and left in it would make the title line the best match and every sentence "not name" it.
    """
    titled = _titled(question, infos)
    if not titled:
        return question, list(hits)
    focus = question
    for info in titled:
        focus = re.sub(r"(?:\bthe\s+)?" + re.escape(info.title), "the brief", focus, flags=re.I)
    ids = {info.doc_id for info in titled}
    within = [h for h in hits if h.chunk.doc_id in ids]
    return " ".join(focus.split()), within or list(hits)


def _draft(sentences: tuple[AnswerSentence, ...]) -> Draft:
    """A draft of cited sentences; an abstention when there are none."""
    return Draft(sentences=sentences, abstained=not sentences, relevance=1.0 if sentences else 0.0)
