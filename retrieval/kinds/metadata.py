"""Metadata answers: when a brief was updated, how many sources it rests on, its title, publisher and sections."""

from __future__ import annotations

import re
from collections.abc import Callable

from retrieval.answer import AnswerSentence
from retrieval.kinds.briefs import Brief

# The lines of a brief that state its metadata, as brief pages print them ("Updated Mar 1, 2026", "Sources (29)").
_UPDATED = re.compile(r"^[ \t]*(?:Last )?(?:Updated|Published|Posted|Dated)\b:?[ \t]*(?P<value>\S[^\n]*?)[ \t]*$", re.M)
_SOURCES = re.compile(r"^[ \t]*(?:Sources[ \t]*\((?P<a>\d+)\)|(?P<b>\d+)[ \t]+sources)[ \t]*$", re.M | re.I)
# A page footer "headline - title | Publisher | site.tld": the publisher is the field after the title.
_FOOTER = re.compile(r"^[^\n|]+\|[ \t]*(?P<value>[^\n|]+?)[ \t]*\|[ \t]*[\w.-]+\.[a-z]{2,}[ \t]*$", re.M)
METADATA_LINES = (_UPDATED, _SOURCES, _FOOTER)
MAX_HEADING_WORDS = 8
MIN_SECTIONS = 3

Field = Callable[[Brief], tuple[AnswerSentence, ...]]


def _name(brief: Brief) -> str:
    """How an answer names a brief: its title in quotes."""
    return f"“{brief.info.title}”"


def _line(brief: Brief, pattern: re.Pattern[str]) -> re.Match[str] | None:
    """The last line of the brief matching `pattern`: metadata sits at the end of a brief page."""
    found = list(pattern.finditer(brief.doc.text))
    return found[-1] if found else None


def _stated(brief: Brief, match: re.Match[str], text: str) -> tuple[AnswerSentence, ...]:
    """One sentence citing the whole line that states the value."""
    start, end = match.span()
    line = brief.doc.text[start:end]
    start += len(line) - len(line.lstrip())
    end -= len(line) - len(line.rstrip())
    return (AnswerSentence(text=text, citations=(brief.cite(start, end),)),)


def updated(brief: Brief) -> tuple[AnswerSentence, ...]:
    """When the brief was last updated, from its Updated line."""
    m = _line(brief, _UPDATED)
    return _stated(brief, m, f"{_name(brief)} was last updated {m.group('value')}.") if m else ()


def sources(brief: Brief) -> tuple[AnswerSentence, ...]:
    """How many sources the brief rests on, from its Sources line."""
    m = _line(brief, _SOURCES)
    if m is None:
        return ()
    n = m.group("a") or m.group("b")
    return _stated(brief, m, f"{_name(brief)} rests on {n} sources.")


def publisher(brief: Brief) -> tuple[AnswerSentence, ...]:
    """Who publishes the brief, from its page footer."""
    m = _line(brief, _FOOTER)
    return _stated(brief, m, f"{_name(brief)} is published by {m.group('value')}.") if m else ()


def title(brief: Brief) -> tuple[AnswerSentence, ...]:
    """The brief's title, citing its first occurrence."""
    start = brief.doc.text.find(brief.info.title)
    if start < 0 or not brief.info.title.strip():
        return ()
    cite = brief.cite(start, start + len(brief.info.title))
    return (AnswerSentence(text=f"The brief is titled {_name(brief)}.", citations=(cite,)),)


def _headings(brief: Brief) -> list[tuple[str, int]]:
    """(title, offset) of the brief's main sections: the shallowest level with enough short headings."""
    text = brief.doc.text
    for level in sorted({s.level for s in brief.doc.sections}):
        found: dict[str, int] = {}
        for s in brief.doc.sections:
            at = text.find(s.title, s.start)
            # Long "headings" are subtitles or headlines the loader took for sections, not a table of contents.
            if s.level == level and 0 <= at <= s.start + 2 and len(s.title.split()) <= MAX_HEADING_WORDS:
                found.setdefault(s.title, at)
        if len(found) >= MIN_SECTIONS:
            return list(found.items())
    return []


def sections(brief: Brief) -> tuple[AnswerSentence, ...]:
    """The brief's section headings in order, each cited where it stands."""
    heads = _headings(brief)
    if not heads:
        return ()
    cites = tuple(brief.cite(at, at + len(t)) for t, at in heads)
    listing = "; ".join(t for t, _ in heads)
    return (AnswerSentence(text=f"{_name(brief)} has {len(heads)} sections: {listing}.", citations=cites),)


# Which field a question asks for, by its words, most specific first.
FIELDS: tuple[tuple[re.Pattern[str], Field], ...] = (
    (re.compile(r"(?<!-)\bsources?\b(?!-)", re.I), sources),
    (re.compile(r"\b(?:sections?|headings?|parts)\b", re.I), sections),
    (
        re.compile(r"\b(?:publish(?:es|ed by)?|publisher|who (?:wrote|writes|produced|produces)|produced)\b", re.I),
        publisher,
    ),
    (re.compile(r"\b(?:updated?|when|date[ds]?|published)\b", re.I), updated),
    (re.compile(r"\b(?:title[ds]?|called|named|headline)\b", re.I), title),
)


def answer_metadata(question: str, brief: Brief) -> tuple[AnswerSentence, ...]:
    """The cited sentences that answer a metadata question about `brief`; empty when the brief does not state it."""
    for pattern, field in FIELDS:
        if pattern.search(question):
            return field(brief)
    return ()
