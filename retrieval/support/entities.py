"""Named entities (capitalised proper nouns) of a claim that the source never mentions."""

from __future__ import annotations

import re
from functools import lru_cache

from retrieval.lexicon import MONTH_NAMES, WEEKDAYS
from retrieval.terms import is_content_word

# A capitalised word (with inner dots, apostrophes, hyphens, ampersands) and a possessive ending: shared
# with the entity index of retrieval/kinds.
CAPITALISED = re.compile(r"(?<![\w&])[A-Z][\w&]*(?:[.'’\-][\w&]+)*")
_STARTERS = re.compile(r"(?:^|[.!?:;\"“(]\s*)$")
_DOTTED = re.compile(r"(?:[A-Z]\.)+[A-Z]?")
POSSESSIVE = re.compile(r"['’]s?$")
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
            # Words that open a question or claim before a name ("Besides Kimi K2.6, which …"): never names.
            "besides",
            "beyond",
            "unlike",
            "despite",
            "apart",
            "aside",
            "except",
            "alongside",
            "following",
            "according",
            "compared",
            "regarding",
            "including",
            "amid",
            # Adverbs that open a sentence before a name ("Even Ander Herrera is guilty …", "Soon Anne started
            # …"): a faithful CNN/DailyMail summary was flagged for "Even".
            "even",
            "soon",
            "still",
            "later",
            "meanwhile",
            "instead",
            "today",
            "yesterday",
            "tonight",
            "tomorrow",
            "perhaps",
            "maybe",
            "since",
            "yet",
            "finally",
            "eventually",
            "initially",
            "currently",
            "recently",
            "earlier",
            "previously",
            "sometimes",
            "often",
            "already",
            "together",
            "overall",
            "indeed",
            "thus",
            "hence",
        ]
    )
    | frozenset(WEEKDAYS)
    | frozenset(MONTH_NAMES)
)


# Abbreviations a source often spells out another way: the full name, the demonym, the capital.
_ALIASES: dict[str, tuple[str, ...]] = {
    "us": ("united states", "america", "washington"),
    "usa": ("united states", "america", "washington"),
    "uk": ("united kingdom", "britain", "british", "england", "english", "london", "scotland", "wales"),
    "eu": ("european union", "europe", "brussels"),
    "un": ("united nations",),
    "uae": ("united arab emirates", "emirati", "abu dhabi", "dubai"),
    # News writes "chief executive" without "officer" as often as "CEO".
    "ceo": ("chief executive",),
    "cfo": ("chief financial",),
    "coo": ("chief operating",),
}
_LINKS = r"(?:\s+(?:of|and|for|the|on|in|&)\s+|\s+|-)"


def proper_nouns(claim: str) -> list[str]:
    """Capitalised words used as names; a first word only when a name follows it or the claim is short."""
    words = list(CAPITALISED.finditer(claim))
    short = len(claim.split()) <= 4
    out: list[str] = []
    for i, m in enumerate(words):
        word = POSSESSIVE.sub("", m.group(0))
        lower = word.lower()
        dotted = _DOTTED.fullmatch(word) is not None
        if not dotted and (lower in _NOT_NAMES or not is_content_word(lower) or len(word) < 2):
            continue
        if _STARTERS.search(claim[: m.start()]) and not dotted:
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


@lru_cache(maxsize=4096)
def _expansion(letters: str) -> re.Pattern[str]:
    """Words whose initials spell an acronym: FDA matches "Food and Drug Administration"."""
    return re.compile(r"(?<![a-z0-9])" + _LINKS.join(re.escape(c) + r"[a-z]*" for c in letters) + r"(?![a-z0-9])")


def acronym_found(word: str, source_lower: str, source: str = "") -> bool:
    """True when the source names an acronym (dotted or not) by itself, its known alias or its expansion."""
    letters = word.replace(".", "").lower()
    if len(letters) < 2:
        return True
    dotted = ".".join(letters) + "."
    # Undotted forms are looked up with their case: "US" must not match the pronoun "us".
    if dotted in source_lower or re.search(r"(?<![\w.])" + re.escape(letters.upper()) + r"(?![\w])", source):
        return True
    if len(letters) >= 3 and re.search(r"(?<![a-z0-9])" + re.escape(letters) + r"(?![a-z0-9])", source_lower):
        return True
    if any(re.search(r"(?<![a-z])" + alias, source_lower) for alias in _ALIASES.get(letters, ())):
        return True
    # Two initials match too many word pairs by chance ("Ukraine's state" for US).
    return len(letters) >= 3 and _expansion(letters).search(source_lower) is not None


def absent(claim: str, source_lower: str, source: str = "") -> list[str]:
    """The claim's proper nouns (or a part of a hyphenated one) that the lower-cased source lacks.

    Abbreviations (U.S., FDA) count as present when the source spells them out or uses a known alias;
    pass the source with its case (`source`) so an undotted acronym is not matched by a plain word.
    """
    missing: list[str] = []
    for name in proper_nouns(claim):
        if _DOTTED.fullmatch(name) or (name.isupper() and name.isalpha() and len(name) <= 6):
            if not acronym_found(name, source_lower, source or source_lower):
                missing.append(name)
            continue
        parts = [p for p in re.split(r"[\-.’']", name.lower()) if len(p) >= 2] or [name.lower()]
        if any(_pattern(p).search(source_lower) is None for p in parts):
            missing.append(name)
    return missing
