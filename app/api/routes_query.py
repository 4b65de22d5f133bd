"""POST /search, /ask and /chat: retrieval and cited answers (JSON shapes of the CLI contract)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from app.api.schemas import AskRequest, ChatRequest, ChatResponse, SearchRequest, SearchResult
from app.api.sse import sse_response
from app.api.state import ApiState
from retrieval import contract
from retrieval.answer import Answer

router = APIRouter(tags=["query"])


def state(request: Request) -> ApiState:
    """The app's state (set up in the lifespan)."""
    api: ApiState = request.app.state.api
    return api


class ResultEvent(SearchResult):
    """A search result as a server-sent event."""

    event: str = "result"


@router.post(
    "/search",
    response_model=list[SearchResult],
    responses={200: {"content": {"text/event-stream": {}}, "description": "JSON, or SSE with `stream: true`"}},
)
def search(body: SearchRequest, request: Request) -> Any:
    """The passages most relevant to a query; with `stream: true`, one `result` event per passage."""
    lens = state(request).reader
    hits = lens.search(body.query, body.k, body.filters.spec())
    results = contract.search_results(hits)
    if body.stream:
        return _stream_results(results)
    return results


def _stream_results(results: list[dict[str, Any]]) -> StreamingResponse:
    """Search results as events (the smallest real event source; streamed answers plug in the same way)."""

    def events() -> Iterator[BaseModel]:
        for r in results:
            yield ResultEvent(**r)

    return sse_response(events())


@router.post("/ask", response_model=Answer)
def ask(body: AskRequest, request: Request) -> Any:
    """An extractive answer whose every sentence quotes a brief, or "The corpus does not say."."""
    return contract.answer(state(request).reader.ask(body.question, body.k, body.filters.spec()))


@router.post("/chat", response_model=ChatResponse)
def chat(body: ChatRequest, request: Request) -> Any:
    """One chat turn: a follow-up is condensed with the previous query of the conversation, then answered."""
    api = state(request)
    conversation_id, query, turn = api.conversations.standalone(body.conversation_id, body.message)
    result = api.reader.ask(query, body.k, body.filters.spec())
    return {"conversation_id": conversation_id, "turn": turn, "query": query, "answer": contract.answer(result)}
