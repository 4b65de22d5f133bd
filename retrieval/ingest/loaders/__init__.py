"""Load a source file into a Document: text formats, HTML, PDF and Word, by file extension."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from retrieval.document import Document, document_id
from retrieval.errors import LoadError
from retrieval.ingest.loaders.base import Extracted
from retrieval.ingest.loaders.docx import load_docx
from retrieval.ingest.loaders.html import load_html
from retrieval.ingest.loaders.pdf import load_pdf
from retrieval.ingest.loaders.text import load_markdown, load_text
from retrieval.ingest.structure import find_date

LOADERS: dict[str, Callable[[bytes, Path], Extracted]] = {
    ".txt": load_text,
    ".text": load_text,
    ".md": load_markdown,
    ".markdown": load_markdown,
    ".html": load_html,
    ".htm": load_html,
    ".pdf": load_pdf,
    ".docx": load_docx,
}


def supported(path: Path) -> bool:
    """True when BriefLens has a loader for this file's extension."""
    return path.suffix.lower() in LOADERS


def load_document(path: Path, source: str, max_bytes: int) -> Document:
    """Read and parse one file; raise LoadError with a one-line reason when it cannot be used."""
    loader = LOADERS.get(path.suffix.lower())
    if loader is None:
        raise LoadError(f"{source}: unsupported file type {path.suffix or '(none)'}")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise LoadError(f"{source}: too large ({size / 2**20:.1f} MB > {max_bytes / 2**20:.1f} MB limit)")
        data = path.read_bytes()
    except OSError as e:
        raise LoadError(f"{source}: cannot read ({e.strerror or e})") from e
    if not data.strip():
        raise LoadError(f"{source}: empty file")
    try:
        extracted = loader(data, path)
    except LoadError as e:
        raise LoadError(f"{source}: {e}") from e
    if not extracted.text[extracted.body_start :].strip():
        raise LoadError(f"{source}: no text could be extracted")
    title = extracted.title or path.stem
    return Document(
        id=document_id(extracted.text),
        source=source,
        title=title,
        text=extracted.text,
        date=extracted.date or find_date(extracted.text),
        url=extracted.url,
        origin=extracted.origin,
        sections=extracted.sections,
        pages=extracted.pages,
        body_start=extracted.body_start,
        warnings=tuple(f"{source}: {w}" for w in extracted.warnings),
    )
