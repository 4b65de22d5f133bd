"""Schemathesis over the app's own OpenAPI schema: no 5xx, conforming responses, one error shape."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import APIOperation, GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.python import asgi

from retrieval.index.embedding import SentenceTransformerEmbedder
from retrieval.settings import Settings
from tests.app.api_helpers import api_client

Operation = APIOperation[Any, Any, Any, Any]
# Examples per operation and mode; BRIEFLENS_SCHEMA_EXAMPLES raises it for a longer local run.
EXAMPLES = int(os.environ.get("BRIEFLENS_SCHEMA_EXAMPLES", "15"))
# 5xx, undocumented status codes, bodies that break the response model (error bodies included:
# every 4xx is documented with the error shape) and wrong content types are what this test hunts.
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance, content_type_conformance]


def assert_error_shape(response: Any) -> None:
    """Every failing response is `{"error": {"code": str, "message": str, ...}}`."""
    body = response.json()
    assert isinstance(body, dict) and set(body) == {"error"}, body
    error = body["error"]
    assert isinstance(error.get("code"), str) and error["code"], body
    assert isinstance(error.get("message"), str), body
    assert "Traceback" not in response.text


def fuzz(operation: Operation, mode: GenerationMode, session: Any, seen: Counter[str]) -> bool:
    """Run `EXAMPLES` generated cases of one operation in one mode through the in-process ASGI client."""

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: schemathesis.Case[Operation]) -> None:
        response = case.call(base_url=f"http://{asgi.HOST}", session=session)
        seen[f"{operation.label} {response.status_code}"] += 1
        case.validate_response(response, checks=CHECKS)
        if response.status_code >= 400:
            assert_error_shape(response)

    try:
        run()
    except Unsatisfiable:
        # An operation without parameters or body (GET /health) has no invalid input to generate.
        if mode is not GenerationMode.NEGATIVE:
            raise
        return False
    return True


def ordered(operations: list[Operation]) -> list[Operation]:
    """DELETE last, so every other operation is fuzzed against the full seed index."""
    return sorted(operations, key=lambda op: (op.method.upper() == "DELETE", op.label))


@pytest.mark.slow
def test_openapi_schema_fuzz(
    make_settings: Callable[..., Settings], corpus_copy: Path, embedder: SentenceTransformerEmbedder
) -> None:
    # corpus_copy is a temp copy: uploads fuzzed into POST /ingest and DELETE of a brief stay in tmp_path.
    with api_client(make_settings(corpus_dir=corpus_copy), embedder) as client:
        schema = schemathesis.openapi.from_dict(client.app.openapi())  # type: ignore[attr-defined]
        # An invalid operation comes as an Err, which has no .ok(): the test fails on it rather than skipping it.
        operations = ordered([result.ok() for result in schema.get_all_operations()])  # type: ignore[union-attr]
        # Not entered: the TestClient above already ran the lifespan (and /ingest) on this app.
        session = asgi.get_client(client.app)  # type: ignore[arg-type]
        seen: Counter[str] = Counter()
        runs = [fuzz(op, mode, session, seen) for op in operations for mode in GenerationMode]
    labels = {op.label for op in operations}
    assert {"POST /ask", "POST /search", "POST /ingest", "GET /documents/{doc_id}"} <= labels, labels
    assert not [k for k in seen if k.rsplit(" ", 1)[1].startswith("5")], seen
    # The generated cases reach the endpoints, not only the request validation.
    assert any(k.endswith(" 200") for k in seen if k.startswith("POST /ask")), seen
    print(f"\n{len(operations)} operations, {sum(runs)} runs, {sum(seen.values())} requests:", sorted(seen.items()))
