"""HTML loader: visible text with block structure, <title>/<h1> as title, h1-h6 as sections."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from bs4 import BeautifulSoup
from bs4.element import CData, NavigableString, PageElement, Tag

from retrieval.errors import LoadError
from retrieval.ingest.loaders.base import Extracted, decode
from retrieval.ingest.structure import Heading, build_sections, find_date, parse_date

_BLOCKS = {
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
}
_HEADINGS = ["h1", "h2", "h3", "h4", "h5", "h6"]
_SKIP = frozenset(["script", "style", "noscript", "template", "head"])
# Deeper pages are refused: marking block boundaries costs time proportional to depth per element,
# so 100,000 nested <div>s would take hours. Real pages stay far below this.
MAX_DEPTH = 1000
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^<>]*?(/?)>")
# Void elements never have children, so they never deepen the tree.
_VOID = frozenset(
    ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"]
)

# <br> written as <br/>: bs4's html.parser builder scans a list of every unclosed void tag seen so
# far on each end tag, which made a 1 MB page with <br>s take minutes; the self-closing form is
# the same element without that bookkeeping.
_OPEN_VOID = re.compile(
    r"<(" + "|".join(sorted(_VOID)) + r")\b((?:[^<>\"']|\"[^\"]*\"|'[^']*')*?)\s*/?>", re.IGNORECASE
)


def _depth(markup: str) -> int:
    """How deeply elements nest, from a linear scan of the tags (the parser keeps unclosed tags open too)."""
    depth = peak = 0
    for match in _TAG.finditer(markup):
        closing, name, self_closing = match.groups()
        if closing:
            depth = max(0, depth - 1)
        elif not self_closing and name.lower() not in _VOID:
            depth += 1
            peak = max(peak, depth)
    return peak


def _strings_and_breaks(soup: BeautifulSoup) -> Iterator[str]:
    """The page's text strings in order, with a line break around each block element; skipped tags omitted.

    One iterative pass: inserting break strings into the tree (bs4's insert_before) costs time per
    sibling, which made a 1 MB page of paragraphs take minutes.
    """
    wanted = soup.interesting_string_types or (NavigableString, CData)
    types = {wanted} if isinstance(wanted, type) else set(wanted)
    stack: list[tuple[PageElement, bool]] = [(soup, False)]
    while stack:
        node, leaving = stack.pop()
        if leaving:
            yield "\n"
        elif isinstance(node, NavigableString):
            if type(node) in types:
                yield str(node)
        elif isinstance(node, Tag) and node.name not in _SKIP:
            if node.name in _BLOCKS:
                yield "\n"
                stack.append((node, True))
            stack.extend((child, False) for child in reversed(node.contents))


def _visible_text(soup: BeautifulSoup) -> str:
    """Text with one line per block element and no blank-line runs."""
    raw = "".join(_strings_and_breaks(soup))
    out = [" ".join(line.split()) for line in raw.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip() + "\n"


def load_html(data: bytes, path: Path) -> Extracted:
    """Load an HTML page; a pathological page (e.g. absurdly deep nesting) is a LoadError."""
    markup, warnings = decode(data)
    if (depth := _depth(markup)) > MAX_DEPTH:
        raise LoadError(f"HTML nested too deeply ({depth} levels; the limit is {MAX_DEPTH})")
    try:
        soup = BeautifulSoup(_OPEN_VOID.sub(r"<\1\2 />", markup), "html.parser")
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
