"""Real `kill -9`s in the middle of ingests, then a re-run: no duplicates, no orphans, the index equals the corpus."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from retrieval.index.embedding import SentenceTransformerEmbedder
from retrieval.service import BriefLens
from retrieval.settings import Settings
from tests.conftest import CORPUS
from tests.index_checks import assert_consistent, expected_chunk_ids


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


INGEST = "import sys; from app.cli import main; sys.argv[0] = 'brieflens'; main()"
SEED = 8
KILLS = 5


def pending_rows(data: Path) -> int:
    """Write-ahead rows a killed run left (non-zero: it died between marking and committing)."""
    db = data / "brieflens.manifest.sqlite"
    if not db.exists():
        return 0
    with sqlite3.connect(db, timeout=5) as conn:
        return int(conn.execute("SELECT count(*) FROM pending").fetchone()[0])


def kill_at_random_point(
    corpus: Path, data: Path, where: str, rng: random.Random, env: dict[str, str]
) -> tuple[str, bool]:
    """Start an ingest and SIGKILL it at a seeded random point; return (where, still running when killed)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", INGEST, "ingest", str(corpus), "--data-dir", str(data)],
        env=env,
        stderr=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    if where == "start-up":  # imports, model load, scan, recovery of the previous kill
        time.sleep(rng.uniform(0.5, 4.0))
    else:
        target = committed_chunks(data) + rng.randint(1, 40)
        while committed_chunks(data) < target and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(rng.uniform(0.0, 0.4))
    running = proc.poll() is None
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    return where, running


@pytest.mark.slow
def test_sigkill_at_random_points_then_rerun_equals_the_corpus(
    tmp_path: Path, embedder: SentenceTransformerEmbedder
) -> None:
    """Seeded random kills of real `brieflens ingest` runs, with edits between them; the re-run heals everything."""
    corpus = tmp_path / "many"
    make_corpus(corpus, 20)
    data = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFLENS_")}
    env["BRIEFLENS_EMBED_BATCH_SIZE"] = "8"  # smaller batches: more points for a kill to land between
    env["BRIEFLENS_INGEST_COMMIT_CHUNKS"] = "16"  # commit often: kills land between many write-ahead/commit points
    rng = random.Random(SEED)
    points = ["start-up"] + ["embed/commit"] * (KILLS - 1)
    rng.shuffle(points)
    outcomes: list[tuple[str, bool, int]] = []
    for run in range(KILLS):
        if run == 3:
            # Kills during sync too: some files edited, some deleted, one renamed since the last run.
            briefs = sorted(corpus.glob("*.txt"))
            for path in briefs[:3]:
                path.write_text(path.read_text(encoding="utf-8") + f"\nAddendum {run}: revised.\n", encoding="utf-8")
            for path in briefs[3:6]:
                path.unlink()
            briefs[6].rename(corpus / "renamed.txt")
        where, running = kill_at_random_point(corpus, data, points[run], rng, env)
        outcomes.append((where, running, pending_rows(data)))
    print("\nkill outcomes (where, still running, pending rows left):", outcomes)
    assert sum(running for _, running, _ in outcomes) >= 3  # the kills really landed mid-ingest
    with sqlite3.connect(data / "brieflens.manifest.sqlite") as conn:
        assert int(conn.execute("SELECT count(*) FROM documents").fetchone()[0]) > 0
    lens = BriefLens(Settings(_env_file=None, data_dir=data), embedder)  # type: ignore[call-arg]
    report = lens.ingest([corpus])
    assert not report.problems
    on_disk = sorted(corpus.glob("*.txt"))
    assert_consistent(lens)  # no duplicates, no orphans, Chroma == manifest == FTS, nothing pending
    assert lens.index.store.ids() == expected_chunk_ids(lens, on_disk)  # the index equals the corpus
    assert {Path(row.path) for row in lens.index.catalog.files().values()} == {p.resolve() for p in on_disk}
    assert lens.ingest([corpus]).chunks_embedded == 0
    lens.close()
