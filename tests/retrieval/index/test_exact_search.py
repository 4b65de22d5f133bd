"""Exact search over the catalog's vectors finds what Chroma finds, and old indexes get their vectors copied."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import numpy as np

from retrieval.index.embedding import SentenceTransformerEmbedder
from retrieval.service import BriefLens
from retrieval.settings import Settings
from tests.index_checks import assert_consistent

QUERIES = [
    "What did the brief say about export controls?",
    "Which chips are restricted?",
    "open-weight models and Chinese labs",
    "How large was the funding round?",
    "energy and data centres",
    "Who leads on inference cost?",
]


def test_exact_search_returns_chromas_ranking_and_scores(lens: BriefLens) -> None:
    index = lens.index
    sections = sorted(r[0] for r in index.catalog.db.execute("SELECT DISTINCT section FROM chunks"))[:3]
    doc = sorted(index.catalog.documents())[0]
    for query in QUERIES:
        vector = index.embedder.embed([query])[0]
        for doc_ids, secs in ((None, None), ([doc], None), (None, sections), ([doc], sections)):
            exact = index.exact_search(vector, 12, doc_ids, secs)
            assert exact is not None  # the seed index is small and every vector is stored
            chroma = index.store.query(vector, 12, doc_ids, secs)
            assert [c.id for c, _ in exact] == [c.id for c, _ in chroma]
            assert [c for c, _ in exact] == [c for c, _ in chroma]  # same texts, spans and sections
            assert np.allclose([s for _, s in exact], [s for _, s in chroma], atol=1e-5)


def test_a_large_index_or_missing_vectors_go_to_chroma(
    make_settings: Callable[..., Settings], embedder: SentenceTransformerEmbedder, corpus_copy: Path
) -> None:
    lens = BriefLens(make_settings(exact_search_max_chunks=10), embedder)
    lens.ingest([corpus_copy])
    vector = embedder.embed([QUERIES[0]])[0]
    assert lens.index.exact_search(vector, 5) is None  # more chunks than the limit
    assert lens.search(QUERIES[0])
    lens.close()


def test_an_index_from_before_stored_vectors_gets_them_from_chroma_without_re_embedding(
    make_settings: Callable[..., Settings], embedder: SentenceTransformerEmbedder, corpus_copy: Path
) -> None:
    settings = make_settings()
    lens = BriefLens(settings, embedder)
    lens.ingest([corpus_copy])
    before = lens.search(QUERIES[0])
    lens.close()
    manifest = settings.data_dir / f"{settings.collection}.manifest.sqlite"
    with sqlite3.connect(manifest) as db:  # as an index written by the previous release
        db.execute("DELETE FROM chunk_vectors")
    old = BriefLens(settings, embedder)
    vector = embedder.embed([QUERIES[0]])[0]
    assert old.index.exact_search(vector, 5) is None
    assert old.search(QUERIES[0]) == before  # Chroma answers meanwhile
    report = old.ingest([corpus_copy])
    assert report.chunks_embedded == 0 and len(report.unchanged) == 2
    assert old.index.exact_search(vector, 5) is not None
    assert old.search(QUERIES[0]) == before
    stored = old.index.store.vectors(sorted(old.index.catalog.all_chunk_ids()))
    rids, matrix = old.index.catalog._vectors()
    by_id = dict(old.index.catalog.db.execute("SELECT rid, chunk_id FROM chunks").fetchall())
    for rid, row in zip(rids, matrix, strict=True):
        assert np.array_equal(row, stored[by_id[int(rid)]])  # the very bytes Chroma holds
    assert_consistent(old)
    old.close()


def test_removing_a_document_removes_its_vectors(
    make_settings: Callable[..., Settings], embedder: SentenceTransformerEmbedder, corpus_copy: Path
) -> None:
    lens = BriefLens(make_settings(), embedder)
    lens.ingest([corpus_copy])
    victim = sorted(corpus_copy.glob("*.txt"))[0]
    victim.unlink()
    lens.ingest([corpus_copy])
    chunks, vectors = lens.index.catalog.vector_coverage()
    assert chunks == vectors == len(lens.index.catalog.all_chunk_ids())
    hits = lens.index.exact_search(embedder.embed([QUERIES[0]])[0], 50)
    assert hits is not None and {c.doc_id for c, _ in hits} == set(lens.index.catalog.documents())
    lens.close()
