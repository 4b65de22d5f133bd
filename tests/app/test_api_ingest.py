"""POST /ingest (server paths and uploads), DELETE /documents, and one writer at a time under real threads."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from app.api.security import safe_filename
from retrieval.index.embedding import SentenceTransformerEmbedder
from retrieval.settings import Settings
from tests.app.api_helpers import api_client

BRIEF = b"# Lunar Mining Brief\n\nThe Artemis consortium will mine helium-3 on the Moon by 2031.\n"


def test_ingest_server_paths_inside_the_corpus_only(
    make_settings: Callable[..., Settings], corpus_copy: Path, embedder: SentenceTransformerEmbedder, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "secret.txt").write_text("A private note on the server that the API must not read.\n")
    with api_client(make_settings(), embedder) as c:
        again = c.post("/ingest", json={"paths": [str(corpus_copy)]}).json()
        assert again["chunks_embedded"] == 0 and len(again["unchanged"]) == 2
        for path in (str(outside), "/etc/passwd", str(corpus_copy / ".." / "elsewhere")):
            r = c.post("/ingest", json={"paths": [path]})
            assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
        assert len(c.get("/documents").json()) == 2
    with api_client(make_settings(api_ingest_roots=(outside,)), embedder, ingest=False) as c:
        assert c.post("/ingest", json={"paths": [str(outside)]}).json()["added"]


def test_upload_is_stored_in_the_corpus_and_searchable(
    make_settings: Callable[..., Settings], corpus_copy: Path, embedder: SentenceTransformerEmbedder
) -> None:
    with api_client(make_settings(), embedder) as c:
        r = c.post("/ingest", files=[("files", ("lunar.md", BRIEF, "text/markdown"))])
        assert r.status_code == 200, r.text
        assert r.json()["stored"] == ["lunar.md"] and len(r.json()["added"]) == 1
        assert (corpus_copy / "lunar.md").read_bytes() == BRIEF
        assert not [p for p in corpus_copy.iterdir() if p.name.startswith(".")]  # no temp file left
        hits = c.post("/search", json={"query": "helium-3 Moon mining", "k": 1}).json()
        assert hits[0]["title"] == "Lunar Mining Brief"


@pytest.mark.parametrize(
    ("name", "stored"),
    [
        ("../../evil.txt", "evil.txt"),
        ("/etc/cron.d/job.md", "job.md"),
        ("..\\..\\windows\\boot.md", "boot.md"),
        ("a\x00b.txt", "a_00b.txt"),  # the client percent-encodes the NUL; the % is then replaced
        ("...hidden.txt", "hidden.txt"),
        ("x" * 500 + ".TXT", "x" * 116 + ".txt"),
        ("rés umé;rm -rf.md", "res_ume_rm_-rf.md"),
    ],
)
def test_upload_names_are_sanitised(
    make_settings: Callable[..., Settings],
    corpus_copy: Path,
    embedder: SentenceTransformerEmbedder,
    tmp_path: Path,
    name: str,
    stored: str,
) -> None:
    with api_client(make_settings(), embedder, ingest=False) as c:
        r = c.post("/ingest", files=[("files", (name, BRIEF, "text/plain"))])
    assert r.status_code == 200, r.text
    assert r.json()["stored"] == [stored]
    assert (corpus_copy / stored).read_bytes() == BRIEF
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus", "data"]  # nothing written beside the corpus


def test_safe_filename_drops_nul_and_control_characters() -> None:
    assert safe_filename("a\x00b\x07c.txt") == "abc.txt"
    assert safe_filename("dir/\x00.md") is None
    assert safe_filename("C:\\Users\\x\\brief.PDF") == "brief.pdf"


@pytest.mark.parametrize("name", ["tool.exe", "archive.zip", "noext", "..", "/", ".txt", "\x00\x00"])
def test_upload_types_outside_the_allow_list_are_415(
    make_settings: Callable[..., Settings], corpus_copy: Path, embedder: SentenceTransformerEmbedder, name: str
) -> None:
    before = sorted(p.name for p in corpus_copy.iterdir())
    with api_client(make_settings(), embedder, ingest=False) as c:
        r = c.post("/ingest", files=[("files", (name, BRIEF, "application/octet-stream"))])
    assert r.status_code == 415 and r.json()["error"]["code"] == "unsupported_media_type"
    assert sorted(p.name for p in corpus_copy.iterdir()) == before


def test_delete_removes_from_index_and_corpus(
    make_settings: Callable[..., Settings], corpus_copy: Path, embedder: SentenceTransformerEmbedder
) -> None:
    with api_client(make_settings(), embedder) as c:
        doc = next(d for d in c.get("/documents").json() if d["source"].endswith("004_65154c0ccd00f957.txt"))
        chunks_before = c.get("/health").json()["chunks"]
        r = c.delete(f"/documents/{doc['doc_id']}")
        assert r.status_code == 200
        body = r.json()
        assert body["deleted_files"] == [doc["source"]] and body["chunks_removed"] == doc["chunks"]
        assert not (corpus_copy / "004_65154c0ccd00f957.txt").exists()
        assert c.get("/health").json()["chunks"] == chunks_before - doc["chunks"]
        assert c.get(f"/documents/{doc['doc_id']}").status_code == 404
        hits = c.post("/search", json={"query": "Saudi Arabia AI investment", "k": 10}).json()
        assert hits and doc["doc_id"] not in {h["doc_id"] for h in hits}
        assert c.delete(f"/documents/{doc['doc_id']}").status_code == 404
        # The next sync of the corpus does not bring it back.
        assert c.post("/ingest", json={}).json()["added"] == []


def _many_briefs(folder: Path, n: int) -> None:
    """n distinct briefs made from the seed texts (distinct content, so distinct documents)."""
    seeds = sorted((Path(__file__).resolve().parents[2] / "corpus").glob("*.txt"))
    for i in range(n):
        text = seeds[i % len(seeds)].read_text(encoding="utf-8")
        (folder / f"extra_{i:03d}.txt").write_text(f"Extra brief {i}\n\n{text}\n\nCopy number {i}.\n")


def test_second_ingest_is_409_and_queries_answer_from_the_last_consistent_index(
    make_settings: Callable[..., Settings], corpus_copy: Path, embedder: SentenceTransformerEmbedder
) -> None:
    with api_client(make_settings(), embedder) as c:
        committed = {d["doc_id"] for d in c.get("/documents").json()}
        _many_briefs(corpus_copy, 4)
        outcome: dict[str, object] = {}
        first = threading.Thread(target=lambda: outcome.update(r=c.post("/ingest", json={})))
        first.start()
        deadline = time.monotonic() + 60
        while not c.get("/health").json()["ingesting"]:
            assert time.monotonic() < deadline and first.is_alive(), "the ingest never started"
            time.sleep(0.01)
        second = c.post("/ingest", json={})
        assert second.status_code == 409 and second.json()["error"]["code"] == "ingest_busy"
        during = 0
        while c.get("/health").json()["ingesting"]:
            hits = c.post("/search", json={"query": "Huawei Ascend chips", "k": 5})
            assert hits.status_code == 200
            seen = {d["doc_id"] for d in c.get("/documents").json()}
            # Every hit is of a committed document: never a chunk of one still being written.
            assert {h["doc_id"] for h in hits.json()} <= seen
            during += 1
        first.join(60)
        assert during >= 1 and outcome["r"].status_code == 200  # type: ignore[attr-defined]
        assert len(outcome["r"].json()["added"]) == 4  # type: ignore[attr-defined]
        assert committed < {d["doc_id"] for d in c.get("/documents").json()}
