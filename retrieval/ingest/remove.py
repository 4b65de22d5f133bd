"""Remove one document: from the index, and its files from a folder the caller owns (the corpus)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from retrieval.index import Index
from retrieval.ingest.sync import flush_pending


@dataclass
class RemoveReport:
    """What removing a document did."""

    doc_id: str
    sources: list[str] = field(default_factory=list)
    deleted_files: list[str] = field(default_factory=list)
    chunks_removed: int = 0


def _inside(path: Path, folder: Path) -> bool:
    """True when `path` lies inside `folder` (both resolved)."""
    return folder.resolve() in path.resolve().parents


def remove_document(index: Index, doc_id: str, owned: Path | None = None) -> RemoveReport:
    """Drop a document's files, chunks and vectors; files inside `owned` are deleted from disk too.

    Files elsewhere are left alone (BriefLens does not own them), so a later ingest of their folder
    brings the document back; deleting first means a crash in between is undone by the next ingest.
    """
    report = RemoveReport(doc_id)
    rows = [row for row in index.catalog.files().values() if row.doc_id == doc_id]
    for row in rows:
        report.sources.append(row.source)
        path = Path(row.path)
        if owned is not None and _inside(path, owned) and path.exists():
            path.unlink()
            report.deleted_files.append(row.source)
    index.catalog.mark_pending(index.catalog.chunk_ids(doc_id))
    for row in rows:
        index.catalog.remove_path(row.path)
    # Not sync.recover: that logs these deliberate removals as an interrupted ingest.
    report.chunks_removed = flush_pending(index)
    return report
