"""BriefLens: the one object every front end (CLI, API, UI) calls."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from retrieval.answer import ABSTAIN_TEXT, Answer, Context
from retrieval.catalog import DocInfo
from retrieval.chunk import ScoredChunk
from retrieval.document import Document
from retrieval.embedding import Embedder
from retrieval.errors import DocumentNotFound, IndexStateError, QueryError
from retrieval.filters import FilterSpec, resolve, resolve_refs
from retrieval.generation import Generator
from retrieval.generation.extractive import Abstention, ExtractiveGenerator
from retrieval.index import open_index
from retrieval.ingest import IngestReport, Progress, ingest
from retrieval.rerank import CrossEncoderReranker, Reranker
from retrieval.retriever import RETRIEVERS
from retrieval.settings import Settings
from retrieval.verify import verify_sentences

# The most passages one request may ask for (the CLI's -k and Settings.top_k share this bound).
MAX_K = 100


class BriefLens:
    """Ingest, search, ask and browse one index, configured once from Settings."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self.index = open_index(settings, embedder)
        self.retriever = RETRIEVERS[settings.retriever](self.index, settings)
        self.reranker: Reranker | None = (
            CrossEncoderReranker(settings.reranker_path) if settings.reranker_path else None
        )
        abstention = Abstention(settings.abstain_threshold, settings.abstain_slope, settings.cosine_weight)
        self.generator: Generator = ExtractiveGenerator(self.index.embedder, abstention, settings.answer_max_sentences)

    def close(self) -> None:
        """Release the index."""
        self.index.close()

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
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as e:  # lone surrogates: undecodable bytes in argv, or bad JSON escapes
            raise QueryError("the question is not valid UTF-8 text (it holds undecodable bytes)") from e
        if len(text) > self.settings.max_question_chars:
            raise QueryError(f"the question is {len(text)} characters; the limit is {self.settings.max_question_chars}")
        if not self.index.catalog.documents():
            raise IndexStateError("the index is empty")
        return text

    def search(self, query: str, k: int | None = None, filters: FilterSpec | None = None) -> list[ScoredChunk]:
        """The k chunks most relevant to the query, within the filters."""
        query = self._check_query(query)
        if k is not None and not 1 <= k <= MAX_K:
            raise QueryError(f"k must be between 1 and {MAX_K}, got {k}")
        resolved = resolve(filters, self.index.catalog) if filters else None
        k = k or self.settings.top_k
        if self.reranker is None:
            return self.retriever.retrieve(query, k, resolved)
        candidates = self.retriever.retrieve(query, max(k, self.settings.rerank_candidates), resolved)
        return self.reranker.rerank(query, candidates, k)

    def ask(self, question: str, k: int | None = None, filters: FilterSpec | None = None) -> Answer:
        """Answer from the corpus with verified citations, or say the corpus does not say."""
        hits = self.search(question, k, filters)
        draft = self.generator.generate(question.strip(), hits)
        sentences = verify_sentences(draft.sentences, self.index.catalog.document)
        kept = tuple(s for s in sentences if s.citations)
        abstained = draft.abstained or not kept
        return Answer(
            question=question.strip(),
            answer=ABSTAIN_TEXT if abstained else " ".join(s.text for s in kept),
            abstained=abstained,
            sentences=() if abstained else kept,
            contexts=tuple(_context(h) for h in hits),
            relevance=round(draft.relevance, 4),
            generator=self.generator.name,
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
