"""What the SQLite and PostgreSQL catalogs read alike, written once; each subclass names its SQL dialect."""

from __future__ import annotations

import threading
from collections.abc import Hashable, Iterable, Sequence
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from retrieval.chunk import Chunk
from retrieval.document import Document
from retrieval.index.catalog import ChunkVectors, DocInfo, FileRow, nothing_to_search

INFO_COLUMNS = "doc_id, title, date, source, n_chunks, origin"


class SqlCatalog:
    """The catalog reads that differ between the two databases only in their SQL dialect.

    A subclass sets `ARG` (the parameter mark), `CONTAINS` (a case-insensitive substring test of `section`
    against one parameter), `VECTOR_ROWS` (every stored (rid, vector), by rid), `COVERAGE` (the committed
    chunks and those with a stored vector, one row) and `UNVECTORED` (chunk ids without one), gives `db` (a
    DB-API connection) and `stamp()` (a value that changes whenever the catalog may have changed), and calls
    `__init__` for the caches those stamps key.
    """

    ARG: ClassVar[str]
    CONTAINS: ClassVar[str]
    VECTOR_ROWS: ClassVar[str]
    COVERAGE: ClassVar[str]
    UNVECTORED: ClassVar[str]

    def __init__(self) -> None:
        self._publishers: tuple[Hashable, list[str]] | None = None
        # (stamp, (chunks, vectors)): two count(*)s cost ~57 ms per search at 100k chunks (measured).
        self._coverage: tuple[Hashable, tuple[int, int]] | None = None
        # The vector matrix of exact search.
        self._matrix: tuple[Hashable, NDArray[np.int64], NDArray[np.float32]] | None = None
        self._matrix_lock = threading.Lock()

    @property
    def db(self) -> Any:
        """The connection."""
        raise NotImplementedError

    def stamp(self) -> Hashable:
        """Changes whenever the catalog may have changed (a write here or by another process or server)."""
        raise NotImplementedError

    def ids_in(self, column: str, ids: Sequence[str | int]) -> tuple[str, list[Any]]:
        """SQL testing that `column` is one of `ids`, and its parameters."""
        return f"{column} IN ({','.join([self.ARG] * len(ids))})", list(ids)

    def get_meta(self, key: str) -> str | None:
        """Read a manifest setting (e.g. the indexing signature)."""
        row = self.db.execute(f"SELECT value FROM meta WHERE key = {self.ARG}", (key,)).fetchone()
        return None if row is None else str(row[0])

    def files(self) -> dict[str, FileRow]:
        """Every indexed file by absolute path."""
        rows = self.db.execute("SELECT path, source, doc_id, size, mtime_ns FROM files").fetchall()
        return {r[0]: FileRow(*r) for r in rows}

    def documents(self) -> dict[str, DocInfo]:
        """Every indexed document by id."""
        rows = self.db.execute(f"SELECT {INFO_COLUMNS} FROM documents").fetchall()
        return {r[0]: DocInfo(*r) for r in rows}

    def has_documents(self) -> bool:
        """True once any document is committed (one row read, not the whole table)."""
        return self.db.execute("SELECT 1 FROM documents LIMIT 1").fetchone() is not None

    def publishers(self) -> list[str]:
        """The distinct publishers of the indexed documents (cached until the catalog changes)."""
        stamp = self.stamp()
        if self._publishers is None or self._publishers[0] != stamp:
            rows = self.db.execute("SELECT DISTINCT origin FROM documents WHERE origin IS NOT NULL").fetchall()
            self._publishers = (stamp, sorted(r[0] for r in rows if r[0]))
        return self._publishers[1]

    def doc_infos(self, doc_ids: Iterable[str]) -> dict[str, DocInfo]:
        """Metadata of the given documents that are committed (others are absent from the result)."""
        ids = list(set(doc_ids))
        if not ids:
            return {}
        where, params = self.ids_in("doc_id", ids)
        rows = self.db.execute(f"SELECT {INFO_COLUMNS} FROM documents WHERE {where}", params).fetchall()
        return {r[0]: DocInfo(*r) for r in rows}

    def document(self, doc_id: str) -> Document | None:
        """The full document (text, sections) by id."""
        row = self.db.execute(f"SELECT body FROM documents WHERE doc_id = {self.ARG}", (doc_id,)).fetchone()
        return None if row is None else Document.model_validate_json(row[0])

    def chunk_ids(self, doc_id: str) -> list[str]:
        """The chunk ids of one document."""
        return [r[0] for r in self.db.execute(f"SELECT chunk_id FROM chunks WHERE doc_id = {self.ARG}", (doc_id,))]

    def chunk_spans(self, doc_id: str) -> list[tuple[str, int, int]]:
        """(chunk id, start, end) of one document's chunks, in text order."""
        query = f'SELECT chunk_id, start, "end" FROM chunks WHERE doc_id = {self.ARG} ORDER BY start'
        return [(r[0], r[1], r[2]) for r in self.db.execute(query, (doc_id,))]

    def all_chunk_ids(self) -> set[str]:
        """Every committed chunk id."""
        return {r[0] for r in self.db.execute("SELECT chunk_id FROM chunks")}

    def sections_like(self, text: str) -> tuple[str, ...]:
        """Distinct section paths of committed chunks that contain `text` (case-insensitive), sorted."""
        rows = self.db.execute(f"SELECT DISTINCT section FROM chunks WHERE {self.CONTAINS}", (text,)).fetchall()
        return tuple(sorted(r[0] for r in rows))

    def orphans(self) -> list[str]:
        """Pending chunk ids that no committed document references: to delete from Chroma."""
        query = (
            "SELECT p.chunk_id FROM pending p WHERE NOT EXISTS (SELECT 1 FROM chunks c WHERE c.chunk_id = p.chunk_id)"
        )
        return [r[0] for r in self.db.execute(query)]

    def commit_document(
        self, row: FileRow, doc: Document, chunks: Sequence[Chunk], vectors: ChunkVectors | None = None
    ) -> None:
        """Atomically make `doc` the indexed content of `row.path`, replacing what was there."""
        self.commit_documents([(row, doc, chunks)], vectors)

    def commit_documents(
        self, items: Sequence[tuple[FileRow, Document, Sequence[Chunk]]], vectors: ChunkVectors | None = None
    ) -> None:
        """Commit several documents, their chunks and vectors in one transaction."""
        raise NotImplementedError

    def chunks_without_vectors(self) -> list[str]:
        """Committed chunk ids whose vector is not stored here."""
        return [r[0] for r in self.db.execute(self.UNVECTORED)]

    def _vectors(self) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
        """Chunk rids and their vectors, re-read only after a write (here or by another process)."""
        stamp = self.stamp()
        with self._matrix_lock:
            if self._matrix is None or self._matrix[0] != stamp:
                rows = self.db.execute(self.VECTOR_ROWS).fetchall()
                rids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
                flat = np.frombuffer(b"".join(bytes(r[1]) for r in rows), dtype="<f4")
                matrix = flat.reshape(len(rows), -1) if rows else np.zeros((0, 0), dtype=np.float32)
                self._matrix = (stamp, rids, matrix.astype(np.float32, copy=False))
            return self._matrix[1], self._matrix[2]

    def scoped_rids(self, doc_ids: Sequence[str] | None, sections: Sequence[str] | None) -> list[int]:
        """The rids of committed chunks in these documents and sections."""
        raise NotImplementedError

    def chunks_by_rid(self, rids: Sequence[int]) -> dict[int, Chunk]:
        """Committed chunks by rid (absent rids are left out)."""
        raise NotImplementedError

    def exact_search(
        self,
        vector: NDArray[np.float32],
        k: int,
        doc_ids: Sequence[str] | None = None,
        sections: Sequence[str] | None = None,
    ) -> list[tuple[Chunk, float]]:
        """Nearest committed chunks by cosine over every stored vector (exact; vectors are unit length)."""
        if nothing_to_search(k, doc_ids, sections):
            return []
        rids, matrix = self._vectors()
        if not len(rids):
            return []
        scores = matrix @ np.asarray(vector, dtype=np.float32)
        if doc_ids is not None or sections is not None:
            allowed = np.asarray(self.scoped_rids(doc_ids, sections), dtype=np.int64)
            scores = np.where(np.isin(rids, allowed), scores, -np.inf)
        order = np.argsort(-scores, kind="stable")[:k]
        order = order[np.isfinite(scores[order])]
        top = [int(r) for r in rids[order]]
        found = self.chunks_by_rid(top)
        return [(found[rid], float(scores[i])) for rid, i in zip(top, order, strict=True) if rid in found]

    def vector_coverage(self) -> tuple[int, int]:
        """(committed chunks, chunks whose vector is stored here), re-counted only after a write."""
        stamp = self.stamp()
        if self._coverage is None or self._coverage[0] != stamp:
            (chunks, vectors) = self.db.execute(self.COVERAGE).fetchone()
            self._coverage = (stamp, (int(chunks), int(vectors)))
        return self._coverage[1]


def blob(vector: NDArray[np.float32]) -> bytes:
    """A vector as little-endian float32 bytes."""
    return np.asarray(vector, dtype="<f4").tobytes()
