"""Rules that tell what a question asks for: a fact, metadata, names across briefs, a list, a comparison, a reason."""

from __future__ import annotations

import re

from retrieval.answer import QuestionKind

_BRIEF = r"(?:briefs?|reports?|documents?|articles?)"
# Asking two briefs side by side; "which briefs mention" is aggregation, not comparison.
_COMPARISON = re.compile(
    r"\b(?:compare[sd]?|comparing|comparison|contrast(?:s|ing)?|differ(?:s|ent|ently|ence|ences)?|versus|vs\.?"
    r"|side by side|each say|(?:both|two|the) " + _BRIEF + r" (?:agree|disagree))\b",
    re.IGNORECASE,
)
# Names counted across briefs: which briefs name X, what both/all briefs mention, what is named most often.
_AGGREGATION = re.compile(
    r"\b(?:which|what) " + _BRIEF + r"\b"
    r"|\b(?:both|all|every|each of the|all the|across the|more than one) (?:two |\w+ )?" + _BRIEF + r"\b"
    r"|\bin (?:both|all|every) " + _BRIEF + r"?"
    r"|\bmost (?:often|frequently|mentioned|named|cited)\b|\bhow (?:many|often) times\b",
    re.IGNORECASE,
)
# What a brief says about itself rather than its subject: dates, sources, title, publisher, sections.
_METADATA = re.compile(
    r"\b(?:last updated|updated|update date|published|publication date|publishe[rs]|dated|date of"
    r"|(?<!-)sources?(?!-)|title[ds]?|called|named|headings?|sections?)\b",
    re.IGNORECASE,
)
_NAMES_BRIEF = re.compile(r"\b" + _BRIEF + r"\b", re.IGNORECASE)
_WHY = re.compile(
    r"^\s*(?:why\b|how (?!many\b|much\b|large\b|long\b|old\b|big\b|far\b|often\b|high\b|fast\b|soon\b)\w+\b"
    r"|what (?:explains|drives|caused|causes|is the reason|are the reasons)\b|for what reason\b)",
    re.IGNORECASE,
)
# A question asking for several items: an explicit "list", or a plural noun that names a set of items.
_LIST = re.compile(
    r"\b(?:list(?:s|ed)?|enumerate[sd]?)\b"
    r"|^\s*(?:which|what)(?: \w+)?(?: \w+)? (?:domains|tasks|risks|implications|outcomes|takeaways|kinds|types|areas"
    r"|sectors|steps|factors|ways|examples|roles|applications|uses|measures|lessons|benefits|challenges"
    r"|consequences|recommendations|goals|components|capabilities)\b",
    re.IGNORECASE,
)


def classify(question: str) -> QuestionKind:
    """The kind of a question, by rules checked from the most to the least specific cue."""
    q = " ".join(question.split())
    if _COMPARISON.search(q):
        return "comparison"
    if _AGGREGATION.search(q):
        return "aggregation"
    if _NAMES_BRIEF.search(q) and _METADATA.search(q) and not _WHY.search(q):
        return "metadata"
    if _WHY.search(q):
        return "why"
    if _LIST.search(q):
        return "list"
    return "lookup"
