"""A real `kill -9` in the middle of an ingest, then a re-run: no duplicates, no orphans."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from retrieval.embedding import SentenceTransformerEmbedder
from retrieval.service import BriefLens
from retrieval.settings import Settings
from tests.conftest import CORPUS


def make_corpus(folder: Path, n_docs: int) -> None:
    """Many small distinct briefs built from the seed briefs' paragraphs."""
    paragraphs = [
        p for f in sorted(CORPUS.glob("*.txt")) for p in f.read_text(encoding="utf-8").splitlines() if len(p) > 200
    ]
    folder.mkdir()
    for i in range(n_docs):
        body = "\n".join(paragraphs[(i + j) % len(paragraphs)] for j in range(6))
        (folder / f"brief_{i:03d}.txt").write_text(f"Brief number {i}\nKey Developments\n{body}\n", encoding="utf-8")


def committed_chunks(data: Path) -> int:
    """How many chunks the manifest has committed (0 while it does not exist yet)."""
    db = data / "brieflens.manifest.sqlite"
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=1) as conn:
            return int(conn.execute("SELECT count(*) FROM chunks").fetchone()[0])
    except sqlite3.Error:
        return 0


@pytest.mark.slow
def test_sigkill_mid_ingest_then_rerun_is_consistent(tmp_path: Path, embedder: SentenceTransformerEmbedder) -> None:
    corpus = tmp_path / "many"
    make_corpus(corpus, 80)
    data = tmp_path / "data"
    exe = Path(sys.executable).parent / "brieflens"
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFLENS_")}
    env["BRIEFLENS_EMBED_BATCH_SIZE"] = "8"  # smaller batches: more commit points to land between
    env["BRIEFLENS_INGEST_COMMIT_CHUNKS"] = "128"
    for attempt in range(2):
        proc = subprocess.Popen(
            [str(exe), "ingest", str(corpus), "--data-dir", str(data)], env=env, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 120
        # Kill once the first batch is committed (or, on the second run, a moment later).
        while committed_chunks(data) <= attempt * 10 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    with sqlite3.connect(data / "brieflens.manifest.sqlite") as conn:
        partial = int(conn.execute("SELECT count(*) FROM documents").fetchone()[0])
    assert 0 < partial < 80  # the kills really landed mid-ingest
    lens = BriefLens(Settings(_env_file=None, data_dir=data), embedder)  # type: ignore[call-arg]
    report = lens.ingest([corpus])
    assert not report.problems
    catalog = lens.index.catalog
    assert lens.index.store.ids() == catalog.all_chunk_ids()
    assert len(catalog.documents()) == 80 and len(catalog.files()) == 80
    assert lens.ingest([corpus]).chunks_embedded == 0
    lens.close()
