"""Streamed /ask and /chat as server-sent events, failures mid-stream, and the generator's health probe."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from retrieval.generation.local import LocalServer, free_port
from retrieval.index.embedding import SentenceTransformerEmbedder
from retrieval.settings import Settings
from tests.app.api_helpers import api_client, sse_events
from tests.conftest import CORPUS
from tests.llm_fixtures import needs_local
from tests.retrieval.openai_stub import Script, serve

HUAWEI = "Which Huawei chips achieved day-zero compatibility with DeepSeek V4?"
MODEL_REPLY = "Huawei's Ascend 950PR chips achieved day-zero compatibility with DeepSeek V4 [1]."


def names(events: list[tuple[str, Any]]) -> list[str]:
    return [e for e, _ in events]


def test_extractive_stream_ends_with_the_json_answer(
    make_settings: Callable[..., Settings], embedder: SentenceTransformerEmbedder
) -> None:
    with api_client(make_settings(corpus_dir=CORPUS), embedder) as c:
        plain = c.post("/ask", json={"question": HUAWEI, "k": 4}).json()
        r = c.post("/ask", json={"question": HUAWEI, "k": 4, "stream": True})
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        events = sse_events(r.text)
        assert names(events)[-2:] == ["answer", "done"] and events[-2][1] == plain
        sentences = [d for e, d in events if e == "sentence"]
        assert [{k: v for k, v in s.items() if k != "kept"} for s in sentences] == plain["sentences"]
        assert all(s["kept"] and s["citations"] for s in sentences)

        turn = c.post("/chat", json={"message": HUAWEI, "stream": True})
        chat = sse_events(turn.text)
        assert names(chat)[-2:] == ["answer", "done"]
        final = chat[-2][1]
        assert final.keys() == {"conversation_id", "turn", "query", "answer"} and final["turn"] == 1
        assert final["answer"]["answer"] == plain["answer"]
        follow = c.post(
            "/chat", json={"message": "And what about Moonshot?", "conversation_id": final["conversation_id"]}
        )
        assert follow.status_code == 200 and follow.json()["turn"] == 2


def test_bad_stream_requests_fail_before_the_stream_starts(
    make_settings: Callable[..., Settings], embedder: SentenceTransformerEmbedder
) -> None:
    with api_client(make_settings(corpus_dir=CORPUS), embedder) as c:
        empty = c.post("/ask", json={"question": "   ", "stream": True})
        assert empty.status_code == 400 and empty.json()["error"]["code"] == "query_error"
        unknown = c.post("/ask", json={"question": "chips", "stream": True, "filters": {"doc": ["nope.txt"]}})
        assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "document_not_found"


def test_model_failure_mid_stream_is_an_error_event_or_a_fallback_note(
    make_settings: Callable[..., Settings], embedder: SentenceTransformerEmbedder
) -> None:
    with serve(Script([("cut", "Huawei's Ascend chips")])) as url:
        strict = make_settings(corpus_dir=CORPUS, generator="openai", llm_base_url=url, llm_fallback=False)
        with api_client(strict, embedder) as c:
            r = c.post("/ask", json={"question": HUAWEI, "stream": True})
        assert r.status_code == 200 and "Traceback" not in r.text
        events = sse_events(r.text)
        assert names(events)[0] == "token" and names(events)[-1] == "error"
        error = events[-1][1]["error"]
        assert error["code"] == "generation_error" and "malformed output" in error["message"]

        lenient = make_settings(corpus_dir=CORPUS, generator="openai", llm_base_url=url, llm_retries=0)
        with api_client(lenient, embedder) as c:
            events = sse_events(c.post("/ask", json={"question": HUAWEI, "stream": True}).text)
        assert names(events)[0] == "token" and names(events)[-2:] == ["answer", "done"]
        notes = [d["text"] for e, d in events if e == "note"]
        answer = events[-2][1]
        assert notes and answer["notes"] == notes and answer["generator"] == "extractive"
        assert not answer["abstained"] and "950PR" in answer["answer"]


def test_health_probes_the_model_endpoint(
    make_settings: Callable[..., Settings], embedder: SentenceTransformerEmbedder
) -> None:
    with serve(Script([("ok", MODEL_REPLY)])) as url:
        up = make_settings(corpus_dir=CORPUS, generator="openai", llm_base_url=url)
        with api_client(up, embedder, ingest=False) as c:
            assert c.get("/health").json()["generator"] == {"name": "openai", "reachable": True}
    down = make_settings(corpus_dir=CORPUS, generator="openai", llm_base_url=f"http://127.0.0.1:{free_port()}/v1")
    with api_client(down, embedder, ingest=False) as c:
        assert c.get("/health").json()["generator"] == {"name": "openai", "reachable": False}


@pytest.mark.slow
@needs_local
def test_model_stream_through_the_local_server_equals_the_json_answer(
    make_settings: Callable[..., Settings], embedder: SentenceTransformerEmbedder, llm_server: LocalServer
) -> None:
    settings = make_settings(corpus_dir=CORPUS, generator="openai", llm_base_url=llm_server.base_url)
    with api_client(settings, embedder) as c:
        assert c.get("/health").json()["generator"] == {"name": "openai", "reachable": True}
        plain = c.post("/ask", json={"question": HUAWEI})
        assert plain.status_code == 200 and plain.json()["generator"] == "openai"
        events = sse_events(c.post("/ask", json={"question": HUAWEI, "stream": True}).text)
        assert names(events)[0] == "token" and names(events)[-2:] == ["answer", "done"]
        assert events[-2][1] == plain.json()
        tokens = "".join(d["text"] for e, d in events if e == "token")
        assert tokens.strip()
        kept = [{k: v for k, v in d.items() if k != "kept"} for e, d in events if e == "sentence" and d["kept"]]
        assert kept == plain.json()["sentences"]
        chat = sse_events(c.post("/chat", json={"message": HUAWEI, "stream": True}).text)
        assert names(chat)[0] == "token" and chat[-2][1]["answer"] == plain.json()
