"""The manifest's full-text index matches a chunk's text and its brief's metadata."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from retrieval.embedding import SentenceTransformerEmbedder
from retrieval.retriever import LexicalRetriever
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
    lexical = LexicalRetriever(lens.index)
    assert [h.source for h in lexical.retrieve("lithium outlook", 3)] == [str(folder / "a.md")]
    top = lexical.retrieve("What did the Harbor Ledger say about prices?", 3)[0]
    assert top.source == str(folder / "a.md")
    assert top.chunk.text == "Prices of the metal rose."  # metadata is matched, never returned as text
    doc = lens.document("a.md")
    assert doc.origin == "Harbor Ledger" and doc.url is None
    lens.close()
