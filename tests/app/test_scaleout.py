"""Two `brieflens serve` processes with separate data dirs on one real PostgreSQL and one real Chroma server."""

from __future__ import annotations

import json
import uuid
from contextlib import ExitStack
from pathlib import Path

import httpx
import psycopg
import pytest

from tests.conftest import CORPUS
from tests.serve_process import clean_env, serve

QUESTION = "Quokka lidar consortium shipments"


def _search(base: str, query: str) -> list[str]:
    """The texts of the top passages one server returns."""
    response = httpx.post(f"{base}/search", json={"query": query, "k": 3}, timeout=60)
    response.raise_for_status()
    return [r["text"] for r in response.json()]


@pytest.mark.slow
def test_two_servers_serve_one_corpus(tmp_path: Path, pg_url: str, chroma_url: str) -> None:
    collection = f"t{uuid.uuid4().hex[:12]}"
    env = clean_env(catalog_url=pg_url, chroma_url=chroma_url, collection=collection)
    (tmp_path / "one" / "corpus").mkdir(parents=True)
    for brief in CORPUS.iterdir():
        (tmp_path / "one" / "corpus" / brief.name).write_bytes(brief.read_bytes())
    with ExitStack() as stack:
        first = stack.enter_context(serve(tmp_path / "one", env))
        assert len(httpx.post(f"{first}/ingest", json={}, timeout=300).json()["added"]) == 2
        second = stack.enter_context(serve(tmp_path / "two", env))
        assert {d["title"] for d in httpx.get(f"{second}/documents").json()} == {
            d["title"] for d in httpx.get(f"{first}/documents").json()
        }
        assert len(httpx.get(f"{second}/documents").json()) == 2
        # An upload through the first is found by the second on its next request.
        brief = b"# Lidar\n\nThe Quokka lidar consortium shipped 4,200 units in March.\n"
        upload = httpx.post(f"{first}/ingest", files={"files": ("lidar.md", brief)}, timeout=120)
        assert (
            upload.status_code == 200 and upload.json()["stored"] == ["lidar.md"] and len(upload.json()["added"]) == 1
        )
        assert _search(second, QUESTION)[0].startswith("The Quokka lidar consortium")
        # While any server holds the catalog's writer lock, an ingest elsewhere gets 409 at once.
        with psycopg.connect(pg_url, autocommit=True) as db:
            db.execute("SELECT pg_advisory_lock(%s, hashtext(%s))", (0x42524C4E, collection))
            assert httpx.post(f"{second}/ingest", json={}, timeout=60).status_code == 409
        # A brief the first deletes is gone from the second's answers and list.
        lidar = next(d for d in httpx.get(f"{second}/documents").json() if d["title"] == "Lidar")
        assert httpx.delete(f"{first}/documents/{lidar['doc_id']}", timeout=60).status_code == 200
        assert not any("Quokka" in text for text in _search(second, QUESTION))
        assert len(httpx.get(f"{second}/documents").json()) == 2


@pytest.mark.slow
def test_migrate_then_ingest_through_the_cli(
    tmp_path: Path, corpus_copy: Path, pg_url: str, chroma_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from app.cli import app

    runner = CliRunner()
    monkeypatch.chdir(tmp_path)
    for name in ("CATALOG_URL", "CHROMA_URL"):
        monkeypatch.delenv(f"BRIEFLENS_{name}", raising=False)
    monkeypatch.setenv("BRIEFLENS_COLLECTION", f"t{uuid.uuid4().hex[:12]}")
    assert runner.invoke(app, ["ingest", "corpus", "--data-dir", "idx"]).exit_code == 0
    moved = runner.invoke(app, ["migrate", "--catalog-url", pg_url, "--chroma-url", chroma_url, "--data-dir", "idx"])
    assert moved.exit_code == 0, moved.output
    assert "Migrated 2 documents" in moved.output
    # Another machine's CLI on the shared catalog: the copy is exactly what its ingest makes, so nothing is embedded.
    monkeypatch.setenv("BRIEFLENS_CHROMA_URL", chroma_url)
    again = runner.invoke(app, ["ingest", "corpus", "--data-dir", "other", "--catalog-url", pg_url, "--json"])
    assert again.exit_code == 0, again.output
    report = json.loads(again.stdout)
    assert report["added"] == [] and len(report["unchanged"]) == 2 and report["chunks_embedded"] == 0
    monkeypatch.setenv("BRIEFLENS_CATALOG_URL", pg_url)
    listed = runner.invoke(app, ["documents", "--data-dir", "third", "--json"])
    assert listed.exit_code == 0 and len(json.loads(listed.stdout)) == 2
