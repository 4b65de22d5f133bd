"""BriefLensRetriever: our hybrid retrieval, with its filters, as a LangChain BaseRetriever."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from langchain_core.callbacks import AsyncCallbackManagerForRetrieverRun, CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables.config import run_in_executor
from pydantic import ConfigDict

from retrieval.chunk import ScoredChunk
from retrieval.search.filters import FilterSpec

if TYPE_CHECKING:
    from retrieval.service import BriefLens


class BriefLensRetriever(BaseRetriever):
    """Hybrid BM25 + dense retrieval over a BriefLens index; the filters are fields."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    lens: Any  # a retrieval.service.BriefLens; Any because pydantic cannot build a schema for it
    k: int = 5
    docs: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    section: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    as_of: dt.date | None = None
    # True: the passages `ask` answers from (a single-fact question's not spread over briefs), as the chain uses.
    answering: bool = False

    def filter_spec(self) -> FilterSpec:
        """The fields as the core library's FilterSpec."""
        return FilterSpec(self.docs, self.sources, self.section, self.since, self.until, self.as_of)

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun, k: int | None = None
    ) -> list[LCDocument]:
        """Search the index (`invoke(query, k=n)` overrides the field); the core raises BriefLensError on an empty
        query or index."""
        lens: BriefLens = self.lens
        spec = self.filter_spec()
        find = lens.passages if self.answering else lens.search
        hits = find(query, self.k if k is None else k, None if spec.empty else spec)
        return [to_lc_document(hit) for hit in hits]

    async def _aget_relevant_documents(
        self, query: str, *, run_manager: AsyncCallbackManagerForRetrieverRun, k: int | None = None
    ) -> list[LCDocument]:
        """The search in a worker thread (the core is synchronous), with the same `k` override."""
        return await run_in_executor(None, self._get_relevant_documents, query, run_manager=run_manager.get_sync(), k=k)


def to_lc_document(hit: ScoredChunk) -> LCDocument:
    """A retrieved chunk as a LangChain Document whose metadata carries its ids, span and score."""
    c = hit.chunk
    return LCDocument(
        page_content=c.text,
        id=c.id,
        metadata={
            "chunk_id": c.id,
            "doc_id": c.doc_id,
            "source": hit.source,
            "title": hit.title,
            "section": c.section,
            "date": hit.date,
            "start": c.start,
            "end": c.end,
            "score": hit.score,
        },
    )
