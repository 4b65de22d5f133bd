"""API key check, request-size limits and upload file-name sanitising."""

from __future__ import annotations

import hmac
import re
import unicodedata
from collections.abc import Mapping
from pathlib import PurePosixPath

from fastapi import Request, Security
from fastapi.security import APIKeyHeader
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.errors import Unauthorized, error_body
from retrieval.ingest.loaders import LOADERS
from retrieval.settings import Settings

API_KEY_HEADER = "X-API-Key"
_api_key_scheme = APIKeyHeader(name=API_KEY_HEADER, auto_error=False, description="Required when configured.")
# Longest stored upload name: well under every file system's 255-byte limit, extension included.
MAX_NAME = 120
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def key_ok(settings: Settings, key: str | None) -> bool:
    """True when no API key is configured or this one matches it (constant-time comparison)."""
    if settings.api_key is None:
        return True
    return hmac.compare_digest((key or "").encode(), settings.api_key.get_secret_value().encode())


def sent_key(headers: Mapping[str, str]) -> str | None:
    """The key a client sent: X-API-Key, or `Authorization: Bearer KEY` as OpenAI and MCP clients send it."""
    if API_KEY_HEADER.lower() in headers:
        return headers[API_KEY_HEADER.lower()]
    scheme, _, token = headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def require_api_key(settings: Settings, key: str | None) -> None:
    """401 unless the configured API key was sent; open when none is configured."""
    if not key_ok(settings, key):
        raise Unauthorized(f"a valid {API_KEY_HEADER} header is required")


async def api_key_check(request: Request, key: str | None = Security(_api_key_scheme)) -> None:
    """Router dependency: the X-API-Key check (declared in OpenAPI, so /docs has an Authorize button)."""
    require_api_key(request.app.state.settings, key)


def safe_filename(name: str) -> str | None:
    """A plain file name for an upload, or None when nothing usable (or an unsupported type) is left.

    Drops any directory part (both separators), NUL, control characters and accents, leading dots (hidden
    files are never ingested) and anything outside [A-Za-z0-9._-]; keeps the extension when shortening.
    """
    name = unicodedata.normalize("NFKD", name).replace("\\", "/").replace("\x00", "")
    base = PurePosixPath(name).name
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] not in "CM")
    base = _UNSAFE.sub("_", base).lstrip("._-")
    stem, dot, ext = base.rpartition(".")
    if not dot or not stem or f".{ext.lower()}" not in LOADERS:
        return None
    ext = ext.lower()
    return f"{stem[: MAX_NAME - len(ext) - 1]}.{ext}"


class BodyLimit:
    """413 for request bodies over the limit: multipart uploads have their own, larger one.

    A declared Content-Length is checked before reading; a chunked body is counted as it arrives
    and buffered (at most the limit), so the endpoint never sees a partial body.
    """

    def __init__(self, app: ASGIApp, max_json: int, max_upload: int) -> None:
        self.app = app
        self.max_json = max_json
        self.max_upload = max_upload

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        multipart = headers.get("content-type", "").lower().startswith("multipart/")
        limit = self.max_upload if multipart else self.max_json
        declared = headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _reject(send, limit)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > limit:
                await _reject(send, limit)
                return
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def _reject(send: Send, limit: int) -> None:
    """Send a 413 with the structured error body."""
    import json

    payload = json.dumps(error_body("payload_too_large", f"the request body exceeds {limit} bytes")).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": payload})
