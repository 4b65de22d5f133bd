"""Whole-index consistency checks shared by the store contract, crash and hostile-corpus tests."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from retrieval.ingest.chunking import chunk_document
from retrieval.ingest.loaders import load_document
from retrieval.service import BriefLens


def assert_consistent(lens: BriefLens) -> None:
    """Chroma, the manifest's chunk table and its FTS index hold exactly the same chunks, with the same text."""
    catalog = lens.index.catalog
    db = catalog.db
    committed = catalog.all_chunk_ids()
    rows = db.execute("SELECT chunk_id FROM chunks").fetchall()
    assert len(rows) == len(committed), "duplicate chunk rows in the manifest"
    got = lens.index.store.collection.get(include=["documents", "metadatas"])
    assert len(got["ids"]) == len(set(got["ids"])), "duplicate ids in Chroma"
    assert set(got["ids"]) == committed, "Chroma and the manifest disagree (orphans or missing chunks)"
    fts = db.execute(
        'SELECT c.chunk_id, c.doc_id, c.start, c."end", f.text FROM chunks c JOIN chunk_fts f ON f.rowid = c.rid'
    )
    fts_rows = fts.fetchall()
    assert len(fts_rows) == len(committed), "FTS rows missing"
    (n_fts,) = db.execute("SELECT count(*) FROM chunk_fts").fetchone()
    assert n_fts == len(committed), "orphan FTS rows"
    docs = catalog.documents()
    assert {row.doc_id for row in catalog.files().values()} == set(docs), "a file without a document or vice versa"
    per_doc = Counter(r[1] for r in fts_rows)
    assert {d: info.n_chunks for d, info in docs.items() if info.n_chunks} == dict(per_doc)
    texts = {d: doc.text for d in docs if (doc := catalog.document(d)) is not None}
    chroma_text = dict(zip(got["ids"], got["documents"], strict=True))
    for chunk_id, doc_id, start, end, text in fts_rows:
        assert texts[doc_id][start:end] == text == chroma_text[chunk_id]
    assert not db.execute("SELECT 1 FROM pending").fetchone(), "pending chunk ids left behind"


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
