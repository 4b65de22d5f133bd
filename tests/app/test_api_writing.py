"""POST /summarize, /draft and /compare against real components: JSON, .md/.docx downloads, errors, the key."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator

import docx
import pytest
from fastapi.testclient import TestClient

from app.api.routes_writing import DOCX
from retrieval.index.embedding import SentenceTransformerEmbedder
from retrieval.settings import Settings
from tests.app.api_helpers import api_client
from tests.conftest import CORPUS

BRIEF = "000_e770148319605323.txt"
# A reference: “quote” — title, date. source, characters start–end.
REFERENCE = re.compile(r"“(?P<quote>.*)” — .*?(?P<source>\S+), characters (?P<start>\d+)–(?P<end>\d+)\.$")


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, embedder: SentenceTransformerEmbedder) -> Iterator[TestClient]:
    """One app over the seed corpus for this module's read-only requests."""
    tmp = tmp_path_factory.mktemp("api-writing")
    settings = Settings(_env_file=None, data_dir=tmp / "data", corpus_dir=CORPUS)  # type: ignore[call-arg]
    with api_client(settings, embedder) as c:
        yield c


def resolves(reference: str) -> bool:
    """The reference's quote is the brief's text at the stated offsets."""
    m = REFERENCE.search(reference)
    assert m, reference
    text = (CORPUS / m["source"].rsplit("/", 1)[-1]).read_text(encoding="utf-8")
    return text[int(m["start"]) : int(m["end"])] == m["quote"]  # verbatim, typographic quotes too


def check_markdown(md: str) -> int:
    """Every [^n] marker has its footnote, every footnote resolves; returns how many there are."""
    notes = dict(re.findall(r"^\[\^(\d+)\]: (.*)$", md, flags=re.M))
    markers = re.findall(r"\[\^(\d+)\](?!:)", md)
    assert markers and sorted(set(markers), key=int) == sorted(notes, key=int) == [
        str(i) for i in range(1, len(notes) + 1)
    ]
    assert all(resolves(ref) for ref in notes.values())
    return len(notes)


def check_docx(data: bytes) -> int:
    """The Word file opens; its superscript markers match the References list, which resolves."""
    document = docx.Document(io.BytesIO(data))
    markers = [r.text for p in document.paragraphs for r in p.runs if r.font.superscript]
    references = [p.text for p in document.paragraphs if re.match(r"\[\d+\] “", p.text)]
    assert markers and markers == [f"[{i}]" for i in range(1, len(references) + 1)]
    assert all(resolves(ref) for ref in references)
    return len(references)


def test_summarize_a_brief_as_json_and_downloads(client: TestClient) -> None:
    r = client.post("/summarize", json={"doc": BRIEF, "bullets": 4})
    assert r.status_code == 200
    summary = r.json()
    assert not summary["abstained"] and len(summary["doc_ids"]) == 1
    sentences = [s for section in summary["sections"] for s in section["sentences"]]
    assert 0 < len(sentences) <= 4 and all(s["citations"] for s in sentences)

    md = client.post("/summarize", json={"doc": BRIEF, "bullets": 4, "format": "md"})
    assert md.status_code == 200 and md.headers["content-type"] == "text/markdown; charset=utf-8"
    assert re.fullmatch(r'attachment; filename="summary-[a-z0-9-]+\.md"', md.headers["content-disposition"])
    assert check_markdown(md.text) == sum(len(s["citations"]) for s in sentences)

    word = client.post("/summarize", json={"doc": BRIEF, "bullets": 4, "format": "docx"})
    assert word.status_code == 200 and word.headers["content-type"] == DOCX
    assert word.headers["content-disposition"].endswith('.docx"')
    assert check_docx(word.content) == sum(len(s["citations"]) for s in sentences)


def test_summarize_a_topic_with_filters(client: TestClient) -> None:
    r = client.post("/summarize", json={"topic": "AI investment", "bullets": 3, "filters": {"since": "2026-01-01"}})
    assert r.status_code == 200
    summary = r.json()
    assert summary["topic"] == "AI investment" and not summary["abstained"]
    assert {s["title"] for s in summary["sections"]} and len(summary["doc_ids"]) == 1


def test_draft_json_outline_and_downloads(client: TestClient) -> None:
    body = {"title": "Chinese AI chips and model distillation", "guidance": "Huawei Ascend, DeepSeek"}
    outline = client.post("/draft", json={**body, "outline_only": True}).json()
    assert outline["outline_only"] and 3 <= len(outline["subsections"]) <= 6
    assert all(not s["sentences"] for s in outline["subsections"])
    drafted = client.post("/draft", json=body).json()
    assert drafted["title"] == body["title"] and drafted["sources"]
    cited = sum(len(s["citations"]) for sub in drafted["subsections"] for s in sub["sentences"])
    md = client.post("/draft", json={**body, "format": "md"})
    assert md.status_code == 200
    assert md.headers["content-disposition"] == 'attachment; filename="chinese-ai-chips-and-model-distillation.md"'
    assert md.text.startswith(f"# {body['title']}") and check_markdown(md.text) == cited
    word = client.post("/draft", json={**body, "format": "docx"})
    assert word.status_code == 200 and word.headers["content-type"] == DOCX
    assert check_docx(word.content) == cited


def test_control_characters_in_a_title_still_export_to_word(client: TestClient) -> None:
    # Found by the schemathesis run: python-docx refuses XML-incompatible characters (a 500 before the fix).
    word = client.post("/draft", json={"title": "Huawei\x00 Ascend\x0c chips\x1b", "format": "docx"})
    assert word.status_code == 200 and word.headers["content-type"] == DOCX
    assert docx.Document(io.BytesIO(word.content)).paragraphs[0].text == "Huawei  Ascend  chips "


def test_compare(client: TestClient) -> None:
    r = client.post("/compare", json={"topic": "AI investment and chips"})
    assert r.status_code == 200
    comparison = r.json()
    assert comparison["topic"] == "AI investment and chips" and comparison["columns"]
    assert {"disagreements", "abstained"} <= comparison.keys()


@pytest.mark.parametrize(
    ("path", "body", "status", "code"),
    [
        ("/summarize", {"doc": "no-such-brief.txt"}, 404, "document_not_found"),
        ("/summarize", {"topic": "   "}, 400, "query_error"),
        ("/summarize", {}, 400, "query_error"),
        ("/summarize", {"doc": BRIEF, "topic": "chips"}, 400, "query_error"),
        ("/summarize", {"doc": BRIEF, "format": "pdf"}, 422, "validation_error"),
        ("/summarize", {"doc": BRIEF, "bullets": 0}, 422, "validation_error"),
        ("/draft", {"title": ""}, 422, "validation_error"),
        ("/draft", {"title": "   "}, 400, "query_error"),
        ("/draft", {"title": "chips", "format": "html"}, 422, "validation_error"),
        ("/draft", {"title": "chips", "filters": {"doc": ["nope.txt"]}}, 404, "document_not_found"),
        ("/compare", {"topic": ""}, 400, "query_error"),  # empty, blank or too long: one status
        ("/compare", {"topic": "chips", "typo": True}, 422, "validation_error"),
    ],
)
def test_bad_inputs_are_structured_errors(
    client: TestClient, path: str, body: dict[str, object], status: int, code: str
) -> None:
    r = client.post(path, json=body)
    assert r.status_code == status, r.text
    assert r.json()["error"]["code"] == code and r.json()["error"]["message"]


def test_the_api_key_applies_to_the_new_routes(
    make_settings: Callable[..., Settings], embedder: SentenceTransformerEmbedder
) -> None:
    with api_client(make_settings(corpus_dir=CORPUS, api_key="k3y"), embedder) as c:
        requests = [
            ("/summarize", {"doc": BRIEF, "format": "md"}),
            ("/draft", {"title": "chips", "outline_only": True}),
            ("/compare", {"topic": "chips"}),
            ("/ask", {"question": "chips", "stream": True}),
            ("/chat", {"message": "chips", "stream": True}),
        ]
        for path, body in requests:
            denied = c.post(path, json=body, headers={"X-API-Key": "wrong"})
            assert denied.status_code == 401 and denied.json()["error"]["code"] == "unauthorized"
            assert c.post(path, json=body, headers={"X-API-Key": "k3y"}).status_code == 200, path
