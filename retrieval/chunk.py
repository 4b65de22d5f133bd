"""Chunk and ScoredChunk: spans of a document, the unit of indexing and retrieval."""

from __future__ import annotations

import hashlib

from pydantic import BaseModel, ConfigDict


class Chunk(BaseModel):
    """A span of a document's text; text == document.text[start:end]."""

    model_config = ConfigDict(frozen=True)

    id: str
    doc_id: str
    text: str
    start: int
    end: int
    section: str = ""


class ScoredChunk(BaseModel):
    """A retrieved chunk with its score and the metadata of its document."""

    model_config = ConfigDict(frozen=True)

    chunk: Chunk
    score: float
    source: str = ""
    title: str = ""
    date: str | None = None


def chunk_id(doc_id: str, start: int, end: int) -> str:
    """The id of a chunk: sha256 of its document id and span."""
    return hashlib.sha256(f"{doc_id}:{start}:{end}".encode()).hexdigest()
