"""Citation: an exact quote in a source document, located by character offsets."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


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
