"""Nothing valid is lost: one-line notes are found, a stray byte spoils one character, a crash keeps its work."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from retrieval.index.embedding import SentenceTransformerEmbedder
from retrieval.ingest.loaders import load_document
from retrieval.service import BriefLens
from retrieval.settings import Settings
from tests.index_checks import assert_consistent

MB = 2**20
NOTE = "The harbour authority in Valletta approved three new drone inspection berths on Tuesday."


def test_one_line_note_is_chunked_and_found(
    make_settings: Callable[..., Settings], tmp_path: Path, embedder: SentenceTransformerEmbedder
) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "field-note.txt").write_text(NOTE + "\n", encoding="utf-8")
    (folder / "memo.md").write_text("Quarterly memo: budget for Valletta berths is frozen.\n", encoding="utf-8")
    lens = BriefLens(make_settings(), embedder)
    try:
        report = lens.ingest([folder])
        assert sorted(report.added) == sorted(str(folder / n) for n in ("field-note.txt", "memo.md"))
        for info in lens.documents():
            assert info.n_chunks >= 1, f"{info.source} has no chunks"
        hits = lens.search("drone inspection berths in Valletta", k=3)
        assert hits and hits[0].chunk.text == NOTE
        assert_consistent(lens)
    finally:
        lens.close()


def test_stray_byte_in_utf8_replaces_only_that_byte(tmp_path: Path) -> None:
    src = tmp_path / "cafe.txt"
    src.write_bytes("Café Zürich\nThe café in Zürich \xff reopened.".encode().replace(b"\xc3\xbf", b"\xff"))
    doc = load_document(src, "cafe.txt", MB)
    assert doc.title == "Café Zürich"
    assert doc.text == "Café Zürich\nThe café in Zürich \ufffd reopened."
    assert len(doc.warnings) == 1 and "UTF-8" in doc.warnings[0] and "1 bad byte" in doc.warnings[0]
    start = doc.text.index("Zürich \ufffd")
    assert doc.text[start : start + 8] == "Zürich \ufffd"  # offsets are those of the text as stored


def test_many_stray_bytes_still_one_warning_and_cp1252_still_detected(tmp_path: Path) -> None:
    mixed = tmp_path / "mixed.txt"
    mixed.write_bytes("Naïve title\n".encode() + b"bad \x80 and \x81 and \xfe here.\n")
    doc = load_document(mixed, "mixed.txt", MB)
    assert doc.title == "Naïve title" and doc.text.count("\ufffd") == 3 and len(doc.warnings) == 1
    legacy = tmp_path / "legacy.txt"
    legacy.write_bytes("Café brief\nRésumé of events.".encode("cp1252"))
    assert load_document(legacy, "legacy.txt", MB).text == "Café brief\nRésumé of events."


INGEST = "import sys; from app.cli import main; sys.argv[0] = 'brieflens'; main()"


def _committed_docs(data: Path) -> int:
    """Documents the manifest has committed (0 until it exists)."""
    import sqlite3

    db = data / "brieflens.manifest.sqlite"
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=1) as conn:
            return int(conn.execute("SELECT count(*) FROM documents").fetchone()[0])
    except sqlite3.Error:
        return 0


@pytest.mark.slow
def test_kill_during_first_ingest_keeps_committed_documents(
    tmp_path: Path, embedder: SentenceTransformerEmbedder
) -> None:
    from tests.retrieval.ingest.test_crash import make_corpus

    corpus = tmp_path / "many"
    make_corpus(corpus, 12)
    data = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFLENS_")}
    env["BRIEFLENS_INGEST_COMMIT_CHUNKS"] = "8"
    env["BRIEFLENS_EMBED_BATCH_SIZE"] = "8"
    proc = subprocess.Popen(
        [sys.executable, "-c", INGEST, "ingest", str(corpus), "--data-dir", str(data)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 180
    while _committed_docs(data) < 2 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert proc.poll() is None, "the ingest finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    lens = BriefLens(Settings(_env_file=None, data_dir=data), embedder)  # type: ignore[call-arg]
    try:
        committed = {row.source for row in lens.index.catalog.files().values()}
        assert committed
        report = lens.ingest([corpus])
        assert set(report.unchanged) == committed, "documents committed before the kill are not re-embedded"
        assert not set(report.added) & committed
        assert_consistent(lens)
    finally:
        lens.close()
