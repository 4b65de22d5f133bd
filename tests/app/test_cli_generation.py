"""The CLI with a model back-end: --generator, ask --stream, chat condensing, and failures as notes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from app.cli import app
from retrieval.generation.local import LocalServer, free_port
from retrieval.index.embedding import SentenceTransformerEmbedder
from tests.llm_fixtures import needs_local

QUESTION = "Which Huawei chips achieved day-zero compatibility with DeepSeek V4?"


@pytest.fixture
def data(
    embedder: SentenceTransformerEmbedder, tmp_path: Path, corpus_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """The corpus ingested through the CLI, from the temp dir."""
    embedder.count_tokens(["warm"])
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["ingest", "corpus", "--data-dir", "idx"])
    assert result.exit_code == 0, result.output
    return tmp_path / "idx"


def check_citations(answer: dict[str, Any], corpus: Path) -> None:
    """Every citation quotes its file verbatim at its offsets."""
    for sentence in answer["sentences"]:
        for c in sentence["citations"]:
            text = (corpus / Path(c["source"]).name).read_text(encoding="utf-8")
            assert text[c["start"] : c["end"]] == c["quote"]


def test_unknown_generator_is_a_clear_error(data: Path) -> None:
    result = CliRunner().invoke(app, ["ask", QUESTION, "--generator", "gpt9", "--data-dir", str(data)])
    assert result.exit_code == 2 and "generator" in result.stderr and "Traceback" not in result.output


def test_endpoint_down_gives_a_note_and_the_extractive_answer(
    data: Path, corpus_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BRIEFLENS_LLM_BASE_URL", f"http://127.0.0.1:{free_port()}/v1")
    monkeypatch.setenv("BRIEFLENS_LLM_RETRIES", "0")
    args = ["ask", QUESTION, "--generator", "openai", "--data-dir", str(data)]
    result = CliRunner().invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["generator"] == "extractive" and "cannot reach" in answer["notes"][0]
    check_citations(answer, corpus_copy)
    shown = CliRunner().invoke(app, args)
    assert shown.exit_code == 0 and "note:" in shown.stderr and "Traceback" not in shown.output


@pytest.mark.slow
@needs_local
def test_ask_and_stream_through_the_local_server(
    data: Path, corpus_copy: Path, llm_server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BRIEFLENS_LLM_BASE_URL", llm_server.base_url)
    args = ["ask", QUESTION, "--generator", "openai", "--data-dir", str(data), "--json"]
    plain = CliRunner().invoke(app, args)
    assert plain.exit_code == 0, plain.output
    answer = json.loads(plain.stdout)
    assert answer["generator"] == "openai"
    assert {"removed_sentences", "flagged_sentences", "dropped_citations", "notes"} <= answer.keys()
    check_citations(answer, corpus_copy)
    streamed = CliRunner().invoke(app, [*args, "--stream"])
    assert streamed.exit_code == 0, streamed.output
    events = [json.loads(line) for line in streamed.stdout.splitlines()]
    assert events[0]["kind"] == "token" and events[-1]["kind"] == "answer"
    assert events[-1]["answer"] == answer


@pytest.mark.slow
@needs_local
def test_chat_streams_and_condenses_follow_ups(
    data: Path, llm_server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BRIEFLENS_LLM_BASE_URL", llm_server.base_url)
    monkeypatch.setenv("BRIEFLENS_GENERATOR", "openai")
    result = CliRunner().invoke(app, ["chat", "--data-dir", str(data)], input=f"{QUESTION}\nAnd what about Moonshot?\n")
    assert result.exit_code == 0, result.output
    assert "(searching:" in result.stderr and "Traceback" not in result.output
