"""The JSON shapes other tools read (CLI --json and the API): field names are a contract."""

from __future__ import annotations

from typing import Any

from retrieval.answer import Answer
from retrieval.chunk import ScoredChunk
from retrieval.document import Document
from retrieval.index.catalog import DocInfo
from retrieval.ingest.sync import IngestReport


def search_results(hits: list[ScoredChunk]) -> list[dict[str, Any]]:
    """Ranked results: rank, chunk_id, doc_id, source, title, section, score, text, start, end (+ date)."""
    return [
        {
            "rank": rank,
            "chunk_id": h.chunk.id,
            "doc_id": h.chunk.doc_id,
            "source": h.source,
            "title": h.title,
            "section": h.chunk.section,
            "score": round(h.score, 4),
            "text": h.chunk.text,
            "start": h.chunk.start,
            "end": h.chunk.end,
            "date": h.date,
        }
        for rank, h in enumerate(hits, 1)
    ]


def answer(result: Answer) -> dict[str, Any]:
    """question, answer, abstained, sentences[{text, citations[...]}], contexts[...] (+ diagnostics)."""
    return result.model_dump(mode="json")


def document_info(info: DocInfo) -> dict[str, Any]:
    """One row of the document list."""
    return {
        "doc_id": info.doc_id,
        "title": info.title,
        "date": info.date,
        "source": info.source,
        "chunks": info.n_chunks,
    }


def document(doc: Document) -> dict[str, Any]:
    """A full document: text, metadata and sections with offsets (for highlighting quotes)."""
    data = doc.model_dump(mode="json", exclude={"id"})
    return {"doc_id": doc.id, **data}


def ingest_report(report: IngestReport) -> dict[str, Any]:
    """What an ingest did."""
    return {
        "added": report.added,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "renamed": report.renamed,
        "removed": report.removed,
        "chunks_embedded": report.chunks_embedded,
        "chunks_removed": report.chunks_removed,
        "recovered_chunks": report.recovered,
        "problems": report.problems,
        "warnings": report.warnings,
        "ok": report.indexed_ok,
    }
