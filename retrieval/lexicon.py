"""Calendar words shared by date parsing, sentence splitting and the judge's checks (one spelling of each)."""

from __future__ import annotations

MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
# Abbreviations as written before a day ("Sept. 5"); "may" has none.
MONTH_ABBREVIATIONS = ("jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def month_number(word: str) -> int | None:
    """1-12 for a month name or abbreviation (any case, trailing dot allowed), else None."""
    w = word.lower().rstrip(".")
    if w in MONTH_NAMES:
        return MONTH_NAMES.index(w) + 1
    if w == "sept":
        return 9
    return next((i + 1 for i, name in enumerate(MONTH_NAMES) if name[:3] == w), None)
