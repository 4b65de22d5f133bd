"""POST /ingest (server paths or uploads), GET /documents, GET and DELETE /documents/{id}."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from app.api.errors import error_responses
from app.api.routes_query import state
from app.api.schemas import DeleteResponse, DocumentDetail, DocumentInfo, IngestRequest, IngestResponse
from app.api.security import safe_filename
from retrieval import contract
from retrieval.settings import Settings

router = APIRouter(tags=["documents"])
MAX_FILES = 100
_INGEST_BODY = {
    "requestBody": {
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/IngestRequest"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"files": {"type": "array", "items": {"type": "string", "format": "binary"}}},
                    "required": ["files"],
                }
            },
        }
    }
}


def _allowed(path: Path, settings: Settings) -> bool:
    """Only the corpus folder and the configured roots: the API must not read arbitrary server files."""
    target = path.resolve()
    roots = [settings.corpus_dir, *settings.api_ingest_roots]
    return any(target == r.resolve() or r.resolve() in target.parents for r in roots)


def _server_paths(raw: list[str], settings: Settings) -> list[Path]:
    """The requested paths, each checked against the allowed roots."""
    paths = [Path(p) for p in raw]
    for p in paths:
        if "\x00" in str(p) or not _allowed(p, settings):
            raise HTTPException(403, f"{str(p)[:200]!r} is outside the corpus folder and BRIEFLENS_API_INGEST_ROOTS")
    return paths


async def _uploads(request: Request) -> list[UploadFile]:
    """The uploaded files of a multipart request (at most MAX_FILES)."""
    form = await request.form(max_files=MAX_FILES, max_fields=10)
    files = [f for f in form.getlist("files") if isinstance(f, UploadFile)]
    if not files:
        raise HTTPException(422, 'a multipart ingest needs one or more "files" parts')
    return files


@router.post("/ingest", response_model=IngestResponse, openapi_extra=_INGEST_BODY, responses=error_responses(403, 415))
async def ingest(request: Request) -> Any:
    """Sync the index: JSON `{"paths": [...]}` on the server, or a multipart upload of `files` into the corpus.

    One ingest at a time: a second one while the first runs gets 409; queries keep answering meanwhile.
    """
    api = state(request)
    if request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
        files = await _uploads(request)
        named: list[tuple[str, bytes]] = []
        for f in files:
            name = safe_filename(f.filename or "")
            if name is None:
                raise HTTPException(415, f"{(f.filename or '')[:200]!r}: not an allowed file name or type")
            if any(name == n for n, _ in named):
                raise HTTPException(422, f"two uploads are both named {name!r} once made safe")
            named.append((name, await f.read()))
        report = await run_in_threadpool(api.ingest_uploads, named)
        return {**contract.ingest_report(report), "stored": [name for name, _ in named]}
    raw = await request.body()
    try:
        body = IngestRequest.model_validate_json(raw or b"{}")
    except ValidationError as e:
        from fastapi.exceptions import RequestValidationError

        raise RequestValidationError(e.errors(include_input=False)) from e
    paths = _server_paths(body.paths, api.settings) if body.paths else None
    report = await run_in_threadpool(api.ingest, paths)
    return contract.ingest_report(report)


@router.get("/documents", response_model=list[DocumentInfo])
def documents(request: Request) -> Any:
    """The indexed briefs: id, title, publication date, source, chunk count."""
    return [contract.document_info(d) for d in state(request).reader.documents()]


@router.get("/documents/{doc_id}", response_model=DocumentDetail)
def document(doc_id: str, request: Request) -> Any:
    """One brief (id or file name, or a unique prefix of either): text, metadata and sections with character offsets."""
    return contract.document(state(request).reader.document(doc_id))


@router.delete("/documents/{doc_id}", response_model=DeleteResponse)
def delete_document(doc_id: str, request: Request) -> Any:
    """Remove a brief from the index; its file is deleted too when it lies in the corpus folder (else kept)."""
    report = state(request).remove(doc_id)
    return {
        "doc_id": report.doc_id,
        "sources": report.sources,
        "deleted_files": report.deleted_files,
        "chunks_removed": report.chunks_removed,
    }
