"""The API keeps its documented promises: one question limit and status, helpful errors, strict types, a complete
OpenAPI document, a full Allow header, and a 503 (not a 400) when the vector store is gone."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from retrieval.errors import QueryError
from retrieval.index.embedding import SentenceTransformerEmbedder
from retrieval.limits import MAX_QUESTION_CHARS
from retrieval.settings import Settings
from tests.app.api_helpers import api_client
from tests.chroma_server import chroma_server
from tests.conftest import CORPUS


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, embedder: SentenceTransformerEmbedder) -> Iterator[TestClient]:
    """One app over the seed corpus."""
    tmp = tmp_path_factory.mktemp("api-promises")
    settings = Settings(_env_file=None, data_dir=tmp / "data", corpus_dir=CORPUS)  # type: ignore[call-arg]
    with api_client(settings, embedder) as c:
        yield c


TOO_LONG = "word " * (MAX_QUESTION_CHARS // 5) + "x"


@pytest.mark.parametrize(
    ("path", "field", "extra"),
    [("/ask", "question", {}), ("/search", "query", {}), ("/chat", "message", {}), ("/compare", "topic", {})],
)
@pytest.mark.parametrize(("text", "says"), [("", "empty"), ("   \n\t", "empty"), (TOO_LONG, "limit is 2000")])
def test_empty_blank_and_over_long_text_are_one_400(
    client: TestClient, path: str, field: str, extra: dict[str, Any], text: str, says: str
) -> None:
    r = client.post(path, json={field: text, **extra})
    assert r.status_code == 400, r.text
    assert r.json()["error"]["code"] == "query_error" and says in r.json()["error"]["message"]


def test_the_limit_is_defined_once(client: TestClient) -> None:
    assert Settings(_env_file=None).max_question_chars == MAX_QUESTION_CHARS  # type: ignore[call-arg]
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    for name, field in (("AskRequest", "question"), ("SearchRequest", "query"), ("ChatRequest", "message")):
        assert schemas[name]["properties"][field]["maxLength"] == MAX_QUESTION_CHARS, name
    at_limit = "chips " * (MAX_QUESTION_CHARS // 6)
    assert client.post("/search", json={"query": at_limit, "k": 1}).status_code == 200


def test_summarize_without_doc_or_topic_has_its_own_help(client: TestClient) -> None:
    r = client.post("/summarize", json={})
    assert r.status_code == 400
    error = r.json()["error"]
    assert "exactly one" in error["message"] and error["help"] != QueryError.help
    assert "topic" in error["help"] and "doc" in error["help"]


def test_401_says_what_to_send(make_settings: Callable[..., Settings], embedder: SentenceTransformerEmbedder) -> None:
    with api_client(make_settings(corpus_dir=CORPUS, api_key="k3y-value"), embedder, ingest=False) as c:
        r = c.post("/search", json={"query": "chips"})
        assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
        assert "X-API-Key" in r.json()["error"]["help"]


@pytest.mark.parametrize(
    "body",
    [
        {"query": "chips", "stream": 0},
        {"query": "chips", "stream": "yes"},
        {"query": "chips", "filters": {"as_of": 0}},
        {"query": "chips", "filters": {"since": 1767225600}},
    ],
)
def test_stream_and_dates_take_only_their_own_types(client: TestClient, body: dict[str, Any]) -> None:
    r = client.post("/search", json=body)
    assert r.status_code == 422 and r.json()["error"]["code"] == "validation_error"


def test_dates_as_strings_and_real_booleans_still_work(client: TestClient) -> None:
    ok = client.post("/search", json={"query": "chips", "stream": False, "filters": {"as_of": "2026-12-31"}})
    assert ok.status_code == 200 and ok.json()


def _refs(node: object) -> Iterator[str]:
    """Every $ref in an OpenAPI document."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def test_openapi_defines_every_schema_it_refers_to(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    missing = {ref for ref in _refs(spec) if ref.removeprefix("#/components/schemas/") not in schemas}
    assert not missing
    assert schemas["IngestRequest"]["properties"]["paths"]["type"] == "array"
    body = spec["paths"]["/evaluate"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    declared = set(_refs(body)) | {r for name in set(_refs(body)) for r in _refs(schemas[name.rsplit("/", 1)[1]])}
    assert {"#/components/schemas/QuestionCase", "#/components/schemas/SummaryCase"} <= declared
    assert "question" in schemas["QuestionCase"]["properties"] and "summary" in schemas["SummaryCase"]["properties"]


def test_evaluate_rejects_a_case_against_its_declared_schema(client: TestClient) -> None:
    r = client.post("/evaluate", json={"kind": "questions", "cases": [{"id": "q"}]})
    assert r.status_code == 422 and "question" in r.json()["error"]["message"]


def test_options_lists_every_method_of_the_path(client: TestClient) -> None:
    doc_id = client.get("/documents").json()[0]["doc_id"]
    r = client.options(f"/documents/{doc_id}")
    assert r.status_code == 405
    assert {m.strip() for m in r.headers["allow"].split(",")} >= {"GET", "DELETE"}
    assert {m.strip() for m in client.options("/ask").headers["allow"].split(",")} == {"POST"}


@pytest.mark.slow
def test_unreachable_store_is_503_and_health_degraded(
    tmp_path: Path, corpus_copy: Path, embedder: SentenceTransformerEmbedder
) -> None:
    with chroma_server(tmp_path / "db") as server:
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None,
            data_dir=tmp_path / "data",
            corpus_dir=corpus_copy,
            chroma_url=server.url,
            chroma_timeout_s=2,
        )
        with api_client(settings, embedder) as c:
            assert c.get("/health").json()["status"] == "ok"
            server.stop()
            for path, body in (("/search", {"query": "Huawei chips"}), ("/ask", {"question": "Huawei chips?"})):
                r = c.post(path, json=body)
                assert r.status_code == 503, r.text
                assert r.json()["error"]["code"] == "store_unavailable" and "chroma run" in r.json()["error"]["help"]
            h = c.get("/health")
            assert h.status_code == 503
            assert h.json()["status"] == "degraded" and h.json()["chunks"] is None and h.json()["problems"]
