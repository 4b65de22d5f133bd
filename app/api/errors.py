"""Errors as HTTP responses: `{"error": {"code", "message"}}`, never a stack trace."""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.api.state import ConversationNotFound
from retrieval.contract import ErrorInfo, error_code
from retrieval.errors import (
    BriefLensError,
    ConfigError,
    DocumentNotFound,
    IndexStateError,
    IngestBusy,
    LoadError,
    ModelError,
    StoreError,
)

log = logging.getLogger(__name__)


class Unauthorized(BriefLensError):
    """The API key is missing or wrong."""

    help = "Send the server's key (BRIEFLENS_API_KEY) in the X-API-Key header."


# The core knows nothing of HTTP: the mapping lives here. Subclasses match their nearest listed base.
STATUS: dict[type[BriefLensError], int] = {
    Unauthorized: 401,
    DocumentNotFound: 404,
    ConversationNotFound: 404,
    IngestBusy: 409,
    IndexStateError: 409,
    LoadError: 422,
    ConfigError: 503,
    ModelError: 503,
    StoreError: 503,
}
# A store that cannot be reached is the server's trouble, not the request's: its code says so.
CODES: dict[type[BriefLensError], str] = {StoreError: "store_unavailable"}
_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
}


class ErrorBody(BaseModel):
    """The one error shape every failing response has, as documented in the OpenAPI schema."""

    error: ErrorInfo


_WHEN: dict[int, str] = {
    400: "Bad request (e.g. a question over the length limit, k out of range, an unknown filter value)",
    401: "Missing or wrong API key (only when BRIEFLENS_API_KEY is set)",
    403: "A server path outside the corpus folder and BRIEFLENS_API_INGEST_ROOTS",
    404: "No such document (an id, or a brief named in a filter) or conversation",
    409: "Another ingest is running, or the index is empty or in a state that forbids this",
    413: "Request body or upload over its size limit",
    415: "An upload whose file name or type is not allowed",
    422: "The body does not match the schema",
    500: "An unexpected fault; the details are in the server log, never in the response",
    503: "The configured model, generator back-end or vector store (Chroma server) is unavailable",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries for these statuses, all with the error body's schema."""
    return {status: {"model": ErrorBody, "description": _WHEN[status]} for status in statuses}


def error_body(code: str, message: str, help: str = "") -> dict[str, Any]:
    """The one error shape every failing response has."""
    error: dict[str, Any] = {"code": code, "message": message}
    if help:
        error["help"] = help
    return {"error": error}


def status_of(error: BriefLensError) -> int:
    """The HTTP status of a core error (by its class hierarchy); 400 by default."""
    for cls in type(error).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


def code_of(error: BriefLensError) -> str:
    """The error's code: snake_case of its class (DocumentNotFound -> document_not_found) unless CODES names it."""
    for cls in type(error).__mro__:
        if cls in CODES:
            return CODES[cls]
    return error_code(error)


def _brieflens(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, BriefLensError)
    return JSONResponse(error_body(code_of(exc), str(exc), exc.help), status_code=status_of(exc))


def _http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, "http_error")
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = ", ".join(allowed_methods(request))
    return JSONResponse(error_body(code, str(exc.detail)), status_code=exc.status_code, headers=headers)


def allowed_methods(request: Request) -> list[str]:
    """Every method the API serves at this path, from its OpenAPI paths (Starlette's 405 names one route's only)."""
    methods: set[str] = set()
    for template, operations in request.app.openapi()["paths"].items():
        if re.fullmatch(re.sub(r"\{[^/}]+\}", "[^/]+", template), request.url.path):
            methods |= {m.upper() for m in operations}
    return sorted(methods)


def _validation(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    # loc and msg only: echoing the input could reflect megabytes or secrets back.
    problems = [
        f"{'.'.join(str(p) for p in e.get('loc', ()) if p != 'body') or 'body'}: {e.get('msg', 'invalid')}"
        for e in exc.errors()[:5]
    ]
    return JSONResponse(error_body("validation_error", "; ".join(problems)), status_code=422)


def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return JSONResponse(error_body("internal_error", "internal server error; see the server log"), status_code=500)


def install(app: FastAPI) -> None:
    """Register the handlers on an app."""
    app.add_exception_handler(BriefLensError, _brieflens)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(Exception, _unexpected)
