"""BriefLens: the one object every front end (CLI, API, UI) calls."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from retrieval.answer import ABSTAIN_TEXT, Answer, Context
from retrieval.catalog import DocInfo
from retrieval.chunk import ScoredChunk
from retrieval.document import Document
from retrieval.embedding import Embedder
from retrieval.errors import DocumentNotFound, IndexStateError, QueryError
from retrieval.filters import FilterSpec, resolve, resolve_refs
from retrieval.generation import Draft, Generator
from retrieval.generation.backends import GENERATORS
from retrieval.generation.condense import LLMCondenser
from retrieval.generation.llm import LLMGenerator
from retrieval.index import open_index
from retrieval.ingest import IngestReport, Progress, ingest
from retrieval.prompts import load_prompt
from retrieval.rerank import CrossEncoderReranker, Reranker
from retrieval.retriever import RETRIEVERS
from retrieval.settings import Settings
from retrieval.streaming import AnswerEvent, DraftEvent, SentenceEvent, StreamEvent
from retrieval.verify import verify_sentences


class BriefLens:
    """Ingest, search, ask and browse one index, configured once from Settings."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self.index = open_index(settings, embedder)
        self.retriever = RETRIEVERS[settings.retriever](self.index, settings)
        self.reranker: Reranker | None = (
            CrossEncoderReranker(settings.reranker_path) if settings.reranker_path else None
        )
        self.generator: Generator = GENERATORS[settings.generator](settings, self.index.embedder)

    def close(self) -> None:
        """Release the index and stop anything the generator started."""
        if isinstance(self.generator, LLMGenerator):
            self.generator.close()
        self.index.close()

    def condenser(self) -> Callable[[Sequence[str], str], str | None] | None:
        """A model rewrite of chat follow-ups when a model back-end is configured (None: the word carry-over)."""
        if not isinstance(self.generator, LLMGenerator):
            return None
        return LLMCondenser(self.generator.client, load_prompt("condense", self.settings.prompts_dir))

    def ingest(self, paths: Sequence[Path] | None = None, progress: Progress | None = None) -> IngestReport:
        """Sync the index with the given files and folders (default: the corpus folder)."""
        return ingest(self.index, list(paths) if paths else [self.settings.corpus_dir], progress)

    def documents(self) -> list[DocInfo]:
        """Indexed documents, by source path."""
        return sorted(self.index.catalog.documents().values(), key=lambda d: d.source)

    def document(self, ref: str) -> Document:
        """A document by id, unique id prefix, file name or source path."""
        ids = self.resolve_docs([ref])
        doc = self.index.catalog.document(ids[0])
        if doc is None:
            raise DocumentNotFound(f"no indexed document matches {ref!r}")
        return doc

    def resolve_docs(self, refs: Sequence[str]) -> tuple[str, ...]:
        """Turn ids, id prefixes, file names or source paths into document ids."""
        return resolve_refs(list(refs), self.index.catalog.documents())

    def _check_query(self, text: str) -> str:
        """Reject empty or over-long queries, and queries against an empty index."""
        text = text.strip()
        if not text:
            raise QueryError("the question is empty")
        if len(text) > self.settings.max_question_chars:
            raise QueryError(f"the question is {len(text)} characters; the limit is {self.settings.max_question_chars}")
        if not self.index.catalog.documents():
            raise IndexStateError("the index is empty")
        return text

    def search(self, query: str, k: int | None = None, filters: FilterSpec | None = None) -> list[ScoredChunk]:
        """The k chunks most relevant to the query, within the filters."""
        query = self._check_query(query)
        resolved = resolve(filters, self.index.catalog) if filters else None
        k = k or self.settings.top_k
        if self.reranker is None:
            return self.retriever.retrieve(query, k, resolved)
        candidates = self.retriever.retrieve(query, max(k, self.settings.rerank_candidates), resolved)
        return self.reranker.rerank(query, candidates, k)

    def ask(self, question: str, k: int | None = None, filters: FilterSpec | None = None) -> Answer:
        """Answer from the corpus with verified citations, or say the corpus does not say."""
        hits = self.search(question, k, filters)
        return self._answer(question, hits, self.generator.generate(question.strip(), hits))

    def ask_stream(
        self, question: str, k: int | None = None, filters: FilterSpec | None = None
    ) -> Iterator[StreamEvent]:
        """Like `ask`, as typed events (see retrieval.streaming); the last event holds the same Answer `ask` returns."""
        hits = self.search(question, k, filters)
        if not isinstance(self.generator, LLMGenerator):
            answer = self._answer(question, hits, self.generator.generate(question.strip(), hits))
            yield from (SentenceEvent(s, kept=True) for s in answer.sentences)
            yield AnswerEvent(answer)
            return
        for event in self.generator.stream(question.strip(), hits):
            if isinstance(event, DraftEvent):
                yield AnswerEvent(self._answer(question, hits, event.draft))
            else:
                yield event

    def _answer(self, question: str, hits: list[ScoredChunk], draft: Draft) -> Answer:
        """Verify the draft's quotes at their offsets and assemble the Answer."""
        sentences = verify_sentences(draft.sentences, self.index.catalog.document)
        kept = tuple(s for s in sentences if s.citations or (draft.keep_unsupported and not s.supported))
        abstained = draft.abstained or not kept
        return Answer(
            question=question.strip(),
            answer=ABSTAIN_TEXT if abstained else " ".join(s.text for s in kept),
            abstained=abstained,
            sentences=() if abstained else kept,
            contexts=tuple(_context(h) for h in hits),
            relevance=round(draft.relevance, 4),
            generator=draft.generator or self.generator.name,
            removed_sentences=draft.removed,
            flagged_sentences=draft.flagged,
            dropped_citations=draft.dropped_citations,
            notes=draft.notes,
        )


def _context(hit: ScoredChunk) -> Context:
    """The contract shape of a retrieved passage."""
    c = hit.chunk
    return Context(
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
