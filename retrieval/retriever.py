"""Retrievers: the protocol and dense retrieval over the Chroma store."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from retrieval.chunk import Chunk, ScoredChunk
from retrieval.filters import Filters
from retrieval.index import Index
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
        hits = self.index.exact_search(vector, k + 8, f.doc_ids, f.sections)
        if hits is None:
            hits = self.index.store.query(vector, k + 8, f.doc_ids, f.sections)
        return _join(self.index, hits, k)


class LexicalRetriever:
    """BM25 over chunk texts (SQLite FTS5): exact names, figures and rare terms."""

    def __init__(self, index: Index) -> None:
        self.index = index

    def retrieve(self, query: str, k: int, filters: Filters | None = None) -> list[ScoredChunk]:
        """Match any content word of the query, ranked by BM25."""
        f = filters or Filters()
        hits = self.index.catalog.lexical_search(query_words(query), k, f.doc_ids, f.sections)
        return _join(self.index, hits, k)


class HybridRetriever:
    """Dense and BM25 candidates fused by reciprocal rank: meaning and exact terms both count."""

    def __init__(
        self,
        index: Index,
        candidates: int = 30,
        rrf_k: int = 60,
        lexical_weight: float = 1.0,
        section_decay: float = 1.0,
    ) -> None:
        self.dense = DenseRetriever(index)
        self.lexical = LexicalRetriever(index)
        self.candidates = candidates
        self.rrf_k = rrf_k
        self.lexical_weight = lexical_weight
        self.section_decay = section_decay

    def retrieve(self, query: str, k: int, filters: Filters | None = None) -> list[ScoredChunk]:
        """Fuse the two rankings; the score is the fused reciprocal-rank score."""
        n = max(self.candidates, k)
        fused: dict[str, float] = {}
        chunks: dict[str, ScoredChunk] = {}
        for weight, ranking in (
            (1.0, self.dense.retrieve(query, n, filters)),
            (self.lexical_weight, self.lexical.retrieve(query, n, filters)),
        ):
            for rank, hit in enumerate(ranking, 1):
                fused[hit.chunk.id] = fused.get(hit.chunk.id, 0.0) + weight / (self.rrf_k + rank)
                chunks.setdefault(hit.chunk.id, hit)
        return self._diversify([chunks[cid].model_copy(update={"score": fused[cid]}) for cid in fused], k)

    def _diversify(self, hits: list[ScoredChunk], k: int) -> list[ScoredChunk]:
        """Greedy pick that discounts chunks from a section already picked: overlapping windows of one
        paragraph otherwise crowd out other evidence (a structural form of MMR)."""
        picked: list[ScoredChunk] = []
        seen: dict[tuple[str, str], int] = {}
        pool = list(hits)
        while pool and len(picked) < k:

            def value(hit: ScoredChunk) -> float:
                return hit.score * self.section_decay ** seen.get((hit.chunk.doc_id, hit.chunk.section), 0)

            best = max(pool, key=value)
            pool.remove(best)
            picked.append(best.model_copy(update={"score": value(best)}))
            key = (best.chunk.doc_id, best.chunk.section)
            seen[key] = seen.get(key, 0) + 1
        return picked


def _hybrid(index: Index, settings: Settings) -> Retriever:
    """The hybrid retriever with the settings' fusion and diversity parameters."""
    return HybridRetriever(
        index, settings.retrieval_candidates, settings.rrf_k, settings.lexical_weight, settings.section_decay
    )


# Back-ends by the name `BRIEFLENS_RETRIEVER` takes.
RETRIEVERS: dict[str, Callable[[Index, Settings], Retriever]] = {
    "dense": lambda index, _: DenseRetriever(index),
    "lexical": lambda index, _: LexicalRetriever(index),
    "hybrid": _hybrid,
}
