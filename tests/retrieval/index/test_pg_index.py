"""The PostgreSQL path end to end: a real PostgreSQL and a real `chroma run` server shared by several BriefLens."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from retrieval.errors import IngestBusy
from retrieval.index.embedding import SentenceTransformerEmbedder
from retrieval.index.migrate import migrate
from retrieval.index.pg_catalog import PgCatalog
from retrieval.service import BriefLens
from retrieval.settings import Settings
from tests.conftest import CORPUS
from tests.index_checks import assert_consistent, expected_chunk_ids
from tests.retrieval.ingest.test_crash import INGEST, make_corpus

MakeLens = Callable[..., BriefLens]


@pytest.fixture
def shared(pg_url: str, chroma_url: str, tmp_path: Path, embedder: SentenceTransformerEmbedder) -> Iterator[MakeLens]:
    """BriefLens instances on one fresh collection (a Postgres schema, a Chroma collection), each its own data dir."""
    collection = f"t{uuid.uuid4().hex[:12]}"
    opened: list[BriefLens] = []

    def build(name: str = "a", **overrides: Any) -> BriefLens:
        values: dict[str, Any] = {
            "data_dir": tmp_path / name,
            "corpus_dir": tmp_path / f"corpus-{name}",
            "collection": collection,
            "catalog_url": pg_url,
            "chroma_url": chroma_url,
        }
        opened.append(BriefLens(Settings(_env_file=None, **{**values, **overrides}), embedder))  # type: ignore[call-arg]
        return opened[-1]

    yield build
    for lens in opened:
        lens.close()


def test_servers_share_ingests_and_deletes(shared: MakeLens, tmp_path: Path) -> None:
    first, second = shared("a"), shared("b")
    assert isinstance(first.index.catalog, PgCatalog)
    first.ingest([CORPUS])
    assert_consistent(first)
    assert {d.source for d in second.documents()} == {str(CORPUS / f.name) for f in CORPUS.iterdir()}
    question = "Which Huawei chips achieved day-zero compatibility with DeepSeek V4?"
    assert "950PR" in second.ask(question).answer
    (tmp_path / "new").mkdir()
    (tmp_path / "new" / "lidar.md").write_text("# Lidar\n\nThe Quokka lidar consortium shipped 4,200 units.\n")
    first.ingest([tmp_path / "new"])
    hits = second.search("Quokka lidar consortium units", 3)
    assert hits[0].chunk.text.startswith("The Quokka lidar consortium")
    first.remove(hits[0].chunk.doc_id)
    assert all("Quokka" not in h.chunk.text for h in second.search("Quokka lidar consortium units", 3))
    assert len(second.documents()) == 2


def test_one_writer_at_a_time_across_servers(shared: MakeLens) -> None:
    first, second = shared("a"), shared("b")
    with first.index.catalog.exclusive():
        with pytest.raises(IngestBusy):
            second.ingest([CORPUS])
        with pytest.raises(IngestBusy):
            second.remove("nothing")
    assert len(second.ingest([CORPUS]).added) == 2  # released: the other server's turn


def test_retrieval_on_postgres_matches_the_embedded_path(
    shared: MakeLens, make_settings: Callable[..., Settings], embedder: SentenceTransformerEmbedder, questions: Any
) -> None:
    pg = shared("a")
    pg.ingest([CORPUS])
    embedded = BriefLens(make_settings(), embedder)
    embedded.ingest([CORPUS])
    try:
        answerable = [q for q in questions if q.get("evidence")]

        def found(lens: BriefLens, retriever: str) -> int:
            lens.settings = lens.settings.model_copy(update={"retriever": retriever})
            from retrieval.search.retriever import RETRIEVERS

            lens.retriever = RETRIEVERS[retriever](lens.settings, lens.index)
            return sum(any(q["evidence"] in h.chunk.text for h in lens.search(q["question"], 5)) for q in answerable)

        for retriever in ("lexical", "hybrid"):
            on_pg, on_sqlite = found(pg, retriever), found(embedded, retriever)
            # Recall@5 within one question of the embedded path (and both find most evidence).
            assert abs(on_pg - on_sqlite) <= 1 and on_pg >= 0.6 * len(answerable), (retriever, on_pg, on_sqlite)
    finally:
        embedded.close()


def test_migrate_copies_the_embedded_index_without_re_embedding(
    shared: MakeLens, make_settings: Callable[..., Settings], embedder: SentenceTransformerEmbedder
) -> None:
    local = BriefLens(make_settings(), embedder)
    local.ingest([CORPUS])
    target = shared("a")
    before = embedder.embed  # a migration must not call the model

    def refuse(*args: object, **kwargs: object) -> Any:
        raise AssertionError("migrate re-embedded")

    embedder.embed = refuse  # type: ignore[method-assign]
    try:
        report = migrate(local.index, target.index)
    finally:
        embedder.embed = before  # type: ignore[method-assign]
    assert report.documents == 2 and report.chunks == len(local.index.catalog.all_chunk_ids())
    assert_consistent(target)
    assert target.index.catalog.all_chunk_ids() == local.index.catalog.all_chunk_ids()
    assert target.index.catalog.get_meta("signature") == local.index.catalog.get_meta("signature")
    question = "How much has State Grid earmarked for AI-powered robots?"
    assert target.ask(question).answer == local.ask(question).answer
    assert target.ingest([CORPUS]).chunks_embedded == 0  # the copy is what an ingest would have made
    local.close()


def _committed(url: str, schema: str) -> int:
    """Chunks committed in a schema (0 before it exists)."""
    try:
        with psycopg.connect(url, autocommit=True) as db:
            row = db.execute("SELECT count(*) FROM pg_tables WHERE schemaname = %s AND tablename = 'chunks'", (schema,))
            if not row.fetchone()[0]:  # type: ignore[index]
                return 0
            return int(db.execute(f'SELECT count(*) FROM "{schema}".chunks').fetchone()[0])  # type: ignore[index]
    except psycopg.Error:
        return 0


@pytest.mark.slow
def test_kill_9_mid_ingest_leaves_nothing_half_visible(
    shared: MakeLens, pg_url: str, chroma_url: str, tmp_path: Path
) -> None:
    corpus = tmp_path / "many"
    make_corpus(corpus, 24)
    observer = shared("observer", ingest_commit_chunks=64)
    collection = observer.settings.collection
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFLENS_")}
    env |= {
        "BRIEFLENS_COLLECTION": collection,
        "BRIEFLENS_CHROMA_URL": chroma_url,
        "BRIEFLENS_INGEST_COMMIT_CHUNKS": "64",
    }
    command = [sys.executable, "-c", INGEST, "ingest", str(corpus), "--data-dir", str(tmp_path / "w"), "--catalog-url"]
    proc = subprocess.Popen([*command, pg_url], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 180
    while _committed(pg_url, collection) == 0 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the ingest finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    # What the others see meanwhile: whole documents only, and Chroma hits of uncommitted chunks are dropped.
    committed = observer.index.catalog.all_chunk_ids()
    assert 0 < len(committed) < len(expected_chunk_ids(observer, sorted(corpus.iterdir())))
    for info in observer.documents():
        assert len(observer.index.catalog.chunk_ids(info.doc_id)) == info.n_chunks
    assert all(h.chunk.id in committed for h in observer.search("Key Developments", 20))
    # The dead writer's lock went with its connection; the next ingest, from another server, recovers:
    # it deletes exactly the chunks Chroma holds that no committed document owns.
    in_chroma = observer.index.store.ids()
    report = shared("other").ingest([corpus])
    assert report.recovered == len(in_chroma - committed)
    assert_consistent(observer)
    assert observer.index.catalog.all_chunk_ids() == expected_chunk_ids(observer, sorted(corpus.iterdir()))


def test_synthesis_answers_read_the_shared_catalog(shared: MakeLens) -> None:
    # Metadata and names across briefs are read from the catalog's texts: another server answers them too.
    first, second = shared("a"), shared("b")
    first.ingest([CORPUS])
    updated = second.ask("When was the Big Picture Brief last updated?")
    assert updated.kind == "metadata" and [c.quote for c in updated.citations] == ["Updated Mar 1, 2026"]
    both = second.ask("Which companies do both briefs mention?")
    assert both.kind == "aggregation" and "DeepSeek is named in both briefs." in both.answer
    for c in both.citations:
        doc = second.index.catalog.document(c.doc_id)
        assert doc is not None and doc.text[c.start : c.end] == c.quote
