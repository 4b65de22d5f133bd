"""Query facets: publishers and publication dates a question names, matched against what is indexed."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from retrieval.catalog import DocInfo
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


def query_publishers(query: str, publishers: Iterable[str]) -> list[str]:
    """The indexed publishers a query names, sorted."""
    found = set()
    for publisher in publishers:
        for name in _names(publisher):
            if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", query):
                found.add(publisher)
                break
    return sorted(found)


def query_facets(query: str, publishers: Iterable[str]) -> list[Facet]:
    """Every publisher and publication day the query names, each one facet."""
    return [Facet(publisher=p) for p in query_publishers(query, publishers)] + [Facet(day=d) for d in query_days(query)]
