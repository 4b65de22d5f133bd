"""Ingest syncs the index with a folder: idempotent, replaces changed, drops deleted, skips bad files."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from retrieval.chunking import chunk_document
from retrieval.embedding import SentenceTransformerEmbedder
from retrieval.ingest import recover
from retrieval.loaders import load_document
from retrieval.service import BriefLens
from retrieval.settings import Settings


def consistent(lens: BriefLens) -> None:
    """Chroma holds exactly the committed chunks, and every file's document is present."""
    catalog = lens.index.catalog
    assert lens.index.store.ids() == catalog.all_chunk_ids()
    docs = catalog.documents()
    assert {row.doc_id for row in catalog.files().values()} == set(docs)
    assert sum(d.n_chunks for d in docs.values()) == lens.index.store.count()


def test_reingest_unchanged_embeds_nothing(
    make_settings: Callable[..., Settings], corpus_copy: Path, embedder: SentenceTransformerEmbedder
) -> None:
    lens = BriefLens(make_settings(), embedder)
    first = lens.ingest([corpus_copy])
    assert len(first.added) == 2 and first.chunks_embedded > 10
    second = lens.ingest([corpus_copy])
    assert second.chunks_embedded == 0 and len(second.unchanged) == 2 and not second.added
    # Touching a file (new mtime, same bytes) re-reads it but still embeds nothing.
    path = next(corpus_copy.glob("000_*.txt"))
    path.write_bytes(path.read_bytes())
    third = lens.ingest([corpus_copy])
    assert third.chunks_embedded == 0
    consistent(lens)
    lens.close()


def test_changed_file_replaces_its_chunks_and_deleted_file_is_removed(
    make_settings: Callable[..., Settings], corpus_copy: Path, embedder: SentenceTransformerEmbedder
) -> None:
    lens = BriefLens(make_settings(), embedder)
    lens.ingest([corpus_copy])
    brief = next(corpus_copy.glob("004_*.txt"))
    old_id = lens.resolve_docs([brief.name])[0]
    brief.write_text(
        brief.read_text(encoding="utf-8") + "\nAddendum: Kestrel Dynamics unveiled a new sensor.\n",
        encoding="utf-8",
    )
    report = lens.ingest([corpus_copy])
    assert report.updated == [str(brief)] and report.chunks_embedded > 0
    new_id = lens.resolve_docs([brief.name])[0]
    assert new_id != old_id and lens.index.catalog.chunk_ids(old_id) == []
    assert any("Kestrel" in h.chunk.text for h in lens.search("Kestrel Dynamics sensor", 3))
    consistent(lens)

    other = next(corpus_copy.glob("000_*.txt"))
    other.unlink()
    report = lens.ingest([corpus_copy])
    assert report.removed == [str(other)] and report.chunks_removed > 0
    assert len(lens.documents()) == 1
    consistent(lens)
    lens.close()


def test_rename_moves_without_embedding_and_duplicates_are_skipped(
    make_settings: Callable[..., Settings], corpus_copy: Path, embedder: SentenceTransformerEmbedder
) -> None:
    lens = BriefLens(make_settings(), embedder)
    lens.ingest([corpus_copy])
    brief = next(corpus_copy.glob("000_*.txt"))
    moved = brief.rename(corpus_copy / "renamed.txt")
    report = lens.ingest([corpus_copy])
    assert report.renamed == [str(moved)] and report.chunks_embedded == 0
    shutil.copy(moved, corpus_copy / "copy.txt")
    report = lens.ingest([corpus_copy])
    assert any("duplicate" in p for p in report.problems)
    assert len(lens.documents()) == 2
    consistent(lens)
    lens.close()


def test_bad_files_are_reported_and_good_ones_kept(
    make_settings: Callable[..., Settings], corpus_copy: Path, embedder: SentenceTransformerEmbedder
) -> None:
    (corpus_copy / "empty.txt").write_bytes(b"")
    (corpus_copy / "binary.txt").write_bytes(bytes(range(256)) * 10)
    (corpus_copy / "broken.pdf").write_bytes(b"%PDF-1.7 truncated")
    (corpus_copy / "huge.txt").write_bytes(b"x" * (2 * 2**20))
    (corpus_copy / "latin.txt").write_bytes("R\xe9sum\xe9 brief\nCaf\xe9 policy matters here.".encode("cp1252"))
    lens = BriefLens(make_settings(max_file_mb=1.0), embedder)
    report = lens.ingest([corpus_copy, corpus_copy / "missing-folder"])
    problems = "\n".join(report.problems)
    for name in ("empty.txt", "binary.txt", "broken.pdf", "huge.txt", "missing-folder"):
        assert name in problems
    assert any("latin.txt" in w and "cp1252" in w for w in report.warnings)
    assert len(report.added) == 3 and report.indexed_ok
    consistent(lens)
    lens.close()


def test_nothing_usable_is_not_ok(
    make_settings: Callable[..., Settings], tmp_path: Path, embedder: SentenceTransformerEmbedder
) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    lens = BriefLens(make_settings(), embedder)
    report = lens.ingest([folder])
    assert not report.indexed_ok and report.problems
    lens.close()


def test_interrupted_ingest_is_recovered(
    make_settings: Callable[..., Settings], corpus_copy: Path, embedder: SentenceTransformerEmbedder
) -> None:
    """Recreate what a kill between Chroma upsert and manifest commit leaves, then re-ingest."""
    lens = BriefLens(make_settings(), embedder)
    lens.ingest([corpus_copy])
    extra = corpus_copy / "new.txt"
    extra.write_text("New Brief\nKestrel Dynamics unveiled a maritime drone.\n", encoding="utf-8")
    doc = load_document(extra, str(extra), 2**20)
    chunks = chunk_document(doc, embedder.count_tokens, 200, 1, embedder.max_tokens)
    lens.index.catalog.mark_pending(c.id for c in chunks)
    lens.index.store.upsert(chunks, embedder.embed([c.text for c in chunks]), {})
    extra.unlink()  # the user removed the file before the next run
    assert lens.index.store.count() > len(lens.index.catalog.all_chunk_ids())
    assert not any("Kestrel" in h.chunk.text for h in lens.search("Kestrel Dynamics maritime drone", 5))
    report = lens.ingest([corpus_copy])
    assert report.recovered == len(chunks)
    consistent(lens)
    assert recover(lens.index) == 0
    lens.close()
