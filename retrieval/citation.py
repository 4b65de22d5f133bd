"""Citation: an exact quote in a source document, located by character offsets."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from retrieval.chunk import ScoredChunk


class Citation(BaseModel):
    """A quote that must equal document.text[start:end] to be valid."""

    model_config = ConfigDict(frozen=True)

    doc_id: str
    chunk_id: str
    source: str
    title: str
    quote: str
    start: int
    end: int
    date: str | None = None
    section: str = ""

    @classmethod
    def quoting(cls, hit: ScoredChunk, quote: str, start: int, end: int) -> Citation:
        """A citation of `quote`, found at document offsets [start, end) inside the retrieved chunk `hit`."""
        return cls(
            doc_id=hit.chunk.doc_id,
            chunk_id=hit.chunk.id,
            source=hit.source,
            title=hit.title,
            quote=quote,
            start=start,
            end=end,
            date=hit.date,
            section=hit.chunk.section,
        )
