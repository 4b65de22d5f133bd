"""PDF loader (pypdf): page texts joined with blank lines; page start offsets kept."""

from __future__ import annotations

import io
from pathlib import Path

from retrieval.errors import LoadError
from retrieval.ingest.loaders.base import Extracted
from retrieval.ingest.structure import build_sections, find_title, plain_headings


def load_pdf(data: bytes, path: Path) -> Extracted:
    """Extract text page by page; an unreadable or encrypted PDF is a LoadError."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise LoadError("encrypted PDF")
        pages: list[int] = []
        parts: list[str] = []
        offset = 0
        for page in reader.pages:
            page_text = (page.extract_text() or "").replace("\r\n", "\n").strip()
            pages.append(offset)
            parts.append(page_text)
            offset += len(page_text) + 2
        meta_title = (reader.metadata.title if reader.metadata else None) or ""
    except LoadError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError) as e:
        raise LoadError(f"unreadable PDF ({type(e).__name__})") from e
    text = "\n\n".join(parts)
    title, span = find_title(text)
    return Extracted(
        text=text,
        title=str(meta_title).strip() or title,
        sections=build_sections(plain_headings(text, 0, span), len(text)),
        pages=tuple(pages),
    )
