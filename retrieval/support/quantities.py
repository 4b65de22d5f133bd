"""Numbers, quantities, identifiers and dates in a text, normalised so that equal values compare equal."""

from __future__ import annotations

import re
from collections.abc import Set
from dataclasses import dataclass
from typing import Literal

from retrieval.lexicon import MONTH_ABBREVIATIONS, MONTH_NAMES, WEEKDAYS

Kind = Literal["number", "date"]

_SCALE = {"thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9}
_SCALE |= {"b": 1e9, "trillion": 1e12, "tn": 1e12}
_WORDS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "hundred": 100,
    "dozen": 12,
    "dozens": 12,
    "hundreds": 100,
    "thousands": 1e3,
    "millions": 1e6,
    "billions": 1e9,
}
# A number word before a scale ("two million", "a billion", "half a million") is one value, as "2 million" is.
_COUNT_WORDS = "|".join(w for w in _WORDS if not w.endswith("s"))  # "thousands of millions" is no value
_SCALED_WORD = re.compile(rf"\b(half\s+a|an?|one|{_COUNT_WORDS})\s+(thousand|million|billion|trillion)\b", re.I)
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "tenth": 10}
# "may" is left out: as a word it is mostly the verb; "May 5" is caught by _MAY_DATE.
_MONTHS = [m for m in MONTH_NAMES if m != "may"] + list(MONTH_ABBREVIATIONS)
_DAYS = list(WEEKDAYS)
# News writes a scale glued to its number ("£29m", "$1.5bn", "29million"): read the same as "29 million". "k" and
# "b" glued on are left out ("10k race", "4B" model sizes are not money).
_GLUED_SCALES = "million|billion|trillion|bn|mn|tn|m"
_NUMBER = re.compile(
    r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?"
    rf"(?:({_GLUED_SCALES})(?![\w])|(?![\w])(?:\s*-?\s*(thousand|million|billion|trillion|bn|mn|tn|m|k|b)\b)?)",
    re.IGNORECASE,
)
# A number glued to a scale ("29m") or joined by a hyphen to a plain word ("40-yard", "43-year-old") is a
# quantity, not an identifier: it is read as its number, as "40 yards" is.
_NOT_IDENT = re.compile(rf"\d+(?:[.,]\d+)*(?:{_GLUED_SCALES})|\d+(?:\.\d+)?(?:-[a-z]+)+", re.IGNORECASE)
# Model names and codes such as 950PR, K2.6, V4, H200, GPT-4: letters and digits in one token.
_IDENT = re.compile(r"(?<![\w.])(?=[\w.\-]*\d)(?=[\w.\-]*[A-Za-z])[A-Za-z0-9][\w\-]*(?:\.\d+)?(?![\w])")
_WORD = re.compile(r"[A-Za-z]+")
_MAY_DATE = re.compile(r"\bMay\s+\d|\d\s+May\b")
# Durations in two bases (days, months) so "12 months" equals "one year"; "quarter" is left out ("fourth
# quarter" is a period, not a length) and so is "a year" (too often "per year" or "last year").
_UNITS = {"hour": ("d", 1 / 24), "day": ("d", 1), "week": ("d", 7), "month": ("m", 1), "year": ("m", 12)}
_UNITS |= {"decade": ("m", 120), "century": ("m", 1200), "centurie": ("m", 1200)}
_DURATION = re.compile(
    # An age ("43-year-old", "two years old") is a number, not a length of time: "Fahey, 43," states it.
    r"(?<![\w.])(\d+(?:\.\d+)?|[a-z]+)[\s-]+(hour|day|week|month|year|decade|centur(?:y|ie))s?(?![a-z])"
    r"(?![\s-]+old\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Quantity:
    """A value found in a text: its kind, a canonical key and the words it came from."""

    kind: Kind
    key: str
    text: str


def _number_key(value: float) -> str:
    """A canonical spelling of a value, so 6.8 billion and 6,800 million agree."""
    return f"{value:.4g}"


def _numbers(text: str) -> list[Quantity]:
    """Digit numbers with an optional scale word; plausible years count as dates."""
    out: list[Quantity] = []
    for m in _NUMBER.finditer(text):
        digits, frac, scale = m.group(1), m.group(2) or "", (m.group(3) or m.group(4) or "").lower()
        value = float(digits.replace(",", "") + frac) * _SCALE.get(scale, 1.0)
        if not scale and not frac and "," not in digits and len(digits) == 4 and 1800 <= value <= 2100:
            out.append(Quantity("date", f"year:{digits}", m.group(0)))
        else:
            out.append(Quantity("number", _number_key(value), m.group(0)))
    return out


def _words(text: str) -> list[Quantity]:
    """Number words, ordinals, month and weekday names."""
    out: list[Quantity] = []
    scaled: set[int] = set()  # where a number word and its scale were read as one value
    for m in _SCALED_WORD.finditer(text):
        count = m.group(1).lower()
        value = 0.5 if count.startswith("half") else 1.0 if count in ("a", "an", "one") else _WORDS[count]
        out.append(Quantity("number", _number_key(value * _SCALE[m.group(2).lower()]), m.group(0)))
        scaled |= set(range(m.start(), m.end()))
    for m in _WORD.finditer(text):
        word = m.group(0).lower()
        if m.start() in scaled:
            continue
        if word in _WORDS:
            out.append(Quantity("number", _number_key(_WORDS[word]), m.group(0)))
        elif word in _ORDINALS:
            out.append(Quantity("number", f"ord:{_ORDINALS[word]}", m.group(0)))
        elif word in _DAYS or (word in _MONTHS and m.group(0)[0].isupper()):
            out.append(Quantity("date", f"when:{word[:3]}", m.group(0)))
    if _MAY_DATE.search(text):
        out.append(Quantity("date", "when:may", "May"))
    return out


def _durations(text: str) -> list[Quantity]:
    """Lengths of time ("35 years", "one-month", "two decades") keyed by value and unit.

    A number can match the source while its unit does not ("30 years ago" against a source with "June
    30" and "35 years ago"): the duration key catches a value moved to another unit or another number.
    """
    out: list[Quantity] = []
    for m in _DURATION.finditer(text):
        count, unit = m.group(1).lower(), m.group(2).lower()
        value = float(count) if count[0].isdigit() else 1.0 if count == "one" else _WORDS.get(count)
        if value is None or count in ("hundreds", "thousands", "millions", "billions", "dozens"):
            continue
        base, factor = _UNITS[unit]
        out.append(Quantity("number", f"dur:{base}:{_number_key(value * factor)}", m.group(0)))
    return out


def quantities(text: str) -> list[Quantity]:
    """Every number, identifier with digits, ordinal, duration and date in a text."""
    found = _numbers(text) + _words(text) + _durations(text)
    for m in _IDENT.finditer(text):
        # The lookaheads see past the match: "1.5bn" would otherwise leave the identifier "1".
        token = m.group(0)
        if any(c.isalpha() for c in token) and not _NOT_IDENT.fullmatch(token):
            found.append(Quantity("number", "id:" + token.lower(), token))
    return found


def keys(text: str) -> set[str]:
    """The canonical keys of every quantity in a text."""
    return {q.key for q in quantities(text)}


def unmatched(claim: str, evidence_keys: Set[str]) -> list[Quantity]:
    """The claim's quantities whose value the evidence does not state."""
    return [q for q in quantities(claim) if q.key not in evidence_keys]
