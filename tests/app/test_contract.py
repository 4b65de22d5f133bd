"""The CLI's --json and the API's response models are one contract: same keys, in the same order."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from app.api import create_app
from app.cli import app
from retrieval import contract
from retrieval.answer import GateReport
from retrieval.document import Document
from retrieval.index.embedding import SentenceTransformerEmbedder
from retrieval.ingest.sync import IngestReport
from retrieval.service import BriefLens
from retrieval.settings import Settings

GEO = "000_e770148319605323.txt"


@pytest.fixture(scope="module")
def schemas(tmp_path_factory: pytest.TempPathFactory, embedder: SentenceTransformerEmbedder) -> dict[str, Any]:
    """The API's OpenAPI component schemas (no index needed to build them)."""
    data = tmp_path_factory.mktemp("openapi")
    settings = Settings(_env_file=None, data_dir=data, corpus_dir=data)  # type: ignore[call-arg]
    components: dict[str, Any] = create_app(settings, embedder).openapi()["components"]["schemas"]
    return components


def properties(schemas: dict[str, Any], name: str) -> list[str]:
    """The property names of one response schema, in declaration order."""
    return list(schemas[name]["properties"])


def cli_json(lens: BriefLens, *args: str) -> Any:
    """Run a read-only CLI command against the session's index and parse its --json output."""
    result = CliRunner().invoke(app, [*args, "--json", "--data-dir", str(lens.settings.data_dir)])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_cli_json_keys_are_the_api_response_models(lens: BriefLens, schemas: dict[str, Any]) -> None:
    answer = cli_json(lens, "ask", "What did State Grid earmark for robots?")
    assert list(answer) == properties(schemas, "Answer")
    assert list(answer["sentences"][0]) == properties(schemas, "AnswerSentence")
    assert list(cli_json(lens, "search", "Huawei Ascend chips", "-k", "2")[0]) == properties(schemas, "SearchResult")
    assert list(cli_json(lens, "documents")[0]) == properties(schemas, "DocumentInfo")
    assert list(cli_json(lens, "show", GEO)) == properties(schemas, "DocumentDetail")
    assert list(cli_json(lens, "summarize", GEO)) == properties(schemas, "Summary")
    assert list(cli_json(lens, "draft", "Export controls", "--outline-only")) == properties(schemas, "ReportDraft")
    ingest = contract.ingest_report(IngestReport())
    assert [*ingest, "stored"] == properties(schemas, "IngestResponse")


def test_gate_report_fields_end_every_gated_json(schemas: dict[str, Any]) -> None:
    gate = list(GateReport.model_fields)
    assert gate == ["removed_sentences", "flagged_sentences", "dropped_citations", "notes"]
    for name in ("Answer", "Summary", "ReportDraft"):
        assert properties(schemas, name)[-5:] == ["generator", *gate]


def test_document_detail_is_the_document_with_its_id_named_doc_id() -> None:
    # A field added to Document must reach `show --json` and GET /documents/{id} alike, not vanish from both.
    detail = list(contract.DocumentDetail.model_fields)
    assert detail == ["doc_id", *(f for f in Document.model_fields if f != "id")]


def test_cli_and_api_contract_modules_share_the_models() -> None:
    from app.api import schemas

    for name in ("Answer", "SearchResult", "DocumentInfo", "DocumentDetail"):
        assert getattr(schemas, name) is getattr(contract, name)
    assert issubclass(schemas.IngestResponse, contract.IngestResult)
