"""The JSON shapes other tools read (CLI --json and the API): field names are a contract.

Each shape is defined once, here, as a pydantic model: the CLI prints what the functions below build, and the
API declares the same models as its response models (app.api.schemas re-exports them).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from pydantic import BaseModel

from retrieval.answer import Answer, Context
from retrieval.chunk import ScoredChunk
from retrieval.document import Document, Section
from retrieval.index.catalog import DocInfo
from retrieval.ingest.sync import IngestReport

__all__ = [
    "Answer",
    "BatchError",
    "DocumentDetail",
    "DocumentInfo",
    "ErrorInfo",
    "IngestResult",
    "SearchResult",
    "answer",
    "document",
    "document_info",
    "error_code",
    "ingest_report",
    "search_results",
]


class ErrorInfo(BaseModel):
    """What went wrong: a stable snake_case code, a sentence for people and, sometimes, what to do."""

    code: str
    message: str
    help: str | None = None


class BatchError(BaseModel):
    """A `search --batch` line that could not be answered: its line number, its id when it had one, the error."""

    line: int
    id: str | None
    error: ErrorInfo


def error_code(error: Exception) -> str:
    """snake_case of the error class: DocumentNotFound -> document_not_found."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(error).__name__).lower()


class _Ranked(BaseModel):
    """A result's place in its ranking (the first field of a SearchResult)."""

    rank: int


class SearchResult(Context, _Ranked):
    """One ranked passage (the `search --json` contract)."""

    # pydantic lays out the last base's fields first: rank, then the Context fields, then date.
    date: str | None


class DocumentInfo(BaseModel):
    """One row of GET /documents (the `documents --json` contract)."""

    doc_id: str
    title: str
    date: str | None
    source: str
    chunks: int


class DocumentDetail(BaseModel):
    """GET /documents/{id}: text, metadata and sections with offsets (the `show --json` contract)."""

    doc_id: str
    source: str
    title: str
    text: str
    date: dt.date | None = None
    url: str | None = None
    origin: str | None = None
    sections: tuple[Section, ...] = ()
    pages: tuple[int, ...] = ()
    body_start: int = 0
    warnings: tuple[str, ...] = ()


class IngestResult(BaseModel):
    """What an ingest did (the `ingest --json` contract)."""

    added: list[str]
    updated: list[str]
    unchanged: list[str]
    renamed: list[str]
    removed: list[str]
    chunks_embedded: int
    chunks_removed: int
    recovered_chunks: int
    problems: list[str]
    warnings: list[str]
    ok: bool


def search_results(hits: list[ScoredChunk]) -> list[dict[str, Any]]:
    """Ranked results as SearchResult JSON."""
    return [
        SearchResult(rank=rank, date=h.date, **dict(Context.of(h))).model_dump(mode="json")
        for rank, h in enumerate(hits, 1)
    ]


def answer(result: Answer) -> dict[str, Any]:
    """question, answer, abstained, sentences[{text, citations[...]}], contexts[...] (+ diagnostics)."""
    return result.model_dump(mode="json")


def document_info(info: DocInfo) -> dict[str, Any]:
    """One row of the document list as DocumentInfo JSON."""
    return DocumentInfo(
        doc_id=info.doc_id, title=info.title, date=info.date, source=info.source, chunks=info.n_chunks
    ).model_dump(mode="json")


def document(doc: Document) -> dict[str, Any]:
    """A full document as DocumentDetail JSON: the Document's fields, its id named doc_id."""
    return DocumentDetail(doc_id=doc.id, **doc.model_dump(exclude={"id"})).model_dump(mode="json")


def ingest_report(report: IngestReport) -> dict[str, Any]:
    """What an ingest did as IngestResult JSON."""
    return IngestResult(
        added=report.added,
        updated=report.updated,
        unchanged=report.unchanged,
        renamed=report.renamed,
        removed=report.removed,
        chunks_embedded=report.chunks_embedded,
        chunks_removed=report.chunks_removed,
        recovered_chunks=report.recovered,
        problems=report.problems,
        warnings=report.warnings,
        ok=report.indexed_ok,
    ).model_dump(mode="json")
