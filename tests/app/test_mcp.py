"""The MCP server as the official `mcp` client sees it: streamable HTTP at /mcp of a real server, and stdio."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
import httpx
import pytest
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamablehttp_client
from mcp.types import CallToolResult, TextContent
from pydantic import SecretStr

from retrieval.index.embedding import SentenceTransformerEmbedder
from retrieval.service import BriefLens
from retrieval.settings import Settings
from tests.app.live_server import live_server
from tests.conftest import ROOT

KEY = "mcp-key-1"
HUAWEI = "Which Huawei chips achieved day-zero compatibility with DeepSeek V4?"
TOOLS = {"search", "ask", "check_faithfulness", "summarize", "list_briefs"}


@pytest.fixture(scope="module")
def base(lens: BriefLens, embedder: SentenceTransformerEmbedder) -> Iterator[str]:
    """The API (with /mcp) over the session's ingested seed corpus, with an API key."""
    settings = lens.settings.model_copy(update={"api_key": SecretStr(KEY)})
    with live_server(settings, embedder) as url:
        yield url


@asynccontextmanager
async def http_session(base: str, key: str | None = KEY) -> AsyncIterator[ClientSession]:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    async with (
        streamablehttp_client(f"{base}/mcp", headers=headers) as (read, write, _),
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        yield session


def leaves(error: BaseException) -> list[BaseException]:
    """The exceptions inside (nested) exception groups."""
    if isinstance(error, BaseExceptionGroup):
        return [leaf for inner in error.exceptions for leaf in leaves(inner)]
    return [error]


def text_of(result: CallToolResult) -> str:
    assert result.content and isinstance(result.content[0], TextContent)
    return result.content[0].text


async def read_brief(session: ClientSession, doc_id: str) -> dict[str, Any]:
    contents = (await session.read_resource(f"brief://{doc_id}")).contents  # type: ignore[arg-type]
    assert contents[0].mimeType == "application/json"
    return dict(json.loads(contents[0].text))  # type: ignore[union-attr]


async def assert_cited_answer(session: ClientSession) -> None:
    """`ask` gives text with [n] markers and references, and structured citations that quote the brief exactly."""
    result = await session.call_tool("ask", {"question": HUAWEI, "k": 5})
    assert not result.isError, text_of(result)
    text = text_of(result)
    assert "950PR" in text and "[1]" in text and "\n\nReferences:\n- [1] " in text
    answer = result.structuredContent or {}
    citations = [c for s in answer["sentences"] for c in s["citations"]]
    assert citations and not answer["abstained"]
    for c in citations:
        assert (await read_brief(session, c["doc_id"]))["text"][c["start"] : c["end"]] == c["quote"]


def test_tools_have_typed_input_and_output_schemas(base: str) -> None:
    async def run() -> None:
        async with http_session(base) as session:
            tools = {t.name: t for t in (await session.list_tools()).tools}
            assert set(tools) == TOOLS
            ask = tools["ask"]
            assert ask.inputSchema["required"] == ["question"]
            k = ask.inputSchema["properties"]["k"]["anyOf"][0]
            assert k == {"type": "integer", "minimum": 1, "maximum": 100}
            assert ask.outputSchema is not None and "sentences" in ask.outputSchema["properties"]
            check = tools["check_faithfulness"].inputSchema
            assert check["required"] == ["text"] and {"doc", "source", "question"} <= set(check["properties"])
            assert all(t.annotations and t.annotations.readOnlyHint for t in tools.values())

    anyio.run(run)


def test_ask_over_http_is_cited(base: str) -> None:
    async def run() -> None:
        async with http_session(base) as session:
            await assert_cited_answer(session)
            abstain = await session.call_tool("ask", {"question": "What is the capital of Peru?"})
            assert text_of(abstain) == "The corpus does not say." and (abstain.structuredContent or {})["abstained"]

    anyio.run(run)


def test_other_tools_and_resources(base: str) -> None:
    async def run() -> None:
        async with http_session(base) as session:
            briefs = (await session.call_tool("list_briefs", {})).structuredContent or {}
            assert len(briefs["briefs"]) == 2
            resources = (await session.list_resources()).resources
            assert {str(r.uri) for r in resources} == {f"brief://{b['doc_id']}" for b in briefs["briefs"]}
            dated = next(b for b in briefs["briefs"] if b["date"])
            brief = await read_brief(session, dated["doc_id"])
            assert brief["title"] == dated["title"] and brief["sections"] and len(brief["text"]) > 1000

            found = await session.call_tool("search", {"query": "Huawei Ascend chips", "k": 2})
            results = (found.structuredContent or {})["results"]
            assert [r["rank"] for r in results] == [1, 2] and "950PR" in text_of(found)

            summary = await session.call_tool("summarize", {"doc": dated["source"].rsplit("/", 1)[-1], "bullets": 2})
            sections = (summary.structuredContent or {})["sections"]
            assert sum(len(s["sentences"]) for s in sections) == 2 and "References:" in text_of(summary)

            claim = "Saudi Arabia announced a $90 billion AI investment."
            checked = await session.call_tool("check_faithfulness", {"text": claim, "doc": dated["doc_id"]})
            verdict = checked.structuredContent or {}
            assert verdict["faithful"] is False and verdict["judge"] == "offline"
            (sentence,) = verdict["sentences"]
            assert sentence["reason"] and "$40 billion" in sentence["quote"]
            assert brief["text"][sentence["start"] : sentence["end"]] == sentence["quote"]
            assert "UNSUPPORTED" in text_of(checked) and "NOT faithful" in text_of(checked)

            bad = await session.call_tool("summarize", {})
            assert bad.isError and "exactly one" in text_of(bad)
            typo = await session.call_tool("ask", {"question": HUAWEI, "k": 0})
            assert typo.isError

    anyio.run(run)


def test_http_transport_needs_the_key(base: str) -> None:
    ping = {"jsonrpc": "2.0", "id": 1, "method": "ping"}
    headers = {"Accept": "application/json, text/event-stream"}
    for auth in ({}, {"Authorization": "Bearer wrong"}, {"X-API-Key": "wrong"}):
        r = httpx.post(f"{base}/mcp", json=ping, headers=headers | auth, timeout=30)
        assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
    ok = httpx.post(f"{base}/mcp", json=ping, headers=headers | {"X-API-Key": KEY}, timeout=30)
    assert ok.status_code == 200

    async def wrong_key() -> None:
        async with http_session(base, key="wrong"):
            pass

    with pytest.raises(BaseExceptionGroup) as raised:
        anyio.run(wrong_key)
    assert "401 Unauthorized" in " ".join(str(e) for e in leaves(raised.value))


def test_stdio_server(lens: BriefLens) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    env.update(ANONYMIZED_TELEMETRY="False", BRIEFLENS_GENERATOR="extractive")
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "app.cli", "mcp", "--data-dir", str(lens.settings.data_dir)], env=env
    )

    async def run() -> None:
        async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            assert {t.name for t in (await session.list_tools()).tools} == TOOLS
            await assert_cited_answer(session)

    anyio.run(run)


def test_keyless_server_guards_against_dns_rebinding_and_reports_core_errors(
    make_settings: Callable[..., Settings], embedder: SentenceTransformerEmbedder
) -> None:
    with live_server(make_settings(), embedder) as empty:  # no key, nothing ingested
        ping = {"jsonrpc": "2.0", "id": 1, "method": "ping"}
        headers = {"Accept": "application/json, text/event-stream"}
        foreign = httpx.post(f"{empty}/mcp", json=ping, headers=headers | {"Host": "evil.example"}, timeout=30)
        assert foreign.status_code == 421
        assert httpx.post(f"{empty}/mcp", json=ping, headers=headers, timeout=30).status_code == 200

        async def run() -> None:
            async with http_session(empty, key=None) as session:
                failed = await session.call_tool("ask", {"question": HUAWEI})
                assert failed.isError and "the index is empty" in text_of(failed)
                assert (await session.list_resources()).resources == []

        anyio.run(run)
