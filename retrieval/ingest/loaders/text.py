"""Plain-text and Markdown loaders (Markdown may carry YAML front matter)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import yaml

from retrieval.ingest.loaders.base import Extracted, decode
from retrieval.ingest.structure import Heading, build_sections, find_title, parse_date, plain_headings

_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.DOTALL)
_MD_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$", re.MULTILINE)


def load_text(data: bytes, path: Path) -> Extracted:
    """Load a plain-text brief: first line is the title, short unpunctuated lines are headings."""
    text, warnings = decode(data)
    title, span = find_title(text)
    sections = build_sections(plain_headings(text, 0, span), len(text))
    return Extracted(text=text, title=title, sections=sections, warnings=warnings)


def _front_matter(text: str, name: str) -> tuple[dict[str, object], int, tuple[str, ...]]:
    """Parse YAML front matter; return its fields and where the body starts."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, 0, ()
    try:
        fields = yaml.safe_load(match.group(1))
    except yaml.YAMLError:
        return {}, match.end(), ("front matter is not valid YAML; ignored",)
    return (fields if isinstance(fields, dict) else {}), match.end(), ()


def load_markdown(data: bytes, path: Path) -> Extracted:
    """Load Markdown: front matter (title, date, source, url), '#' headings as sections."""
    text, warnings = decode(data)
    fields, body, fm_warnings = _front_matter(text, path.name)
    headings = [
        Heading(m.group(2).strip(), len(m.group(1)), m.start(), m.end()) for m in _MD_HEADING.finditer(text, body)
    ]
    title = str(fields.get("title") or "")
    if not title:
        title = headings[0].title if headings else find_title(text, body)[0]
    date = _as_date(fields.get("date"))
    url = fields.get("url")
    origin = fields.get("source")
    return Extracted(
        text=text,
        title=title,
        date=date,
        url=str(url) if url else None,
        origin=str(origin) if origin else None,
        sections=build_sections(headings, len(text)),
        body_start=body,
        warnings=warnings + fm_warnings,
    )


def _as_date(value: object) -> dt.date | None:
    """Read a front-matter date, whether YAML parsed it or left it a string."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return parse_date(str(value)) if value else None
