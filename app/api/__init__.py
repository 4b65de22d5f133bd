"""The HTTP API: `create_app(settings)` builds the FastAPI app; `brieflens serve` runs it with uvicorn.

One router module per area: a new area adds a module with an `APIRouter` and one line in ROUTERS;
streaming is `sse_response(iterator of pydantic events)` (app/api/events.py has the answer's frames).
Beside them: the OpenAI-compatible sub-application at /v1 (openai_compat.py) and the MCP server at /mcp (app/mcp/).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware

from app.api import errors, routes_admin, routes_documents, routes_query, routes_writing
from app.api.openai_compat import create_openai_app
from app.api.schemas import IngestRequest
from app.api.security import API_KEY_HEADER, BodyLimit, api_key_check
from app.api.state import ApiState
from retrieval.settings import Settings

if TYPE_CHECKING:
    from retrieval.index.embedding import Embedder

# Routers behind the API key; /health (routes_admin.health_router) stays open for probes.
ROUTERS: list[APIRouter] = [routes_query.router, routes_writing.router, routes_documents.router, routes_admin.router]


def create_app(settings: Settings, embedder: Embedder | None = None) -> FastAPI:
    """The API over one index; BriefLens is opened in the lifespan (the model loads before serving)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.api = ApiState(settings, embedder)
        try:
            # A route's ASGI app gets no lifespan of its own: the MCP sessions' task group runs here.
            async with mcp.session_manager.run():
                yield
        finally:
            app.state.api.close()

    app = FastAPI(
        title="BriefLens",
        summary="Cited answers, search and faithfulness evaluation over a corpus of analytical briefs.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    errors.install(app)
    app.include_router(routes_admin.health_router)
    # Every keyed route can answer these (404: a filter or id naming no brief); 403 and 415 sit on /ingest.
    common = errors.error_responses(400, 401, 404, 409, 413, 422, 500, 503)
    for router in ROUTERS:
        app.include_router(router, dependencies=[Depends(api_key_check)], responses=common)
    from app.mcp.http import mcp_route  # here, not at the top: app.mcp's tools import app.api.schemas

    mcp, mcp_endpoint = mcp_route(settings, lambda: app.state.api.reader)
    app.router.routes.append(mcp_endpoint)
    app.mount("/v1", create_openai_app(settings, lambda: app.state.api))
    if settings.api_cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.api_cors_origins),
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Content-Type", API_KEY_HEADER, "Authorization"],
        )
    _declare_ingest_body(app)
    app.add_middleware(
        BodyLimit,
        max_json=settings.api_max_body_kb * 1024,
        max_upload=int(settings.api_max_upload_mb * 2**20),
    )
    return app


def _declare_ingest_body(app: FastAPI) -> None:
    """Add IngestRequest to the OpenAPI components: /ingest reads its body itself (JSON or multipart), so
    FastAPI never sees the model, yet the operation's requestBody refers to it."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            schemas = schema.setdefault("components", {}).setdefault("schemas", {})
            schemas["IngestRequest"] = IngestRequest.model_json_schema(ref_template="#/components/schemas/{model}")
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
