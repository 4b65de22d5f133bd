"""Endpoint failures (down, slow, 429, malformed) give a clear note and the extractive answer, never a traceback."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from retrieval.errors import GenerationError
from retrieval.generation.backends import openai_compatible
from retrieval.generation.local import free_port
from retrieval.index.embedding import SentenceTransformerEmbedder
from retrieval.service import BriefLens
from retrieval.settings import Settings
from retrieval.streaming import AnswerEvent, NoteEvent, TokenEvent
from tests.retrieval.openai_stub import Script, serve

QUESTION = "Which Huawei chips achieved day-zero compatibility with DeepSeek V4?"


@contextmanager
def model_lens(
    lens: BriefLens, embedder: SentenceTransformerEmbedder, base_url: str, **extra: Any
) -> Iterator[BriefLens]:
    """The session's lens with an OpenAI-compatible generator at base_url, restored afterwards."""
    values: dict[str, Any] = {"data_dir": lens.settings.data_dir, "llm_base_url": base_url, "llm_timeout": 1.0}
    settings = Settings(_env_file=None, generator="openai", **{**values, **extra})  # type: ignore[call-arg]
    saved = lens.generator
    lens.generator = openai_compatible(settings, embedder)
    try:
        yield lens
    finally:
        lens.generator = saved


def supported_reply(lens: BriefLens) -> str:
    """A reply quoting the top hit's first sentence with its marker (what a well-behaved model writes)."""
    top = lens.search(QUESTION, 5)
    n = next(i for i, h in enumerate(top, 1) if "950PR" in h.chunk.text)
    return f"Huawei's Ascend 950PR and 950DT chips achieved day-zero compatibility with DeepSeek's V4 model [{n}]."


def assert_fallback(answer: Any, words: str) -> None:
    assert answer.generator == "extractive" and not answer.abstained and answer.sentences
    assert len(answer.notes) == 1 and "openai generator failed" in answer.notes[0] and words in answer.notes[0]


def test_endpoint_down_falls_back_with_a_note(lens: BriefLens, embedder: SentenceTransformerEmbedder) -> None:
    with model_lens(lens, embedder, f"http://127.0.0.1:{free_port()}/v1", llm_retries=0) as m:
        assert_fallback(m.ask(QUESTION), "cannot reach")
        events = list(m.ask_stream(QUESTION))
        assert isinstance(events[0], NoteEvent) and isinstance(events[-1], AnswerEvent)
        assert_fallback(events[-1].answer, "cannot reach")


def test_slow_endpoint_times_out(lens: BriefLens, embedder: SentenceTransformerEmbedder) -> None:
    script = Script([("hang", "")])
    with serve(script) as url, model_lens(lens, embedder, url, llm_retries=0, llm_timeout=0.5) as m:
        assert_fallback(m.ask(QUESTION), "did not answer in time")


def test_rate_limit_is_retried_then_succeeds(lens: BriefLens, embedder: SentenceTransformerEmbedder) -> None:
    script = Script([("429", ""), ("429", ""), ("ok", supported_reply(lens))])
    with serve(script) as url, model_lens(lens, embedder, url, llm_retries=2) as m:
        answer = m.ask(QUESTION)
    assert script.calls == 3
    assert answer.generator == "openai" and answer.notes == () and len(answer.sentences) == 1
    assert answer.sentences[0].supported and "950PR" in answer.sentences[0].citations[0].quote


def test_rate_limit_that_persists_is_explained(lens: BriefLens, embedder: SentenceTransformerEmbedder) -> None:
    with serve(Script([("429", "")])) as url, model_lens(lens, embedder, url, llm_retries=1) as m:
        assert_fallback(m.ask(QUESTION), "rate-limiting (429)")


def test_malformed_output_is_explained(lens: BriefLens, embedder: SentenceTransformerEmbedder) -> None:
    with serve(Script([("malformed", "")])) as url, model_lens(lens, embedder, url, llm_retries=0) as m:
        assert_fallback(m.ask(QUESTION), "malformed")


def test_without_fallback_the_error_is_raised(lens: BriefLens, embedder: SentenceTransformerEmbedder) -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"
    with model_lens(lens, embedder, url, llm_retries=0, llm_fallback=False) as m, pytest.raises(GenerationError):
        m.ask(QUESTION)


def test_streamed_answer_equals_the_non_streamed_one(lens: BriefLens, embedder: SentenceTransformerEmbedder) -> None:
    reply = supported_reply(lens) + " The Eiffel Tower was sold to a Brazilian bank in 1999 [1]."
    with serve(Script([("ok", reply)])) as url, model_lens(lens, embedder, url) as m:
        plain = m.ask(QUESTION)
        events = list(m.ask_stream(QUESTION))
    assert sum(isinstance(e, TokenEvent) for e in events) > 5
    final = events[-1]
    assert isinstance(final, AnswerEvent) and final.answer == plain
    assert plain.removed_sentences == 1 and len(plain.sentences) == 1
