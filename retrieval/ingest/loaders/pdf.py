"""PDF loader (pypdf): page texts joined with blank lines; page start offsets kept."""

from __future__ import annotations

import dataclasses
import io
import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from retrieval.errors import LoadError
from retrieval.ingest.loaders.base import Extracted
from retrieval.ingest.structure import build_sections, find_title, plain_headings


class _Collect(logging.Handler):
    """Keeps pypdf's log messages instead of letting them print."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _quiet_pypdf() -> Iterator[list[str]]:
    """Collect what pypdf would log or warn about a broken file, so BriefLens reports it in one line of its own."""
    logger = logging.getLogger("pypdf")
    handler = _Collect()
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield handler.messages
        handler.messages.extend(str(w.message) for w in caught)
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def _summary(messages: list[str]) -> tuple[str, ...]:
    """One warning for all of pypdf's complaints about a file."""
    if not messages:
        return ()
    first = " ".join(messages[0].split())[:160]
    more = f" (and {len(messages) - 1} more)" if len(messages) > 1 else ""
    return (f"damaged PDF, text may be incomplete: {first}{more}",)


def load_pdf(data: bytes, path: Path) -> Extracted:
    """Extract text page by page; an unreadable or encrypted PDF is a LoadError; pypdf's complaints, one warning."""
    with _quiet_pypdf() as messages:
        extracted = _load_pdf(data)
    return dataclasses.replace(extracted, warnings=extracted.warnings + _summary(messages))


def _load_pdf(data: bytes) -> Extracted:
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
