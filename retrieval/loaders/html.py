"""HTML loader: visible text with block structure, <title>/<h1> as title, h1-h6 as sections."""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup

from retrieval.errors import LoadError
from retrieval.loaders.base import Extracted, decode
from retrieval.structure import Heading, build_sections, find_date, parse_date

_BLOCKS = [
    "p",
    "div",
    "section",
    "article",
    "header",
    "footer",
    "main",
    "aside",
    "nav",
    "li",
    "ul",
    "ol",
    "table",
    "tr",
    "td",
    "th",
    "br",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "figure",
    "figcaption",
    "dd",
    "dt",
    "dl",
    "title",
]
_HEADINGS = ["h1", "h2", "h3", "h4", "h5", "h6"]


def _visible_text(soup: BeautifulSoup) -> str:
    """Text with one line per block element and no blank-line runs."""
    for tag in soup(["script", "style", "noscript", "template", "head"]):
        tag.decompose()
    for tag in soup.find_all(_BLOCKS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    raw = soup.get_text()
    out = [" ".join(line.split()) for line in raw.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip() + "\n"


def load_html(data: bytes, path: Path) -> Extracted:
    """Load an HTML page; a pathological page (e.g. absurdly deep nesting) is a LoadError."""
    markup, warnings = decode(data)
    try:
        soup = BeautifulSoup(markup, "html.parser")
        head_title = soup.title.get_text(" ", strip=True) if soup.title else ""
        meta = soup.find("meta", attrs={"property": "article:published_time"}) or soup.find(
            "meta", attrs={"name": "date"}
        )
        meta_date = parse_date(str(meta.get("content", ""))[:10]) if meta else None
        heading_tags = [(int(t.name[1]), " ".join(t.get_text(" ").split())) for t in soup.find_all(_HEADINGS)]
        text = _visible_text(soup)
    except RecursionError as e:
        raise LoadError("HTML nested too deeply to parse") from e
    headings: list[Heading] = []
    pos = 0
    for level, title in heading_tags:
        at = text.find(title, pos) if title else -1
        if at >= 0:
            headings.append(Heading(title, level, at, at + len(title)))
            pos = at + len(title)
    h1 = next((t for lvl, t in heading_tags if lvl == 1 and t), "")
    return Extracted(
        text=text,
        title=head_title or h1,
        date=meta_date or find_date(text),
        sections=build_sections(headings, len(text)),
        warnings=warnings,
    )
