"""POST /summarize, /draft and /compare: the report writer's functions, as JSON or .md/.docx downloads."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.api.routes_query import state
from app.api.schemas import CompareRequest, DraftRequest, SummarizeRequest
from retrieval.writing.compare import Comparison
from retrieval.writing.draft import ReportDraft
from retrieval.writing.export import Exportable, export, from_draft, from_summary
from retrieval.writing.summarize import Summary

router = APIRouter(tags=["writing"])

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MEDIA_TYPES = {"md": "text/markdown; charset=utf-8", "docx": DOCX}
DOWNLOADS: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {MEDIA_TYPES["md"]: {}, DOCX: {}},
        "description": "JSON, or a download with `format: md|docx`",
    }
}


def filename(title: str, fmt: str) -> str:
    """A plain ASCII file name from the title: header-safe and never a path."""
    stem = re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-").lower()[:80] or "brieflens"
    return f"{stem}.{fmt}"


def download(doc: Exportable, fmt: Literal["md", "docx"]) -> Response:
    """The document as an attachment, written by retrieval.writing.export like `--out` does."""
    with tempfile.TemporaryDirectory(prefix="brieflens-export-") as tmp:
        data = export(doc, Path(tmp) / f"export.{fmt}").read_bytes()
    disposition = f'attachment; filename="{filename(doc.title, fmt)}"'
    return Response(data, media_type=MEDIA_TYPES[fmt], headers={"Content-Disposition": disposition})


@router.post("/summarize", response_model=Summary, responses=DOWNLOADS)
def summarize(body: SummarizeRequest, request: Request) -> Any:
    """Summarise a brief (`doc`) or a `topic` into cited bullets, each a verbatim quote."""
    lens = state(request).reader
    result = lens.summarize(body.doc, body.topic, body.bullets, body.filters.spec(), tuple(body.sections))
    if body.format == "json":
        return result.model_dump(mode="json")
    # The same title as `brieflens summarize --out`.
    named = result.sections[0].title if result.sections else body.doc
    return download(from_summary(result, f"Summary: {body.topic or named}"), body.format)


@router.post("/draft", response_model=ReportDraft, responses=DOWNLOADS)
def draft(body: DraftRequest, request: Request) -> Any:
    """A report section: outline, cited paragraphs with flags, and sources (`outline_only` skips paragraphs)."""
    result = state(request).reader.draft(body.title, body.guidance, body.outline_only, body.filters.spec())
    if body.format == "json":
        return result.model_dump(mode="json")
    return download(from_draft(result), body.format)


@router.post("/compare", response_model=Comparison)
def compare(body: CompareRequest, request: Request) -> Any:
    """What each brief says on a topic, side by side, and statements that disagree on a figure."""
    return state(request).reader.compare(body.topic, body.filters.spec()).model_dump(mode="json")
