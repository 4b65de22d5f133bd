"""API key, request-size limits and CORS."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from retrieval.index.embedding import SentenceTransformerEmbedder
from retrieval.settings import Settings
from tests.app.api_helpers import api_client
from tests.conftest import CORPUS


def test_api_key_is_required_when_configured(
    make_settings: Callable[..., Settings], embedder: SentenceTransformerEmbedder
) -> None:
    with api_client(make_settings(corpus_dir=CORPUS, api_key="s3cret-key"), embedder) as c:
        body = {"query": "Huawei chips"}
        for headers in ({}, {"X-API-Key": "wrong"}, {"X-API-Key": "s3cret-key "}, {"X-API-Key": ""}):
            r = c.post("/search", json=body, headers=headers)
            assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
        assert c.get("/documents").status_code == 401
        assert c.post("/search", json=body, headers={"X-API-Key": "s3cret-key"}).status_code == 200
        assert c.get("/health").status_code == 200  # open for probes
        assert "APIKeyHeader" in c.get("/openapi.json").json()["components"]["securitySchemes"]


def test_bodies_over_the_limits_are_413(
    make_settings: Callable[..., Settings], embedder: SentenceTransformerEmbedder
) -> None:
    settings = make_settings(corpus_dir=CORPUS, api_max_body_kb=1, api_max_upload_mb=0.01)
    with api_client(settings, embedder, ingest=False) as c:
        big = {"query": "x" * 2000}
        r = c.post("/search", json=big)
        assert r.status_code == 413 and r.json()["error"]["code"] == "payload_too_large"

        def chunked() -> Iterator[bytes]:
            yield b'{"query": "'
            yield b"y" * 4000
            yield b'"}'

        # No Content-Length: counted as it streams in.
        r = c.post("/search", content=chunked(), headers={"content-type": "application/json"})
        assert r.status_code == 413 and r.json()["error"]["code"] == "payload_too_large"
        upload = c.post("/ingest", files=[("files", ("big.txt", b"word " * 5000, "text/plain"))])
        assert upload.status_code == 413
        assert not (Path(settings.corpus_dir) / "big.txt").exists()
        small = c.post("/ingest", json={"paths": ["/etc"]})  # under the limit: reaches the endpoint
        assert small.status_code == 403


def test_cors_is_closed_by_default_and_configurable(
    make_settings: Callable[..., Settings], embedder: SentenceTransformerEmbedder
) -> None:
    preflight = {"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
    with api_client(make_settings(corpus_dir=CORPUS), embedder, ingest=False) as c:
        r = c.options("/search", headers=preflight)
        assert "access-control-allow-origin" not in r.headers
        assert "access-control-allow-origin" not in c.get("/health", headers={"Origin": "https://evil.example"}).headers
    allowed = make_settings(corpus_dir=CORPUS, api_cors_origins=("https://ui.example",))
    with api_client(allowed, embedder, ingest=False) as c:
        ok = c.options("/search", headers={**preflight, "Origin": "https://ui.example"})
        assert ok.status_code == 200 and ok.headers["access-control-allow-origin"] == "https://ui.example"
        assert "access-control-allow-origin" not in c.options("/search", headers=preflight).headers
