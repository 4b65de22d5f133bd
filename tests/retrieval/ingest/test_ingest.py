"""Ingest skips bad files with one problem each; sync and recovery are in test_store_contract (both back-ends)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest

from retrieval.index.embedding import SentenceTransformerEmbedder
from retrieval.ingest.sync import IngestReport, scan
from retrieval.service import BriefLens
from retrieval.settings import Settings
from tests.index_checks import assert_consistent


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
    assert_consistent(lens)
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


def test_deleting_or_editing_a_brief_is_not_reported_as_a_recovery(
    make_settings: Callable[..., Settings],
    corpus_copy: Path,
    embedder: SentenceTransformerEmbedder,
    caplog: pytest.LogCaptureFixture,
) -> None:
    lens = BriefLens(make_settings(), embedder)
    lens.ingest([corpus_copy])
    briefs = sorted(corpus_copy.glob("*.txt"))
    briefs[0].unlink()
    briefs[1].write_text(briefs[1].read_text(encoding="utf-8") + "\nAddendum: a revised figure.\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        report = lens.ingest([corpus_copy])
    assert report.removed and report.updated and report.chunks_removed > 0
    assert report.recovered == 0 and "interrupted" not in caplog.text
    assert_consistent(lens)
    lens.close()


def test_folder_symlinks_are_reported_once_each(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "note.txt").write_text("Note\nA plain brief.\n", encoding="utf-8")
    (root / "sub" / "back").symlink_to("..", target_is_directory=True)
    (root / "self").symlink_to(".", target_is_directory=True)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (root / "other").symlink_to(outside, target_is_directory=True)
    report = IngestReport()
    found = scan([root], report)
    assert [f.source for f in found] == [str(root / "sub" / "note.txt")]
    by_name = {p.split(":", 1)[0]: p for p in report.problems}
    assert len(report.problems) == 3
    assert "symbolic link loop" in by_name[str(root / "self")]
    assert "symbolic link loop" in by_name[str(root / "sub" / "back")]
    assert "not followed" in by_name[str(root / "other")] and str(outside) in by_name[str(root / "other")]
