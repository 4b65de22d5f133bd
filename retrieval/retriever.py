"""Retrievers: the protocol and dense retrieval over the Chroma store."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from retrieval.chunk import ScoredChunk
from retrieval.index import Index


@dataclass(frozen=True)
class Filters:
    """Restrictions on what may be retrieved (resolved to document ids by the caller)."""

    doc_ids: tuple[str, ...] | None = None


class Retriever(Protocol):
    """Returns up to k committed chunks most relevant to the query, best first, scores descending."""

    def retrieve(self, query: str, k: int, filters: Filters | None = None) -> list[ScoredChunk]:
        """Retrieve chunks for a query."""
        ...


class DenseRetriever:
    """Nearest neighbours of the query embedding in Chroma, joined with the manifest."""

    def __init__(self, index: Index) -> None:
        self.index = index

    def retrieve(self, query: str, k: int, filters: Filters | None = None) -> list[ScoredChunk]:
        """Embed the query and look up its nearest committed chunks."""
        vector = self.index.embedder.embed([query])[0]
        doc_ids: Sequence[str] | None = filters.doc_ids if filters else None
        # Ask for a few extra: chunks of an ingest still in progress are dropped below.
        hits = self.index.store.query(vector, k + 8, doc_ids)
        infos = self.index.catalog.doc_infos(chunk.doc_id for chunk, _ in hits)
        results = [
            ScoredChunk(chunk=chunk, score=score, source=info.source, title=info.title, date=info.date)
            for chunk, score in hits
            if (info := infos.get(chunk.doc_id)) is not None
        ]
        return results[:k]


RETRIEVERS = {"dense": DenseRetriever}
