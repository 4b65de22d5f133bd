"""The manifest's full-text index matches a chunk's text and its brief's metadata."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from retrieval.index.embedding import SentenceTransformerEmbedder
from retrieval.index.sqlite_catalog import SqliteCatalog
from retrieval.search.retriever import LexicalRetriever
from retrieval.service import BriefLens
from retrieval.settings import Settings


def test_lexical_search_sees_title_and_publisher(
    make_settings: Callable[..., Settings], tmp_path: Path, embedder: SentenceTransformerEmbedder
) -> None:
    folder = tmp_path / "briefs"
    folder.mkdir()
    (folder / "a.md").write_text(
        "---\ntitle: Quarterly Lithium Outlook\nsource: Harbor Ledger\n---\n# Supply\n\nPrices of the metal rose.\n",
        encoding="utf-8",
    )
    (folder / "b.md").write_text("# Other\n\nPrices of grain rose in the harbor town.\n", encoding="utf-8")
    lens = BriefLens(make_settings(), embedder)
    lens.ingest([folder])
    assert lens.index.catalog.has_documents()
    lexical = LexicalRetriever(lens.index)
    assert [h.source for h in lexical.retrieve("lithium outlook", 3)] == [str(folder / "a.md")]
    top = lexical.retrieve("What did the Harbor Ledger say about prices?", 3)[0]
    assert top.source == str(folder / "a.md")
    assert top.chunk.text == "Prices of the metal rose."  # metadata is matched, never returned as text
    doc = lens.document("a.md")
    assert doc.origin == "Harbor Ledger" and doc.url is None
    lens.close()


def test_a_manifest_from_before_the_meta_column_opens_and_forces_a_resync(tmp_path: Path) -> None:
    path = tmp_path / "old.manifest.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE VIRTUAL TABLE chunk_fts USING fts5(text)")
        db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        db.execute("INSERT INTO meta VALUES ('signature', 'old')")
    catalog = SqliteCatalog(path)
    try:
        assert not catalog.has_documents()
        assert catalog.get_meta("signature") is None  # cleared: the next ingest re-syncs
        columns = [r[1] for r in catalog.db.execute("PRAGMA table_info(chunk_fts)")]
        assert columns == ["text", "meta"]
    finally:
        catalog.close()
