"""Copy an index to another catalog and Chroma (embedded -> PostgreSQL + a Chroma server) without re-embedding."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from retrieval.chunk import Chunk
from retrieval.document import Document
from retrieval.errors import IndexStateError
from retrieval.index import Index
from retrieval.index.catalog import FileRow
from retrieval.index.embedding import Vectors

# The settings that say which vectors the index holds and how its chunks were cut: copied as they are.
COPIED_META = ("embedding", "signature")
# Documents copied per transaction (and per Chroma read and write).
BATCH_DOCS = 50


@dataclass
class MigrateReport:
    """What a migration copied."""

    documents: int = 0
    chunks: int = 0


def migrate(source: Index, target: Index, progress: Callable[[int, int], None] | None = None) -> MigrateReport:
    """Copy every document, chunk and vector of `source` into `target`; the stored vectors are reused as they are.

    Re-running is safe (ids are content-derived, a path's document is replaced); the same write-ahead pending
    ids as an ingest make a crash mid-way recoverable by the next ingest or migration into `target`.
    """
    if source.stored_embedding_id() != target.embedding_id:
        raise IndexStateError(
            f"the source index holds {source.stored_embedding_id()!r} vectors; the target settings ask for "
            f"{target.embedding_id!r}",
            help="Migrate with the embedding settings the source index was built with.",
        )
    report = MigrateReport()
    rows = sorted(source.catalog.files().values(), key=lambda r: r.path)
    with target.catalog.exclusive():
        for i in range(0, len(rows), BATCH_DOCS):
            report.chunks += _copy(source, target, rows[i : i + BATCH_DOCS])
            report.documents += len(rows[i : i + BATCH_DOCS])
            if progress:
                progress(report.documents, len(rows))
        for key in COPIED_META:
            value = source.catalog.get_meta(key)
            if value is not None:
                target.catalog.set_meta(key, value)
    return report


def _copy(source: Index, target: Index, rows: Sequence[FileRow]) -> int:
    """Copy one batch of files' documents: Chroma records first, then one catalog commit."""
    items: list[tuple[FileRow, Document, Sequence[Chunk]]] = []
    wanted: list[str] = []
    for row in rows:
        doc = source.catalog.document(row.doc_id)
        if doc is None:
            raise IndexStateError(f"{row.source}: listed in the source catalog without its document")
        items.append((row, doc, []))
        wanted.extend(source.catalog.chunk_ids(row.doc_id))
    records = source.store.chunks(wanted)
    if len(records) != len(wanted):
        raise IndexStateError(
            f"the source Chroma holds {len(records)} of the {len(wanted)} chunks its catalog lists",
            help="Run `brieflens ingest` on the source index first, so that it is consistent.",
        )
    by_doc: dict[str, list[Chunk]] = {}
    for chunk, _ in records:
        by_doc.setdefault(chunk.doc_id, []).append(chunk)
    items = [(row, doc, sorted(by_doc.get(doc.id, []), key=lambda c: c.start)) for row, doc, _ in items]
    chunks = [c for c, _ in records]
    vectors: dict[str, Vectors] = {c.id: v for c, v in records}
    dates = {doc.id: int(doc.date.strftime("%Y%m%d")) for _, doc, _ in items if doc.date}
    target.catalog.mark_pending(wanted)  # write-ahead, as an ingest does: a crash leaves no orphans
    target.store.upsert(chunks, _matrix(chunks, vectors), dates)
    target.catalog.commit_documents(items, vectors)
    target.catalog.clear_pending()
    return len(chunks)


def _matrix(chunks: Sequence[Chunk], vectors: dict[str, Vectors]) -> Vectors:
    """The chunks' vectors as one matrix, in chunk order."""
    import numpy as np

    return np.stack([vectors[c.id] for c in chunks]) if chunks else np.zeros((0, 0), dtype=np.float32)
