"""The catalog protocol: what is indexed (files, documents, chunk spans, pending ids), and its shared types.

Two back-ends implement it: `SqliteCatalog` (embedded, one machine; the default) and `PgCatalog`
(PostgreSQL, shared by many API servers). `open_catalog` in retrieval.index picks one from Settings.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from retrieval.chunk import Chunk
from retrieval.document import Document

# A chunk's vector as stored beside it: the float32 bytes Chroma was given.
ChunkVectors = Mapping[str, NDArray[np.float32]]

# BM25 weight of a chunk's metadata (brief title, publisher, section) against its text: queries
# name briefs and publishers ("the SCMP report on…"), but the passage itself matters most.
META_WEIGHT = 0.5


@dataclass(frozen=True)
class FileRow:
    """A file as last indexed: where it is, its document and its stat fingerprint."""

    path: str
    source: str
    doc_id: str
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class DocInfo:
    """What queries need to know about an indexed document without loading its text."""

    doc_id: str
    title: str
    date: str | None
    source: str
    n_chunks: int
    origin: str | None = None  # the publisher (front-matter `source`), when the brief names one


def chunk_meta(doc: Document, section: str) -> str:
    """The metadata text a chunk is also matched by: its brief's title and publisher, and its section."""
    return " ".join(part for part in (doc.title, doc.origin or "", section) if part)


class Catalog(Protocol):
    """What is indexed. Every write is one transaction: readers see all of it or none of it.

    Readers always see the last committed state (no cache outlives another writer's commit), and
    `exclusive()` keeps writers one at a time across every process sharing the catalog.
    """

    def close(self) -> None:
        """Release the connection."""

    def exclusive(self) -> AbstractContextManager[None]:
        """Hold the catalog's writer lock, or raise IngestBusy at once when another process holds it."""

    def get_meta(self, key: str) -> str | None:
        """Read a manifest setting (e.g. the indexing signature)."""

    def set_meta(self, key: str, value: str) -> None:
        """Write a manifest setting."""

    def files(self) -> dict[str, FileRow]:
        """Every indexed file by absolute path."""

    def documents(self) -> dict[str, DocInfo]:
        """Every indexed document by id."""

    def has_documents(self) -> bool:
        """True once any document is committed."""

    def publishers(self) -> list[str]:
        """The distinct publishers of the indexed documents, sorted."""

    def doc_infos(self, doc_ids: Iterable[str]) -> dict[str, DocInfo]:
        """Metadata of the given documents that are committed (others are absent from the result)."""

    def document(self, doc_id: str) -> Document | None:
        """The full document (text, sections) by id."""

    def chunk_ids(self, doc_id: str) -> list[str]:
        """The chunk ids of one document."""

    def chunk_spans(self, doc_id: str) -> list[tuple[str, int, int]]:
        """(chunk id, start, end) of one document's chunks, in text order."""

    def all_chunk_ids(self) -> set[str]:
        """Every committed chunk id."""

    def sections_like(self, text: str) -> tuple[str, ...]:
        """Distinct section paths of committed chunks that contain `text` (case-insensitive), sorted."""

    def lexical_search(
        self,
        terms: Sequence[str],
        k: int,
        doc_ids: Sequence[str] | None = None,
        sections: Sequence[str] | None = None,
        origin: str | None = None,
        day: str | None = None,
    ) -> list[tuple[Chunk, float]]:
        """BM25 over committed chunk texts and metadata (stemmed): any of the terms, best first.

        `origin` keeps one publisher's briefs; `day` ('YYYY-MM-DD', or '-MM-DD' for any year) one day's.
        """

    def mark_pending(self, chunk_ids: Iterable[str]) -> None:
        """Record chunk ids whose presence in Chroma is about to change, before changing it."""

    def orphans(self) -> list[str]:
        """Pending chunk ids that no committed document references: to delete from Chroma."""

    def clear_pending(self) -> None:
        """Forget pending ids once Chroma agrees with the committed state."""

    def commit_document(
        self, row: FileRow, doc: Document, chunks: Sequence[Chunk], vectors: ChunkVectors | None = None
    ) -> None:
        """Atomically make `doc` the indexed content of `row.path`, replacing what was there."""

    def commit_documents(
        self, items: Sequence[tuple[FileRow, Document, Sequence[Chunk]]], vectors: ChunkVectors | None = None
    ) -> None:
        """Commit several documents (and their chunks' vectors, by chunk id) in one transaction."""

    def add_vectors(self, vectors: ChunkVectors) -> None:
        """Store vectors of committed chunks that have none."""

    def chunks_without_vectors(self) -> list[str]:
        """Committed chunk ids whose vector is not stored here."""

    def exact_search(
        self,
        vector: NDArray[np.float32],
        k: int,
        doc_ids: Sequence[str] | None = None,
        sections: Sequence[str] | None = None,
    ) -> list[tuple[Chunk, float]]:
        """Nearest committed chunks by cosine over every stored vector (exact; vectors are unit length)."""

    def vector_coverage(self) -> tuple[int, int]:
        """(committed chunks, chunks whose vector is stored here)."""

    def update_file(self, row: FileRow) -> None:
        """Record a new path or stat fingerprint for an unchanged document (a touch or a rename)."""

    def remove_path(self, path: str) -> None:
        """Atomically forget a file and, if no other file holds it, its document and chunks."""


def manifest_id(catalog: Catalog) -> str:
    """The catalog's own id, made on first use: the Chroma collection records which catalog writes it.

    A shared PostgreSQL catalog has one id for all its servers, so they may share one collection.
    """
    found = catalog.get_meta("manifest_id")
    if found is None:
        found = uuid.uuid4().hex
        catalog.set_meta("manifest_id", found)
    return found


def nothing_to_search(k: int, doc_ids: Sequence[str] | None, sections: Sequence[str] | None) -> bool:
    """True when a search can find nothing: no results wanted, or a filter that admits no document or section."""
    return k <= 0 or (doc_ids is not None and not doc_ids) or (sections is not None and not sections)
