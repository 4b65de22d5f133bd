"""Sentence splitting with character offsets into the original text."""

from __future__ import annotations

import re
from collections.abc import Iterator

from retrieval.lexicon import MONTH_ABBREVIATIONS

# Words that end with a period without ending a sentence.
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "sr",
        "jr",
        "st",
        "vs",
        "etc",
        "inc",
        "ltd",
        "co",
        "corp",
        "dept",
        "gov",
        "gen",
        "col",
        "lt",
        "sgt",
        "rep",
        "sen",
        "no",
        "nos",
        "fig",
        "approx",
        "est",
        "e.g",
        "i.e",
        "u.s",
        "u.k",
        "u.n",
        "al",
        "cf",
        "ca",
        *MONTH_ABBREVIATIONS,
    ]
)
# A candidate boundary: terminal punctuation, optional closing quotes/brackets, then whitespace.
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+)")
_BULLET = re.compile(r"^[\s•◦▪‣∙·*\-–—]+(?=\S)")


def _is_abbreviation(line: str, dot: int) -> bool:
    """True when the period at `dot` closes an abbreviation or an initial, not a sentence."""
    if line[dot] != ".":
        return False
    start = dot
    while start > 0 and not line[start - 1].isspace() and line[start - 1] not in "(\"'“‘":
        start -= 1
    word = line[start:dot].lower()
    if not word:
        return False
    if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
        return True
    # Dotted acronyms such as "U.S" keep their dots inside.
    return bool(re.fullmatch(r"(?:[a-z]\.)+[a-z]", word))


def _next_starts_sentence(line: str, pos: int) -> bool:
    """True when the text after `pos` looks like the start of a new sentence."""
    rest = line[pos:].lstrip()
    if not rest:
        return False
    first = rest[0]
    return first.isupper() or first.isdigit() or first in "\"'“‘([•$€£"


def _line_spans(text: str) -> Iterator[tuple[int, int]]:
    """Yield (start, end) of each logical line: a wrapped line whose next line starts in lower case continues."""
    start = 0
    for match in re.finditer(r"\n", text):
        before = text[start : match.start()].rstrip()
        after = text[match.end() :].lstrip(" \t")
        wrapped = bool(before) and before[-1] not in ".!?:;…" and after[:1].islower()
        if not wrapped:
            yield start, match.start()
            start = match.end()
    yield start, len(text)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a span to exclude surrounding whitespace and a leading bullet marker."""
    seg = text[start:end]
    bullet = _BULLET.match(seg)
    lead = bullet.end() if bullet else len(seg) - len(seg.lstrip())
    trail = len(seg) - len(seg.rstrip())
    return start + lead, end - trail


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Split text[start:end] into sentence spans; only a wrapped line (lower-case continuation) joins lines."""
    stop = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    for line_start, line_end in _line_spans(text[start:stop]):
        a, b = start + line_start, start + line_end
        line = text[a:b]
        cut = 0
        for match in _BOUNDARY.finditer(line):
            last = match.end() - 1
            while last > match.start() and line[last] not in ".!?…":
                last -= 1
            if _is_abbreviation(line, last) or not _next_starts_sentence(line, match.end()):
                continue
            spans.append((a + cut, a + match.end()))
            cut = match.end()
        spans.append((a + cut, b))
    trimmed = (_trim(text, s, e) for s, e in spans)
    return [(s, e) for s, e in trimmed if e > s]
