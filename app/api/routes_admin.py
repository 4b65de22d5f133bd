"""GET /health (open) and POST /evaluate."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse

from app.api.routes_query import state
from app.api.schemas import EvaluateQuestions, EvaluateRequest, Generator, Health
from retrieval.errors import StoreError

health_router = APIRouter(tags=["health"])
router = APIRouter(tags=["evaluation"])
DEGRADED: dict[int | str, dict[str, Any]] = {
    503: {"model": Health, "description": "Degraded: the vector store cannot be reached (`problems` says why)"}
}


@health_router.get("/health", response_model=Health, responses=DEGRADED)
def health(request: Request) -> Any:
    """Index size, embedding model, generator back-end and whether it is reachable; needs no API key.

    A vector store that cannot be reached makes the status `degraded` (HTTP 503, so probes take the server out).
    """
    api = state(request)
    lens = api.reader
    generator = lens.generator
    problems: list[str] = []
    try:
        chunks: int | None = lens.index.store.count()
    except StoreError as e:
        chunks = None
        problems.append(str(e))
    body = Health(
        status="degraded" if problems else "ok",
        documents=len(lens.index.catalog.documents()),
        chunks=chunks,
        embedding_model=api.settings.embedding_model,
        generator=Generator(name=generator.name, reachable=generator.reachable()),
        ingesting=api.ingesting,
        progress=api.progress,
        problems=problems,
    ).model_dump(mode="json")
    return JSONResponse(body, status_code=503) if problems else body


@router.post("/evaluate")
def evaluate(body: EvaluateRequest, request: Request) -> dict[str, Any]:
    """Run question or summary cases (the `eval` file schemas) and return the report JSON (items, metrics)."""
    from eval.harness import evaluate_questions, evaluate_summaries, index_sources

    api = state(request)
    if len(body.cases) > api.settings.api_max_eval_cases:
        raise HTTPException(413, f"{len(body.cases)} cases; the limit is {api.settings.api_max_eval_cases}")
    lens = api.reader
    if isinstance(body, EvaluateQuestions):
        return evaluate_questions(body.cases, lens, api.judge(), body.k).to_json()
    return evaluate_summaries(body.cases, api.judge(), index_sources(lens, body.k)).to_json()
