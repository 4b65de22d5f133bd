"""The store contract, run against both back-ends: embedded Chroma and a real `chroma run` server over HTTP."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from retrieval.errors import ConfigError, IndexStateError, StoreError
from retrieval.index.embedding import SentenceTransformerEmbedder
from retrieval.ingest.chunking import chunk_document
from retrieval.ingest.loaders import load_document
from retrieval.ingest.sync import recover
from retrieval.search.filters import FilterSpec
from retrieval.service import BriefLens
from retrieval.settings import Settings
from tests.chroma_server import chroma_server, free_port
from tests.index_checks import assert_consistent, expected_chunk_ids

DATED = "004_65154c0ccd00f957.txt"  # "Updated Mar 1, 2026"
UNDATED = "000_e770148319605323.txt"
MakeLens = Callable[..., BriefLens]


@pytest.fixture(params=["embedded", "server"])
def backend(request: pytest.FixtureRequest) -> str | None:
    """The Chroma URL of the back-end under test (None: the embedded store)."""
    if request.param == "embedded":
        return None
    return str(request.getfixturevalue("chroma_url"))


@pytest.fixture
def make_lens(backend: str | None, tmp_path: Path, embedder: SentenceTransformerEmbedder) -> Iterator[MakeLens]:
    """Open BriefLens on the back-end under test; a fresh collection per test, so server tests never share state."""
    collection = f"t{uuid.uuid4().hex[:16]}"
    opened: list[BriefLens] = []

    def build(**overrides: Any) -> BriefLens:
        values: dict[str, Any] = {"data_dir": tmp_path / "data", "collection": collection, "chroma_url": backend}
        values.update(overrides)
        lens = BriefLens(Settings(_env_file=None, **values), embedder)  # type: ignore[call-arg]
        opened.append(lens)
        return lens

    yield build
    for lens in opened:
        lens.close()


def files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.txt"))


def test_ingest_search_ask_and_idempotence(make_lens: MakeLens, corpus_copy: Path) -> None:
    lens = make_lens()
    first = lens.ingest([corpus_copy])
    assert len(first.added) == 2 and first.chunks_embedded > 10 and not first.problems
    assert_consistent(lens)
    assert lens.index.store.ids() == expected_chunk_ids(lens, files(corpus_copy))
    hits = lens.search("Huawei Ascend chips", 3)
    assert any("950PR" in h.chunk.text for h in hits)
    for h in hits:
        assert Path(h.source).read_text(encoding="utf-8")[h.chunk.start : h.chunk.end] == h.chunk.text
    answer = lens.ask("How much did Saudi Arabia announce for AI infrastructure?")
    assert not answer.abstained and "$40 billion" in answer.answer
    for c in answer.citations:
        assert Path(c.source).read_text(encoding="utf-8")[c.start : c.end] == c.quote
    assert lens.ask("What is the capital of Peru?").abstained
    second = lens.ingest([corpus_copy])
    assert second.chunks_embedded == 0 and len(second.unchanged) == 2 and not second.added
    path = corpus_copy / UNDATED
    path.write_bytes(path.read_bytes())  # a touch: re-read, nothing re-embedded
    assert lens.ingest([corpus_copy]).chunks_embedded == 0
    assert_consistent(lens)


def test_dense_search_reads_the_store(make_lens: MakeLens, corpus_copy: Path) -> None:
    """The dense retriever answers from Chroma alone, so this checks the back-end's vectors and metadata."""
    lens = make_lens(retriever="dense")
    lens.ingest([corpus_copy])
    hits = lens.search("Which chips are compatible with DeepSeek V4 on day zero?", 5)
    assert len(hits) == 5 and any("950PR" in h.chunk.text for h in hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert all(h.title and h.source for h in hits)


def test_sync_after_edit_delete_and_rename(make_lens: MakeLens, corpus_copy: Path) -> None:
    lens = make_lens(retriever="dense")
    lens.ingest([corpus_copy])
    brief = corpus_copy / DATED
    old_id = lens.resolve_docs([brief.name])[0]
    old_chunks = set(lens.index.catalog.chunk_ids(old_id))
    brief.write_text(
        brief.read_text(encoding="utf-8") + "\nAddendum: Kestrel Dynamics unveiled a new maritime sensor.\n",
        encoding="utf-8",
    )
    report = lens.ingest([corpus_copy])
    assert report.updated == [str(brief)] and report.chunks_embedded > 0
    new_id = lens.resolve_docs([brief.name])[0]
    assert new_id != old_id and lens.index.catalog.chunk_ids(old_id) == []
    assert not old_chunks - set(lens.index.catalog.chunk_ids(new_id)) & lens.index.store.ids()
    assert any("Kestrel" in h.chunk.text for h in lens.search("Kestrel Dynamics maritime sensor", 3))
    assert_consistent(lens)

    moved = (corpus_copy / UNDATED).rename(corpus_copy / "renamed.txt")
    report = lens.ingest([corpus_copy])
    assert report.renamed == [str(moved)] and report.chunks_embedded == 0
    assert {d.source for d in lens.documents()} == {str(brief), str(moved)}
    shutil.copy(moved, corpus_copy / "copy.txt")
    report = lens.ingest([corpus_copy])
    assert any("duplicate" in p for p in report.problems) and len(lens.documents()) == 2
    (corpus_copy / "copy.txt").unlink()

    brief.unlink()
    report = lens.ingest([corpus_copy])
    assert report.removed == [str(brief)] and report.chunks_removed > 0
    assert len(lens.documents()) == 1
    assert not any("Kestrel" in h.chunk.text for h in lens.search("Kestrel Dynamics maritime sensor", 3))
    assert_consistent(lens)
    assert lens.index.store.ids() == expected_chunk_ids(lens, [moved])


def test_delete_is_by_id_and_ignores_unknown_ids(make_lens: MakeLens, corpus_copy: Path) -> None:
    lens = make_lens()
    lens.ingest([corpus_copy])
    ids = sorted(lens.index.store.ids())
    lens.index.store.delete([*ids[:3], "not-a-chunk"])
    assert lens.index.store.ids() == set(ids[3:])
    lens.index.store.delete([])
    assert lens.index.store.count() == len(ids) - 3


def test_interrupted_ingest_is_recovered(
    make_lens: MakeLens, corpus_copy: Path, embedder: SentenceTransformerEmbedder
) -> None:
    """Recreate what a kill between the Chroma upsert and the manifest commit leaves, then re-ingest."""
    lens = make_lens()
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
    assert_consistent(lens)
    assert recover(lens.index) == 0


def test_filters_reach_the_store(make_lens: MakeLens, corpus_copy: Path) -> None:
    lens = make_lens(retriever="dense")
    lens.ingest([corpus_copy])

    def names(spec: FilterSpec) -> set[str]:
        return {h.source.rsplit("/", 1)[-1] for h in lens.search("distillation", 8, spec)}

    assert names(FilterSpec(docs=(DATED,))) == {DATED}
    assert names(FilterSpec(sources=("*000_*",))) == {UNDATED}
    assert names(FilterSpec(since=dt.date(2026, 1, 1))) == {DATED}
    assert names(FilterSpec(as_of=dt.date(2026, 2, 1))) == {UNDATED}
    hits = lens.search("distillation", 8, FilterSpec(section="signals & trends"))
    assert hits and all(h.chunk.section.startswith("Signals & Trends") for h in hits)
    mixed = lens.search("distillation", 8, FilterSpec(docs=(DATED,), section="signals & trends"))
    assert all(h.source.endswith(DATED) and h.chunk.section.startswith("Signals & Trends") for h in mixed)
    answer = lens.ask("Which Huawei chips achieved day-zero compatibility?", None, FilterSpec(docs=(DATED,)))
    assert all(c.source.endswith(DATED) for c in answer.citations)


def test_reopen_sees_the_same_index_and_refuses_another_model(make_lens: MakeLens, corpus_copy: Path) -> None:
    lens = make_lens()
    lens.ingest([corpus_copy])
    ids = lens.index.store.ids()
    lens.close()
    again = make_lens()
    assert again.index.store.ids() == ids and again.ingest([corpus_copy]).chunks_embedded == 0
    with pytest.raises(IndexStateError, match="was built with"):
        make_lens(embedding_model="another-model")


# --- server mode only: what happens when the server is not there ---


def test_server_down_is_a_clear_error(tmp_path: Path, embedder: SentenceTransformerEmbedder) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    settings = Settings(_env_file=None, data_dir=tmp_path, chroma_url=url)  # type: ignore[call-arg]
    with pytest.raises(StoreError, match="cannot reach the Chroma server") as info:
        BriefLens(settings, embedder)
    assert url in str(info.value) and "chroma run" in info.value.help


@pytest.mark.parametrize("url", ["localhost:8000", "ftp://host:1", "http://:8000", "http://host:99999"])
def test_malformed_server_url_is_a_config_error(tmp_path: Path, url: str) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path, chroma_url=url)  # type: ignore[call-arg]
    with pytest.raises(ConfigError, match="BRIEFLENS_CHROMA_URL"):
        BriefLens(settings)


def test_hung_server_times_out(tmp_path: Path, embedder: SentenceTransformerEmbedder) -> None:
    """A server that accepts connections and never answers must not hang BriefLens."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                held.append(listener.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    settings = Settings(_env_file=None, data_dir=tmp_path, chroma_url=url, chroma_timeout_s=1)  # type: ignore[call-arg]
    began = time.monotonic()
    try:
        with pytest.raises(StoreError, match="ReadTimeout"):
            BriefLens(settings, embedder)
    finally:
        listener.close()
        for conn in held:
            conn.close()
    assert time.monotonic() - began < 10


def test_server_lost_mid_session_is_a_clear_error(
    tmp_path: Path, corpus_copy: Path, embedder: SentenceTransformerEmbedder
) -> None:
    with chroma_server(tmp_path / "db") as server:
        settings = Settings(_env_file=None, data_dir=tmp_path / "data", chroma_url=server.url)  # type: ignore[call-arg]
        lens = BriefLens(settings, embedder)
        lens.ingest([corpus_copy])
        server.stop()
        with pytest.raises(StoreError, match="vector store failed while"):
            lens.search("Huawei Ascend chips", 3)
        # Ingest fails cleanly too; what it had begun is recovered by the next run (covered above).
        (corpus_copy / "new.txt").write_text("New Brief\nA fresh finding about chips.\n", encoding="utf-8")
        with pytest.raises(StoreError):
            lens.ingest([corpus_copy])
        lens.close()


def test_cli_reports_a_down_server_without_a_traceback(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFLENS_")}
    env["BRIEFLENS_CHROMA_URL"] = f"http://127.0.0.1:{free_port()}"
    exe = Path(sys.executable).parent / "brieflens"
    for args in (["search", "chips", "--json"], ["ingest", str(tmp_path)]):
        done = subprocess.run(
            [str(exe), *args, "--data-dir", str(tmp_path / "data")],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 2, done.stderr
        assert "cannot reach the Chroma server" in done.stderr and "chroma run" in done.stderr
        assert "Traceback" not in done.stderr and done.stdout == ""


def test_second_data_dir_on_one_collection_is_refused(
    chroma_url: str, tmp_path: Path, corpus_copy: Path, embedder: SentenceTransformerEmbedder
) -> None:
    """Two manifests on one collection would disagree (one deletes, the other still serves): the second refuses."""
    collection = f"t{uuid.uuid4().hex[:16]}"

    def settings(data: str) -> Settings:
        return Settings(_env_file=None, data_dir=tmp_path / data, collection=collection, chroma_url=chroma_url)  # type: ignore[call-arg]

    first = BriefLens(settings("one"), embedder)
    first.ingest([corpus_copy])
    with pytest.raises(IndexStateError, match="another BriefLens data directory") as info:
        BriefLens(settings("two"), embedder)
    assert "BRIEFLENS_COLLECTION" in info.value.help
    first.close()
    again = BriefLens(settings("one"), embedder)  # the owner itself reopens it
    assert again.ingest([corpus_copy]).chunks_embedded == 0
    again.close()
