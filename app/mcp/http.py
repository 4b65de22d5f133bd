"""The MCP server's streamable-HTTP transport inside `brieflens serve`: the route /mcp, behind the API key."""

from __future__ import annotations

from fastapi.responses import JSONResponse
from mcp.server.transport_security import TransportSecuritySettings
from starlette.datastructures import Headers
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from app.api.errors import error_body
from app.api.security import key_ok, sent_key
from app.mcp.server import BriefServer, LensSource, build_server
from retrieval.settings import Settings

PATH = "/mcp"
LOOPBACK_HOSTS = ["127.0.0.1:*", "localhost:*", "[::1]:*"]
LOOPBACK_ORIGINS = ["http://127.0.0.1:*", "http://localhost:*", "http://[::1]:*"]


class KeyGuard:
    """ASGI wrapper: 401 in the API's error shape unless the API key was sent (Bearer token or X-API-Key)."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not key_ok(self.settings, sent_key(Headers(scope=scope))):
            body = error_body("unauthorized", "send the API key as `Authorization: Bearer KEY` or X-API-Key")
            await JSONResponse(body, status_code=401, headers={"WWW-Authenticate": "Bearer"})(scope, receive, send)
            return
        await self.app(scope, receive, send)


def mcp_route(settings: Settings, lens: LensSource) -> tuple[BriefServer, Route]:
    """The MCP server and its route; the caller runs `server.session_manager.run()` in its lifespan."""
    # Without a key, DNS-rebinding protection keeps web pages from reaching a loopback server through a host name
    # they control; with a key, the key guards it and any host name may be used.
    security = TransportSecuritySettings(
        enable_dns_rebinding_protection=settings.api_key is None,
        allowed_hosts=LOOPBACK_HOSTS,
        allowed_origins=LOOPBACK_ORIGINS,
    )
    # Stateless: any API worker can answer any request, so several workers need no shared session store.
    server = build_server(
        lens,
        stateless_http=True,
        streamable_http_path=PATH,
        transport_security=security,
        log_level=settings.log_level.upper(),
    )
    app = server.streamable_http_app()
    return server, Route(PATH, endpoint=KeyGuard(app, settings))
