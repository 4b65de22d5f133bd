"""Shared pieces of the API tests: a client over a freshly ingested corpus copy, and SSE parsing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient

from app.api import create_app
from retrieval.index.embedding import SentenceTransformerEmbedder
from retrieval.settings import Settings

SEARCH_KEYS = {"rank", "chunk_id", "doc_id", "source", "title", "section", "score", "text", "start", "end", "date"}
ASK_KEYS = {"question", "answer", "abstained", "sentences", "contexts"}


@contextmanager
def api_client(settings: Settings, embedder: SentenceTransformerEmbedder, ingest: bool = True) -> Iterator[TestClient]:
    """A TestClient on create_app (lifespan run), the corpus folder ingested through POST /ingest."""
    app = create_app(settings, embedder)
    # raise_server_exceptions=False: see the 500 response a real client gets, not the exception.
    with TestClient(app, raise_server_exceptions=False) as client:
        if ingest:
            key = settings.api_key.get_secret_value() if settings.api_key else ""
            r = client.post("/ingest", json={}, headers={"X-API-Key": key})
            assert r.status_code == 200, r.text
            assert r.json()["ok"]
        yield client


def sse_events(text: str) -> list[tuple[str, Any]]:
    """(event, parsed data) for each frame of a text/event-stream body."""
    events = []
    for frame in text.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in frame.splitlines())
        events.append((fields["event"], json.loads(fields["data"])))
    return events
