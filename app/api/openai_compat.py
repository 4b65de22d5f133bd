"""OpenAI-compatible chat under /v1, so chat front ends and the `openai` SDK can use BriefLens as a model.

A sub-application mounted at /v1: its errors take OpenAI's shape (the SDK and chat UIs parse it), while the rest
of the API keeps BriefLens's own. The key is the API key, sent as `Authorization: Bearer KEY` (or X-API-Key).
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Literal

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.api.errors import code_of, status_of
from app.api.events import started
from app.api.openai_schemas import (
    AssistantMessage,
    ChatCompletion,
    ChatCompletionChunk,
    ChatCompletionRequest,
    Choice,
    ChunkChoice,
    CitedReply,
    Delta,
    Model,
    ModelList,
    Usage,
    error_json,
)
from app.api.security import key_ok, sent_key
from app.api.state import ApiState
from app.cited_text import answer_pieces, answer_text
from retrieval.answer import Answer
from retrieval.errors import BriefLensError
from retrieval.settings import Settings
from retrieval.streaming import AnswerEvent, StreamEvent

log = logging.getLogger(__name__)

# Model id -> answer extractively whatever the configured back-end (True) or with the configured generator.
MODELS: dict[str, bool] = {"brieflens": False, "brieflens-extractive": True}


class Refused(Exception):
    """A request OpenAI would refuse too: its status, message, code and the parameter at fault."""

    def __init__(self, status: int, message: str, code: str | None = None, param: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.code, self.param = status, message, code, param


def _refused(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Refused)
    return JSONResponse(error_json(exc.status, exc.message, exc.code, exc.param), status_code=exc.status)


def _brieflens(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, BriefLensError)
    message = f"{exc} ({exc.help})" if exc.help else str(exc)
    return JSONResponse(error_json(status_of(exc), message, code_of(exc)), status_code=status_of(exc))


def _http(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    return JSONResponse(error_json(exc.status_code, str(exc.detail)), status_code=exc.status_code)


def _validation(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    # OpenAI answers a malformed body with 400 naming the parameter; the input itself is never echoed.
    first = exc.errors()[0] if exc.errors() else {}
    param = ".".join(str(p) for p in first.get("loc", ()) if p != "body") or None
    message = f"{param or 'body'}: {first.get('msg', 'invalid')}"
    return JSONResponse(error_json(400, message, "invalid_value", param), status_code=400)


def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return JSONResponse(error_json(500, "internal server error; see the server log"), status_code=500)


def create_openai_app(settings: Settings, api: Callable[[], ApiState]) -> FastAPI:
    """The /v1 sub-application over the API's state (`api()` returns it once the lifespan has built it)."""
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    app.add_exception_handler(Refused, _refused)
    app.add_exception_handler(BriefLensError, _brieflens)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(Exception, _unexpected)
    created = int(time.time())

    def check_key(request: Request) -> None:
        if not key_ok(settings, sent_key(request.headers)):
            raise Refused(
                401, "Incorrect API key provided: send the BriefLens API key as a Bearer token.", "invalid_api_key"
            )

    router = APIRouter(dependencies=[Depends(check_key)])

    @router.get("/models", response_model=ModelList)
    def models() -> Any:
        """`brieflens` (the configured generator) and `brieflens-extractive` (verbatim quotes, no model)."""
        return ModelList(data=[Model(id=name, created=created) for name in MODELS])

    @router.get("/models/{model_id}", response_model=Model)
    def model(model_id: str) -> Any:
        """One model, or 404 as OpenAI answers for an unknown one."""
        _extractive(model_id)
        return Model(id=model_id, created=created)

    @router.post("/chat/completions", response_model=ChatCompletion)
    def chat_completions(body: ChatCompletionRequest) -> Any:
        """The last user message answered with citations; earlier user turns condense a follow-up as `chat` does."""
        extractive = _extractive(body.model)
        if body.n != 1:
            raise Refused(400, "n must be 1: BriefLens gives one answer per question", "invalid_value", "n")
        turns = [m.text() for m in body.messages if m.role == "user"]
        if not turns or not turns[-1].strip():
            raise Refused(400, "the last user message is the question, and there is none", "invalid_value", "messages")
        lens = api().reader
        query = lens.standalone(turns[:-1], turns[-1])
        k, filters = body.brieflens.k, body.brieflens.filters.spec()
        reply = Reply(f"chatcmpl-{uuid.uuid4().hex}", int(time.time()), body.model, turns[-1])
        if body.stream:
            events = started(lens.ask_stream(query, k, filters, extractive))
            usage = body.stream_options is not None and body.stream_options.include_usage
            return StreamingResponse(
                reply.stream(query, events, usage),
                media_type="text/event-stream",
                headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
            )
        return reply.completion(query, lens.ask(query, k, filters, extractive))

    app.include_router(router)
    return app


def _extractive(model_id: str) -> bool:
    """Whether the model answers extractively only; 404 for a model BriefLens does not serve."""
    if model_id not in MODELS:
        raise Refused(404, f"The model `{model_id}` does not exist; see GET /v1/models.", "model_not_found", "model")
    return MODELS[model_id]


class Reply:
    """One reply's id, time and model, shared by its plain form and every chunk of its stream."""

    def __init__(self, reply_id: str, created: int, model: str, question: str) -> None:
        self.id, self.created, self.model, self.question = reply_id, created, model, question

    def completion(self, query: str, answer: Answer) -> ChatCompletion:
        """The plain reply: the cited text, and the answer's JSON in `brieflens`."""
        text = answer_text(answer)
        return ChatCompletion(
            id=self.id,
            created=self.created,
            model=self.model,
            choices=[Choice(message=AssistantMessage(content=text))],
            usage=Usage.of(self.question, text),
            brieflens=CitedReply(query=query, answer=answer),
        )

    def chunk(
        self,
        delta: Delta | None,
        finish_reason: Literal["stop"] | None = None,
        brieflens: CitedReply | None = None,
        usage: Usage | None = None,
    ) -> str:
        """One `data:` frame; no delta means the usage chunk (no choices)."""
        choices = [] if delta is None else [ChunkChoice(delta=delta, finish_reason=finish_reason)]
        frame = ChatCompletionChunk(
            id=self.id, created=self.created, model=self.model, choices=choices, brieflens=brieflens, usage=usage
        )
        return f"data: {frame.model_dump_json()}\n\n"

    def stream(self, query: str, events: Iterable[StreamEvent], usage: bool) -> Iterator[str]:
        """OpenAI's chunks: the role, the answer sentence by sentence, its references, the end; then `[DONE]`.

        Content comes from the final, verified answer only: a model's raw tokens or a sentence the stream showed
        may still be removed (gate, abstention, fallback), and a chat client cannot take text back.
        """
        yield self.chunk(Delta(role="assistant", content=""))
        try:
            answer = next(e.answer for e in events if isinstance(e, AnswerEvent))
        except BriefLensError as e:
            # The 200 is already sent: the SDK raises on a data line that holds an error.
            yield f"data: {json.dumps(error_json(status_of(e), str(e), code_of(e)))}\n\n"
            return
        except Exception:
            log.exception("unexpected error in a chat completion stream")
            yield f"data: {json.dumps(error_json(500, 'internal server error'))}\n\n"
            return
        pieces = answer_pieces(answer)
        for piece in pieces:
            yield self.chunk(Delta(content=piece))
        yield self.chunk(Delta(), finish_reason="stop", brieflens=CitedReply(query=query, answer=answer))
        if usage:
            yield self.chunk(None, usage=Usage.of(self.question, "".join(pieces)))
        yield "data: [DONE]\n\n"
