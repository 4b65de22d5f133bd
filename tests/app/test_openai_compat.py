"""/v1 as the official `openai` SDK sees it, against a real uvicorn server on 127.0.0.1."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import openai
import pytest
from pydantic import SecretStr

from retrieval.index.embedding import SentenceTransformerEmbedder
from retrieval.service import BriefLens
from retrieval.settings import Settings
from tests.app.live_server import live_server
from tests.conftest import ROOT

KEY = "sk-test-123"
HUAWEI = "Which Huawei chips achieved day-zero compatibility with DeepSeek V4?"


@pytest.fixture(scope="module")
def base(lens: BriefLens, embedder: SentenceTransformerEmbedder) -> Iterator[str]:
    """The API over the session's ingested seed corpus, with an API key."""
    settings = lens.settings.model_copy(update={"api_key": SecretStr(KEY)})
    with live_server(settings, embedder) as url:
        yield url


@pytest.fixture(scope="module")
def client(base: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{base}/v1", api_key=KEY, max_retries=0, timeout=120)


def doc_text(base: str, doc_id: str) -> str:
    r = httpx.get(f"{base}/documents/{doc_id}", headers={"X-API-Key": KEY}, timeout=30)
    assert r.status_code == 200
    return str(r.json()["text"])


def user(text: str) -> Any:
    return {"role": "user", "content": text}


def test_models_list_and_retrieve(client: openai.OpenAI) -> None:
    assert [m.id for m in client.models.list()] == ["brieflens", "brieflens-extractive"]
    assert client.models.retrieve("brieflens-extractive").owned_by == "brieflens"
    with pytest.raises(openai.NotFoundError) as e:
        client.models.retrieve("gpt-4o")
    assert e.value.code == "model_not_found"


def test_cited_answer_with_references_and_structured_citations(client: openai.OpenAI, base: str) -> None:
    reply = client.chat.completions.create(model="brieflens", messages=[user(HUAWEI)])
    content = reply.choices[0].message.content or ""
    assert reply.object == "chat.completion" and reply.choices[0].finish_reason == "stop"
    body, _, refs = content.partition("\n\nReferences:\n")
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", body)}
    listed = [int(n) for n in re.findall(r"^- \[(\d+)\] ", refs, re.M)]
    assert "950PR" in body and markers and sorted(markers) == listed
    extra = reply.model_extra or {}
    answer = extra["brieflens"]["answer"]
    assert extra["brieflens"]["query"] == HUAWEI and not answer["abstained"]
    citations = [c for s in answer["sentences"] for c in s["citations"]]
    assert len(citations) == len(listed)
    for c in citations:
        assert doc_text(base, c["doc_id"])[c["start"] : c["end"]] == c["quote"]
        assert c["title"] in refs
    assert reply.usage is not None and reply.usage.prompt_tokens == len(HUAWEI.split())


def test_streamed_reply_equals_the_plain_one(client: openai.OpenAI) -> None:
    plain = client.chat.completions.create(model="brieflens", messages=[user(HUAWEI)])
    stream = client.chat.completions.create(
        model="brieflens", messages=[user(HUAWEI)], stream=True, stream_options={"include_usage": True}
    )
    chunks = list(stream)
    assert all(c.object == "chat.completion.chunk" for c in chunks) and len({c.id for c in chunks}) == 1
    choices = [c.choices[0] for c in chunks if c.choices]
    assert choices[0].delta.role == "assistant"
    assert [c.finish_reason for c in choices][-1] == "stop" and all(c.finish_reason is None for c in choices[:-1])
    assert "".join(c.delta.content or "" for c in choices) == plain.choices[0].message.content
    last = next(c for c in chunks if c.choices and c.choices[0].finish_reason == "stop")
    assert (last.model_extra or {})["brieflens"]["answer"]["sentences"]
    assert chunks[-1].choices == [] and chunks[-1].usage is not None


def test_stream_ends_with_done(base: str) -> None:
    body = {"model": "brieflens", "messages": [user(HUAWEI)], "stream": True}
    headers = {"Authorization": f"Bearer {KEY}"}
    r = httpx.post(f"{base}/v1/chat/completions", json=body, headers=headers, timeout=120)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
    frames = [f for f in r.text.split("\n\n") if f]
    assert frames[-1] == "data: [DONE]" and all(f.startswith("data: ") for f in frames)


def test_abstention_is_an_ordinary_reply(client: openai.OpenAI) -> None:
    reply = client.chat.completions.create(model="brieflens", messages=[user("What is the capital of Peru?")])
    assert reply.choices[0].message.content == "The corpus does not say."
    assert (reply.model_extra or {})["brieflens"]["answer"]["abstained"] is True
    streamed = client.chat.completions.create(
        model="brieflens", messages=[user("What is the capital of Peru?")], stream=True
    )
    assert "".join(c.choices[0].delta.content or "" for c in streamed if c.choices) == "The corpus does not say."


def test_follow_up_is_condensed_with_earlier_turns(client: openai.OpenAI) -> None:
    messages: Any = [
        {"role": "system", "content": "You are a helpful assistant."},
        user(HUAWEI),
        {"role": "assistant", "content": "Huawei's Ascend 950PR and 950DT chips. [1]"},
        {"role": "user", "content": [{"type": "text", "text": "What are they reducing dependence on?"}]},
    ]
    reply = client.chat.completions.create(model="brieflens-extractive", messages=messages)
    extra = (reply.model_extra or {})["brieflens"]
    assert extra["query"].startswith("What are they reducing dependence on?") and "huawei" in extra["query"].lower()
    assert extra["answer"]["generator"] == "extractive" and extra["answer"]["kind"] == "lookup"


def test_wrong_or_missing_key_is_401_in_openai_shape(base: str) -> None:
    for key in ("wrong", ""):
        bad = openai.OpenAI(base_url=f"{base}/v1", api_key=key or "x", max_retries=0)
        if not key:
            bad = bad.with_options(default_headers={"Authorization": ""})
        with pytest.raises(openai.AuthenticationError) as e:
            bad.chat.completions.create(model="brieflens", messages=[user(HUAWEI)])
        assert e.value.status_code == 401
        assert e.value.body == {
            "message": "Incorrect API key provided: send the BriefLens API key as a Bearer token.",
            "type": "invalid_request_error",
            "param": None,
            "code": "invalid_api_key",
        }
    with pytest.raises(openai.AuthenticationError):
        openai.OpenAI(base_url=f"{base}/v1", api_key="wrong", max_retries=0).models.list()


def test_unsupported_parameters_are_ignored_or_refused(client: openai.OpenAI, base: str) -> None:
    ignored = client.chat.completions.create(
        model="brieflens",
        messages=[user(HUAWEI)],
        temperature=0.7,
        max_tokens=5,
        top_p=0.5,
        user="analyst-1",
        seed=3,
        tools=[{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}],
    )
    assert "950PR" in (ignored.choices[0].message.content or "")
    with pytest.raises(openai.BadRequestError) as e:
        client.chat.completions.create(model="brieflens", messages=[user(HUAWEI)], n=2)
    assert e.value.param == "n"  # type: ignore[attr-defined]
    with pytest.raises(openai.NotFoundError):
        client.chat.completions.create(model="gpt-4o", messages=[user(HUAWEI)])
    with pytest.raises(openai.BadRequestError):
        client.chat.completions.create(model="brieflens", messages=[{"role": "assistant", "content": "hi"}])
    headers = {"Authorization": f"Bearer {KEY}"}
    for body in ({"model": "brieflens"}, {"model": "brieflens", "messages": "hi"}, [1, 2], {"messages": []}):
        r = httpx.post(f"{base}/v1/chat/completions", json=body, headers=headers, timeout=30)
        assert r.status_code == 400 and r.json()["error"]["type"] == "invalid_request_error", r.text
    r = httpx.post(f"{base}/v1/chat/completions", content=b"{not json", headers=headers, timeout=30)
    assert r.status_code == 400
    r = httpx.get(f"{base}/v1/embeddings", headers=headers, timeout=30)
    assert r.status_code == 404 and set(r.json()["error"]) == {"message", "type", "param", "code"}


def test_retrieval_options_travel_in_the_brieflens_field(client: openai.OpenAI) -> None:
    reply = client.chat.completions.create(
        model="brieflens",
        messages=[user(HUAWEI)],
        extra_body={"brieflens": {"k": 1, "filters": {"doc": ["004_65154c0ccd00f957.txt"]}}},
    )
    answer = (reply.model_extra or {})["brieflens"]["answer"]
    assert len(answer["contexts"]) == 1 and answer["contexts"][0]["source"].endswith("004_65154c0ccd00f957.txt")


def test_readme_example_runs(base: str, capsys: pytest.CaptureFixture[str]) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### BriefLens as an OpenAI model", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code is not None and "http://127.0.0.1:8000/v1" in code.group(1)
    exec(code.group(1).replace("http://127.0.0.1:8000/v1", f"{base}/v1").replace("change-me", KEY), {})
    out = capsys.readouterr().out
    assert out.count("6.8 billion yuan") >= 2 and "References:" in out and "'citations'" in out


def test_core_errors_keep_openai_shape_also_when_streaming(
    make_settings: Callable[..., Settings], embedder: SentenceTransformerEmbedder
) -> None:
    with live_server(make_settings(), embedder) as empty:  # no key, nothing ingested
        client = openai.OpenAI(base_url=f"{empty}/v1", api_key="anything", max_retries=0)
        assert [m.id for m in client.models.list()] == ["brieflens", "brieflens-extractive"]
        for stream in (False, True):
            with pytest.raises(openai.ConflictError) as e:
                client.chat.completions.create(model="brieflens", messages=[user(HUAWEI)], stream=stream)
            assert e.value.code == "index_state_error" and "index is empty" in e.value.message
