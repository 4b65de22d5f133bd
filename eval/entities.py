"""Named entities (capitalised proper nouns) of a claim that the source never mentions."""

from __future__ import annotations

import re
from functools import lru_cache

from eval.quantities import MONTH_NAMES, WEEKDAYS
from retrieval.terms import is_content_word

_CAPITALISED = re.compile(r"(?<![\w&])[A-Z][\w&]*(?:[.'’\-][\w&]+)*")
_STARTERS = re.compile(r"(?:^|[.!?:;\"“(]\s*)$")
_DOTTED = re.compile(r"(?:[A-Z]\.)+[A-Z]?")
_POSSESSIVE = re.compile(r"['’]s?$")
# Capitalised words that are not names: titles, calendar words (dates are checked on their own).
_NOT_NAMES = (
    frozenset(
        [
            "i",
            "mr",
            "mrs",
            "ms",
            "dr",
            "the",
            "a",
            "an",
            "it",
            "this",
            "that",
            "these",
            "those",
            "he",
            "she",
            "they",
            "we",
            "you",
            "his",
            "her",
            "their",
            "its",
            "our",
        ]
    )
    | frozenset(WEEKDAYS)
    | frozenset(MONTH_NAMES)
)


def proper_nouns(claim: str) -> list[str]:
    """Capitalised words used as names; a first word only when a name follows it or the claim is short."""
    words = list(_CAPITALISED.finditer(claim))
    short = len(claim.split()) <= 4
    out: list[str] = []
    for i, m in enumerate(words):
        word = _POSSESSIVE.sub("", m.group(0))
        lower = word.lower()
        # Dotted abbreviations (U.K., U.S.) name places the source often spells out differently.
        if lower in _NOT_NAMES or not is_content_word(lower) or len(word) < 2 or _DOTTED.fullmatch(word):
            continue
        if _STARTERS.search(claim[: m.start()]):
            nxt = words[i + 1] if i + 1 < len(words) else None
            follows = nxt is not None and claim[m.end() : nxt.start()].strip() == ""
            if not (short or follows):
                continue
        out.append(word)
    return out


@lru_cache(maxsize=4096)
def _pattern(word: str) -> re.Pattern[str]:
    """A word-start pattern that tolerates inflection: Ukrainian matches Ukraine, Chinese matches China."""
    stem = word if len(word) <= 4 else word[: max(4, len(word) - 3)]
    return re.compile(r"(?<![a-z0-9])" + re.escape(stem))


def absent(claim: str, source_lower: str) -> list[str]:
    """The claim's proper nouns (or a part of a hyphenated one) that the lower-cased source lacks."""
    missing: list[str] = []
    for name in proper_nouns(claim):
        parts = [p for p in re.split(r"[\-.’']", name.lower()) if len(p) >= 2] or [name.lower()]
        if any(_pattern(p).search(source_lower) is None for p in parts):
            missing.append(name)
    return missing
