"""GET /health (open) and POST /evaluate."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from pydantic import ValidationError

from app.api.routes_query import state
from app.api.schemas import EvaluateRequest, Health

health_router = APIRouter(tags=["health"])
router = APIRouter(tags=["evaluation"])


@health_router.get("/health", response_model=Health)
def health(request: Request) -> Any:
    """Index size, embedding model, generator back-end and whether it is reachable; needs no API key."""
    api = state(request)
    lens = api.reader
    generator = lens.generator
    return {
        "status": "ok",
        "documents": len(lens.index.catalog.documents()),
        "chunks": lens.index.store.count(),
        "embedding_model": api.settings.embedding_model,
        "generator": {"name": generator.name, "reachable": generator.reachable()},
        "ingesting": api.ingesting,
        "progress": api.progress,
    }


@router.post("/evaluate")
def evaluate(body: EvaluateRequest, request: Request) -> dict[str, Any]:
    """Run question or summary cases (the `eval` file schemas) and return the report JSON (items, metrics)."""
    from eval.datasets import QuestionCase, SummaryCase
    from eval.harness import evaluate_questions, evaluate_summaries, index_sources

    api = state(request)
    if len(body.cases) > api.settings.api_max_eval_cases:
        raise HTTPException(413, f"{len(body.cases)} cases; the limit is {api.settings.api_max_eval_cases}")
    lens = api.reader
    try:
        if body.kind == "questions":
            questions = [QuestionCase.model_validate(c) for c in body.cases]
            return evaluate_questions(questions, lens, api.judge(), body.k).to_json()
        summaries = [SummaryCase.model_validate(c) for c in body.cases]
    except ValidationError as e:
        raise HTTPException(422, f"a case does not match the {body.kind} schema: {e.errors()[0]['msg']}") from e
    return evaluate_summaries(summaries, api.judge(), index_sources(lens, body.k)).to_json()
