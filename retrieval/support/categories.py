"""Closed word classes (colours, sexes, kin, roles, orientations, compass points, seasons, landforms): swaps."""

from __future__ import annotations

import itertools
import re
from collections.abc import Set

# Each class lists mutually exclusive groups; words within a group mean the same (gay, homosexual).
# A claim word of a class that the source never uses, while the source uses another group of the same
# class, is a swap (yellow -> white, founder -> co-founder): a paraphrase rarely changes such a word.
_CLASSES: tuple[tuple[frozenset[str], ...], ...] = tuple(
    tuple(frozenset(group.split()) for group in groups)
    for groups in [
        [
            "red", "orange", "yellow", "green", "blue", "purple violet", "pink", "brown",
            "black", "white", "grey gray", "gold golden", "silver",
        ],
        ["man men male males boy boys gentleman", "woman women female females girl girls lady"],
        [
            "husband", "wife", "son sons", "daughter daughters", "brother brothers", "sister sisters",
            "father dad", "mother mom mum", "uncle", "aunt", "nephew", "niece", "grandfather", "grandmother",
            "grandson", "granddaughter", "cousin",
        ],
        [
            "founder founders", "co-founder co-founders cofounder", "ceo chief-executive",
            "cfo chief-financial", "coo chief-operating", "chairman chairwoman", "president", "vice-president",
        ],
        ["gay homosexual", "lesbian", "bisexual", "heterosexual", "transgender"],
        [
            "north northern", "south southern", "east eastern", "west western",
            "northeast north-east northeastern", "northwest north-west northwestern",
            "southeast south-east southeastern", "southwest south-west southwestern",
        ],
        ["summer", "winter", "autumn", "spring"],
        [
            "cliff cliffs clifftop clifftops cliff-top", "beach beaches", "hill hills hilltop hillside",
            "mountain mountains", "river rivers", "lake lakes", "island islands", "valley", "forest forests",
            "desert", "ocean sea",
        ],
    ]
)  # fmt: skip
_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")


def words(text: str) -> frozenset[str]:
    """Lower-cased words of a text, hyphenated compounds whole and in parts, and word pairs joined by a
    hyphen (so "chief executive" in a source matches the group of "CEO")."""
    found = _WORD.findall(text.lower())
    out: set[str] = set(found)
    for w in found:
        if "-" in w:
            out.update(w.split("-"))
    out.update(f"{a}-{b}" for a, b in itertools.pairwise(found))
    return frozenset(out)


def swapped(claim: str, source_words: Set[str]) -> list[str]:
    """Claim words of a closed class that the source never uses, where the source uses another member."""
    claim_words = {w for w in _WORD.findall(claim.lower())}
    out: list[str] = []
    for groups in _CLASSES:
        used = [g for g in groups if g & source_words]
        for word in sorted(claim_words):
            group = next((g for g in groups if word in g), None)
            if group is not None and not group & source_words and used:
                out.append(word)
    return out
