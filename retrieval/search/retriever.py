"""Retrievers: the protocol and dense retrieval over the Chroma store."""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from retrieval.chunk import Chunk, ScoredChunk
from retrieval.index import Index
from retrieval.search.coverage import QueryCoverage
from retrieval.search.facets import Facet, query_facets
from retrieval.search.filters import Filters
from retrieval.settings import Settings
from retrieval.terms import query_words


class Retriever(Protocol):
    """Returns up to k committed chunks most relevant to the query, best first, scores descending."""

    def retrieve(self, query: str, k: int, filters: Filters | None = None) -> list[ScoredChunk]:
        """Retrieve chunks for a query."""
        ...


def _join(index: Index, hits: list[tuple[Chunk, float]], k: int) -> list[ScoredChunk]:
    """Attach document metadata; chunks of documents not (yet) committed are dropped."""
    infos = index.catalog.doc_infos(chunk.doc_id for chunk, _ in hits)
    results = [
        ScoredChunk(chunk=chunk, score=score, source=info.source, title=info.title, date=info.date)
        for chunk, score in hits
        if (info := infos.get(chunk.doc_id)) is not None
    ]
    return results[:k]


class DenseRetriever:
    """Nearest neighbours of the query embedding in Chroma, joined with the manifest."""

    def __init__(self, index: Index) -> None:
        self.index = index

    def retrieve(self, query: str, k: int, filters: Filters | None = None) -> list[ScoredChunk]:
        """Embed the query and look up its nearest committed chunks."""
        vector = self.index.embedder.embed([query])[0]
        f = filters or Filters()
        # Ask for a few extra: chunks of an ingest still in progress are dropped below.
        return _join(self.index, self.index.nearest(vector, k + 8, f.doc_ids, f.sections), k)


class LexicalRetriever:
    """BM25 over chunk texts (the catalog's: SQLite FTS5 or PostgreSQL): exact names, figures and rare terms."""

    def __init__(self, index: Index) -> None:
        self.index = index

    def retrieve(
        self, query: str, k: int, filters: Filters | None = None, facet: Facet | None = None
    ) -> list[ScoredChunk]:
        """Match any content word of the query, ranked by BM25 (within the facet's documents when given)."""
        f = filters or Filters()
        origin, day = (facet.publisher, facet.day) if facet else (None, None)
        hits = self.index.catalog.lexical_search(query_words(query), k, f.doc_ids, f.sections, origin, day)
        return _join(self.index, hits, k)


@dataclass(frozen=True)
class Fusion:
    """How the hybrid retriever fuses and spreads its rankings (the BRIEFLENS_* retrieval settings)."""

    candidates: int = 100
    rrf_k: int = 10
    lexical_weight: float = 1.0
    section_decay: float = 1.0
    document_decay: float = 1.0
    facet_weight: float = 0.0
    coverage_weight: float = 0.0

    @classmethod
    def from_settings(cls, settings: Settings, lookup: bool = False) -> Fusion:
        """The fusion and diversity parameters the settings give (`lookup`: for a single-fact question)."""
        s = settings
        return cls(
            s.retrieval_candidates,
            s.rrf_k,
            s.lexical_weight,
            s.section_decay,
            s.lookup_document_decay if lookup else s.document_decay,
            s.facet_weight,
            s.coverage_weight,
        )


class HybridRetriever:
    """Dense and BM25 candidates fused by reciprocal rank: meaning and exact terms both count."""

    # Publishers and publication days the query names ("the TechCrunch report of October 7") add
    # rankings restricted to their documents, so each named source gets its best passages in; the
    # final pick spreads over sections and documents and favours passages covering parts of the
    # query that earlier picks left uncovered.

    # Coverage is weighed among this many best fused candidates per result slot (bounded work per
    # query); lower down even a full gain rarely lifts a passage into the picks: pools of 2 to 40
    # per slot measured alike on MultiHop-RAG.
    COVERAGE_POOL = 4

    def __init__(self, index: Index, fusion: Fusion | None = None) -> None:
        self.index = index
        self.dense = DenseRetriever(index)
        self.lexical = LexicalRetriever(index)
        f = fusion or Fusion()
        self.candidates = f.candidates
        self.rrf_k = f.rrf_k
        self.lexical_weight = f.lexical_weight
        self.section_decay = f.section_decay
        self.document_decay = f.document_decay
        self.facet_weight = f.facet_weight
        self.coverage_weight = f.coverage_weight

    def retrieve(self, query: str, k: int, filters: Filters | None = None) -> list[ScoredChunk]:
        """Fuse the rankings; the score is the fused reciprocal-rank score as adjusted by the final pick."""
        n = max(self.candidates, k)
        dense = self.dense.retrieve(query, n, filters)
        rankings: list[tuple[float, list[ScoredChunk]]] = [
            (1.0, dense),
            (self.lexical_weight, self.lexical.retrieve(query, n, filters)),
        ]
        if self.facet_weight > 0:
            rankings += self._facet_rankings(query, dense, n, filters)
        fused: dict[str, float] = {}
        chunks: dict[str, ScoredChunk] = {}
        for weight, ranking in rankings:
            for rank, hit in enumerate(ranking, 1):
                fused[hit.chunk.id] = fused.get(hit.chunk.id, 0.0) + weight / (self.rrf_k + rank)
                chunks.setdefault(hit.chunk.id, hit)
        hits = [chunks[cid].model_copy(update={"score": fused[cid]}) for cid in fused]
        coverage = None
        if self.coverage_weight > 0:
            coverage = self._coverage(query, heapq.nlargest(self.COVERAGE_POOL * k, hits, key=lambda h: h.score))
        return self._diversify(hits, k, coverage)

    def _coverage(self, query: str, hits: list[ScoredChunk]) -> QueryCoverage:
        """The query's terms in each candidate's passage, title, publisher and section."""
        # Title and publisher count: a question naming two outlets is covered by one passage of each.
        infos = self.index.catalog.doc_infos(h.chunk.doc_id for h in hits)
        passages = {}
        for h in hits:
            origin = (info.origin or "") if (info := infos.get(h.chunk.doc_id)) is not None else ""
            passages[h.chunk.id] = " ".join((h.chunk.text, h.title, origin, h.chunk.section))
        return QueryCoverage(query, passages)

    def _facet_rankings(
        self, query: str, dense: list[ScoredChunk], n: int, filters: Filters | None
    ) -> list[tuple[float, list[ScoredChunk]]]:
        """Per named publisher or day: its documents' dense candidates and a BM25 search within them."""
        facets = query_facets(query, self.index.catalog.publishers())
        if not facets:
            return []
        # The dense side reuses the candidates already found: one more vector search per facet
        # would cost more than the few documents it could add.
        infos = self.index.catalog.doc_infos(h.chunk.doc_id for h in dense)
        out: list[tuple[float, list[ScoredChunk]]] = []
        for facet in facets:
            mine = [h for h in dense if (info := infos.get(h.chunk.doc_id)) is not None and facet.matches(info)]
            out.append((self.facet_weight, mine))
            out.append((self.facet_weight * self.lexical_weight, self.lexical.retrieve(query, n, filters, facet)))
        return out

    def _diversify(self, hits: list[ScoredChunk], k: int, coverage: QueryCoverage | None = None) -> list[ScoredChunk]:
        """Greedy pick discounting chunks from sections and documents already picked, boosting new query coverage."""
        # Overlapping windows of one paragraph, or many passages of one brief, otherwise crowd out
        # other evidence. Each pick keeps its adjusted score: discounts only grow and coverage gains
        # only shrink as picks accumulate, so greedy maxima never rise and scores descend.
        picked: list[ScoredChunk] = []
        in_section: dict[tuple[str, str], int] = {}
        in_doc: dict[str, int] = {}
        pool = list(hits)
        while pool and len(picked) < k:

            def value(hit: ScoredChunk) -> float:
                c = hit.chunk
                gain = coverage.gain(c.id) if coverage is not None else 0.0
                return (
                    hit.score
                    * self.section_decay ** in_section.get((c.doc_id, c.section), 0)
                    * self.document_decay ** in_doc.get(c.doc_id, 0)
                    * (1.0 + self.coverage_weight * gain)
                )

            best = max(pool, key=value)
            pool.remove(best)
            picked.append(best.model_copy(update={"score": value(best)}))
            if coverage is not None:
                coverage.take(best.chunk.id)
            section = (best.chunk.doc_id, best.chunk.section)
            in_section[section] = in_section.get(section, 0) + 1
            in_doc[best.chunk.doc_id] = in_doc.get(best.chunk.doc_id, 0) + 1
        return picked


def dense(settings: Settings, index: Index) -> Retriever:
    """Nearest neighbours of the query embedding only."""
    return DenseRetriever(index)


def lexical(settings: Settings, index: Index) -> Retriever:
    """BM25 over the catalog only."""
    return LexicalRetriever(index)


def hybrid(settings: Settings, index: Index) -> Retriever:
    """The hybrid retriever with the settings' fusion and diversity parameters."""
    return HybridRetriever(index, Fusion.from_settings(settings))


# Back-ends by the name `BRIEFLENS_RETRIEVER` takes.
RETRIEVERS: dict[str, Callable[[Settings, Index], Retriever]] = {"dense": dense, "lexical": lexical, "hybrid": hybrid}


def for_lookups(settings: Settings, index: Index, retriever: Retriever) -> Retriever:
    """The retriever `ask` uses for a single-fact question: the hybrid one without the document spread by default.

    The spread gives every brief's best passage before another's second, which gathers evidence for a question
    across briefs (MultiHop-RAG R@10 0.896 -> 0.904) but pushes the passage that states a single fact out of the
    top k when its brief holds several close ones: on the 5 training-side SQuAD articles it left the answering
    passage out of the top 5 for 101 of 232 missed answerable questions (bench/answerability.py, off: answered
    right 0.729 -> 0.760, abstained 0.807 -> 0.796).
    """
    if not isinstance(retriever, HybridRetriever) or settings.lookup_document_decay == settings.document_decay:
        return retriever
    return HybridRetriever(index, Fusion.from_settings(settings, lookup=True))
