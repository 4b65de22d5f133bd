"""Title, publication date and section headings found in a document's text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from retrieval.document import Section

_MONTHS = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_DATE_VALUE = (
    rf"(?:{_MONTHS}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{_MONTHS},?\s+\d{{4}}"
    rf"|\d{{4}}-\d{{2}}-\d{{2}}|{_MONTHS}\s+\d{{4}})"
)
# Only a date the text labels as its own (updated/published/dated) is a publication date.
_LABELLED_DATE = re.compile(
    rf"(?:last\s+updated|updated|published|posted|dated|date|as\s+of)\s*(?:on)?\s*:?\s*({_DATE_VALUE})",
    re.IGNORECASE,
)
_FORMATS = ("%b %d %Y", "%B %d %Y", "%d %b %Y", "%d %B %Y", "%Y-%m-%d", "%b %Y", "%B %Y")
_HEADING_END = re.compile(r"[.!?:;,\"'”’)]$")
_BULLET_START = re.compile(r"^(?:[•◦▪‣∙·*\-–—>]|\d+[.)]\s|\(?[a-z]\)\s)")


@dataclass(frozen=True)
class Heading:
    """A heading line: its text, level (1 = top) and character span."""

    title: str
    level: int
    start: int
    end: int


def parse_date(value: str) -> date | None:
    """Parse the date formats briefs use ("Mar 1, 2026", "1 March 2026", "2026-03-01")."""
    cleaned = re.sub(r"[.,]", " ", value.strip())
    cleaned = re.sub(r"\bSept\b", "Sep", " ".join(cleaned.split()))
    for fmt in _FORMATS:
        try:
            return datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    return None


def find_date(text: str) -> date | None:
    """Return the publication date the text states (the last labelled one), if any."""
    found = None
    for match in _LABELLED_DATE.finditer(text):
        found = parse_date(match.group(1)) or found
    return found


def lines(text: str, start: int = 0) -> list[tuple[int, int]]:
    """Return (start, end) of each non-blank line from `start`, ends excluding the newline."""
    spans: list[tuple[int, int]] = []
    pos = start
    for raw in text[start:].split("\n"):
        end = pos + len(raw)
        if raw.strip():
            lead = len(raw) - len(raw.lstrip())
            spans.append((pos + lead, pos + len(raw.rstrip())))
        pos = end + 1
    return spans


def find_title(text: str, start: int = 0) -> tuple[str, tuple[int, int] | None]:
    """Return the first non-blank line as the title, with its span."""
    for a, b in lines(text, start):
        title = text[a:b].strip().lstrip("\ufeff#").strip()
        if title:
            return title[:200], (a, b)
    return "", None


def _looks_like_heading(line: str) -> bool:
    """A short line with no closing punctuation and no bullet: a heading in a plain-text brief."""
    words = line.split()
    return (
        0 < len(words) <= 16
        and len(line) <= 120
        and not _HEADING_END.search(line)
        and not _BULLET_START.match(line)
        and (line[0].isupper() or line[0].isdigit())
        and not _LABELLED_DATE.fullmatch(line)
    )


def plain_headings(text: str, start: int = 0, skip: tuple[int, int] | None = None) -> list[Heading]:
    """Find headings in plain text: a heading followed directly by another one is a parent (level 1)."""
    spans = [s for s in lines(text, start) if s != skip]
    flags = [_looks_like_heading(text[a:b]) for a, b in spans]
    headings: list[Heading] = []
    seen_parent = False
    for i, (a, b) in enumerate(spans):
        if not flags[i] or i + 1 >= len(spans):
            continue
        is_parent = flags[i + 1]
        seen_parent = seen_parent or is_parent
        level = 1 if is_parent or not seen_parent else 2
        headings.append(Heading(text[a:b], level, a, b))
    return headings


def build_sections(headings: list[Heading], text_end: int) -> tuple[Section, ...]:
    """Turn headings into sections with paths ("Parent > Child") and spans."""
    sections: list[Section] = []
    stack: list[Heading] = []
    for i, heading in enumerate(headings):
        while stack and stack[-1].level >= heading.level:
            stack.pop()
        stack.append(heading)
        end = text_end
        for later in headings[i + 1 :]:
            if later.level <= heading.level:
                end = later.start
                break
        path = " > ".join(h.title for h in stack)
        sections.append(Section(title=heading.title, path=path, level=heading.level, start=heading.start, end=end))
    return tuple(sections)
