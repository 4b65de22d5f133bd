"""Query facets: publishers and publication dates a question names, matched against what is indexed."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from retrieval.index.catalog import DocInfo
from retrieval.lexicon import MONTH_ABBREVIATIONS, MONTH_NAMES, month_number

_MONTH_RE = "|".join(sorted((*MONTH_NAMES, *MONTH_ABBREVIATIONS), key=len, reverse=True))
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_DATE = re.compile(
    r"\b(\d{4})-(\d{2})-(\d{2})\b"  # 2023-11-24
    rf"|\b({_MONTH_RE})\.?\s+{_DAY}\b(?:,?\s+(\d{{4}})\b)?"  # November 24(th)(, 2023)
    rf"|\b{_DAY}\s+(?:of\s+)?({_MONTH_RE})\b\.?(?:,?\s+(\d{{4}})\b)?",  # 24(th) (of) November (2023)
    re.IGNORECASE,
)
# Publisher names are matched whole and case-sensitively ("Fortune" the magazine, not "fortune");
# a name's part before " - " or " | " counts too: queries say "The Independent" for
# "The Independent - Life and Style". Parts shorter than this are too ambiguous to match.
_MIN_NAME = 3
_WORD = re.compile(r"\w")


@dataclass(frozen=True)
class Facet:
    """A publisher or a publication day named in a query (day: 'YYYY-MM-DD', or '-MM-DD' without a year)."""

    publisher: str | None = None
    day: str | None = None

    def matches(self, info: DocInfo) -> bool:
        """True when the document has this publisher or was published on this day."""
        if self.publisher is not None:
            return info.origin == self.publisher
        if self.day is None or not info.date:
            return False
        return info.date.endswith(self.day) if self.day.startswith("-") else info.date == self.day


def _month(word: str) -> int:
    """The month a matched name stands for (the pattern admits only month words)."""
    number = month_number(word)
    assert number is not None
    return number


# Longest month lengths (February 29 exists in some year): a pair without a year is checked against these.
_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _valid(month: int, day: int) -> bool:
    """A day that exists in some year ("Sept 31" does not)."""
    return 1 <= month <= 12 and 1 <= day <= _MONTH_DAYS[month - 1]


def query_days(query: str) -> list[str]:
    """The publication days a query names, in order, without repeats."""
    days: list[str] = []
    for m in _DATE.finditer(query):
        if m.group(1):
            year, month, day = m.group(1), int(m.group(2)), int(m.group(3))
        elif m.group(4):
            year, month, day = m.group(6), _month(m.group(4)), int(m.group(5))
        else:
            year, month, day = m.group(9), _month(m.group(8)), int(m.group(7))
        if _valid(month, day):
            days.append(f"{year or ''}-{month:02d}-{day:02d}")
    return list(dict.fromkeys(days))


def _names(publisher: str) -> set[str]:
    """The ways a query may name a publisher: in full, or the part before a ' - ' or ' | ' suffix."""
    names = {publisher.strip()}
    for separator in (" - ", " | "):
        if separator in publisher:
            names.add(publisher.split(separator)[0].strip())
    return {n for n in names if len(n) >= _MIN_NAME}


@dataclass(frozen=True)
class _Matcher:
    """Every publisher name in one pattern, and what each name stands for."""

    pattern: re.Pattern[str]
    owners: dict[str, tuple[str, ...]]  # name -> the publishers it names
    prefixes: dict[str, tuple[str, ...]]  # name -> shorter names it starts with ("The Independent")


@lru_cache(maxsize=4)
def _matcher(publishers: tuple[str, ...]) -> _Matcher:
    """The matcher of a publisher list (cached: the list changes only when the index does)."""
    # One scan of the query instead of a search per name: with thousands of publishers the
    # per-name searches overflow re's pattern cache and cost tens of milliseconds per query.
    owners: dict[str, list[str]] = {}
    for publisher in publishers:
        for name in _names(publisher):
            owners.setdefault(name, []).append(publisher)
    names = sorted(owners, key=lambda n: (-len(n), n))
    # At each word start the lookahead captures the longest name ending at a word boundary; a
    # shorter name there is a prefix of it, checked from `prefixes`.
    alternatives = "|".join(re.escape(n) for n in names) or r"(?!)"
    pattern = re.compile(rf"(?<!\w)(?=({alternatives})(?!\w))")
    prefixes = {n: tuple(m for m in names if len(m) < len(n) and n.startswith(m)) for n in names}
    return _Matcher(pattern, {n: tuple(o) for n, o in owners.items()}, prefixes)


def query_publishers(query: str, publishers: Iterable[str]) -> list[str]:
    """The indexed publishers a query names (whole names, case-sensitive), sorted."""
    matcher = _matcher(tuple(publishers))
    found: set[str] = set()
    for m in matcher.pattern.finditer(query):
        name = m.group(1)
        found.update(matcher.owners[name])
        for shorter in matcher.prefixes[name]:
            if not _WORD.match(query, m.start() + len(shorter)):
                found.update(matcher.owners[shorter])
    return sorted(found)


def query_facets(query: str, publishers: Iterable[str]) -> list[Facet]:
    """Every publisher and publication day the query names, each one facet."""
    return [Facet(publisher=p) for p in query_publishers(query, publishers)] + [Facet(day=d) for d in query_days(query)]
