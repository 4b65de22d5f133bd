"""Document and Section: a loaded source brief with its original text and structure."""

from __future__ import annotations

import datetime as dt
import hashlib

from pydantic import BaseModel, ConfigDict


class Section(BaseModel):
    """A heading and the character span of the text it governs."""

    model_config = ConfigDict(frozen=True)

    title: str
    path: str
    level: int
    start: int
    end: int


class Document(BaseModel):
    """A source brief: original text, content-derived id and metadata."""

    model_config = ConfigDict(frozen=True)

    id: str
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

    def section_at(self, offset: int) -> str:
        """Return the section path governing `offset` ('' before the first heading)."""
        path = ""
        for section in self.sections:
            if section.start <= offset < section.end:
                path = section.path
        return path

    def page_at(self, offset: int) -> int | None:
        """Return the 1-based page holding `offset` when the source had pages (PDF)."""
        page = None
        for number, start in enumerate(self.pages, 1):
            if start <= offset:
                page = number
        return page


def document_id(text: str) -> str:
    """The id of a document: sha256 of its text, so identical content gets one id."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
