"""POST /search, /ask and /chat: retrieval and cited answers (JSON shapes of the CLI contract)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from app.api.events import ChatAnswerFrame, frames, started
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


STREAMED: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/event-stream": {}}, "description": "JSON, or SSE with `stream: true`"}
}


class ResultEvent(SearchResult):
    """A search result as a server-sent event."""

    event: str = "result"


@router.post(
    "/search",
    response_model=list[SearchResult],
    responses=STREAMED,
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


@router.post("/ask", response_model=Answer, responses=STREAMED)
def ask(body: AskRequest, request: Request) -> Any:
    """A cited answer, or "The corpus does not say."; with `stream: true`, server-sent events ending in `answer`."""
    lens = state(request).reader
    if body.stream:
        return sse_response(frames(started(lens.ask_stream(body.question, body.k, body.filters.spec()))))
    return contract.answer(lens.ask(body.question, body.k, body.filters.spec()))


@router.post("/chat", response_model=ChatResponse, responses=STREAMED)
def chat(body: ChatRequest, request: Request) -> Any:
    """One chat turn: a follow-up is condensed with the previous query of the conversation, then answered."""
    api = state(request)
    conversation_id, query, turn = api.conversations.standalone(body.conversation_id, body.message)
    if body.stream:

        def final(answer: Answer) -> ChatAnswerFrame:
            return ChatAnswerFrame(ChatResponse(conversation_id=conversation_id, turn=turn, query=query, answer=answer))

        events = started(api.reader.ask_stream(query, body.k, body.filters.spec()))
        return sse_response(frames(events, final))
    result = api.reader.ask(query, body.k, body.filters.spec())
    return {"conversation_id": conversation_id, "turn": turn, "query": query, "answer": contract.answer(result)}
