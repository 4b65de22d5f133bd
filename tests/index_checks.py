"""Whole-index consistency checks shared by the store contract, crash and hostile-corpus tests."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from retrieval.index.pg_catalog import PgCatalog
from retrieval.index.sqlite_catalog import SqliteCatalog
from retrieval.ingest.chunking import chunk_document
from retrieval.ingest.loaders import load_document
from retrieval.service import BriefLens


def _committed(lens: BriefLens) -> tuple[list[tuple[str, str, int, int, str]], int, int]:
    """(chunk id, doc id, start, end, lexically indexed text) of every chunk row, the lexical index's row count
    and the pending ids left, read from whichever catalog back-end the index uses."""
    catalog = lens.index.catalog
    if isinstance(catalog, PgCatalog):
        db = catalog.db
        rows = db.execute('SELECT chunk_id, doc_id, start, "end", text FROM chunks').fetchall()
        (indexed,) = db.execute("SELECT count(DISTINCT rid) FROM postings").fetchone()
    else:
        assert isinstance(catalog, SqliteCatalog)
        db = catalog.db
        joined = (
            'SELECT c.chunk_id, c.doc_id, c.start, c."end", f.text FROM chunks c JOIN chunk_fts f ON f.rowid = c.rid'
        )
        rows = db.execute(joined).fetchall()
        assert len(rows) == db.execute("SELECT count(*) FROM chunks").fetchone()[0], "FTS rows missing"
        (indexed,) = db.execute("SELECT count(*) FROM chunk_fts").fetchone()
    (pending,) = db.execute("SELECT count(*) FROM pending").fetchone()
    return [tuple(r) for r in rows], int(indexed), int(pending)


def assert_consistent(lens: BriefLens) -> None:
    """Chroma, the catalog's chunk rows and its lexical index hold exactly the same chunks, with the same text."""
    catalog = lens.index.catalog
    committed = catalog.all_chunk_ids()
    rows, indexed, pending = _committed(lens)
    assert len(rows) == len(committed), "duplicate chunk rows in the manifest"
    got = lens.index.store.collection.get(include=["documents", "metadatas"])
    assert len(got["ids"]) == len(set(got["ids"])), "duplicate ids in Chroma"
    assert set(got["ids"]) == committed, "Chroma and the manifest disagree (orphans or missing chunks)"
    assert indexed == len(committed), "lexical index rows missing or orphaned"
    docs = catalog.documents()
    assert {row.doc_id for row in catalog.files().values()} == set(docs), "a file without a document or vice versa"
    per_doc = Counter(r[1] for r in rows)
    assert {d: info.n_chunks for d, info in docs.items() if info.n_chunks} == dict(per_doc)
    texts = {d: doc.text for d in docs if (doc := catalog.document(d)) is not None}
    chroma_text = dict(zip(got["ids"], got["documents"], strict=True))
    for chunk_id, doc_id, start, end, text in rows:
        assert texts[doc_id][start:end] == text == chroma_text[chunk_id]
    assert not pending, "pending chunk ids left behind"


def expected_chunk_ids(lens: BriefLens, files: list[Path]) -> set[str]:
    """The chunk ids a clean ingest of these files must produce (chunked without embedding)."""
    settings, embedder = lens.settings, lens.index.embedder
    ids: set[str] = set()
    for path in files:
        doc = load_document(path, str(path), int(settings.max_file_mb * 2**20))
        chunks = chunk_document(
            doc,
            embedder.count_tokens,
            settings.chunk_max_tokens,
            settings.chunk_overlap_sentences,
            embedder.max_tokens,
            settings.embed_headers,
        )
        ids.update(c.id for c in chunks)
    return ids
