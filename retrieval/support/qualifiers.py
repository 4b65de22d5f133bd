"""What a question asks of its answer beyond its type: a rank, a version, a frequency, a per-unit figure, a person,
another than the item it excludes, the members of a kind it names, a response, a comparison.

A near-miss question often names the right entity and topic and qualifies the fact it wants in a way the
brief never meets: "Which model ranks third …?" against "V4 Pro ranks second", "Which side prevailed most
often …?" against a sentence with no frequency, "How much does each robot cost?" against a total, "Which
Huawei executive presented …?" against a sentence naming only companies and models, "Besides Huawei, which
chipmakers …?" against a sentence about Huawei alone, "Which three frontier models …?" against "between three
frontier models". Each check here reads
one such qualifier; the sentence (and, for a rank, the text just before it) must meet it.
"""

from __future__ import annotations

import re

_ORDINAL_WORDS = ("second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")
_ORDINAL_FIGURES = {w: f"{n}{'nd' if n == 2 else 'rd' if n == 3 else 'th'}" for n, w in enumerate(_ORDINAL_WORDS, 2)}
# "first" is left out: "the first to …" is met by "pioneered" as often as by "first". "a second", "per second"
# and "seconds" are time; a "third country" or "third party" is an outsider, not a rank.
_RANK = re.compile(
    rf"(?<!\bper )(?<!\ba )(?<!\beach )\b({'|'.join(_ORDINAL_WORDS)}|(?:[2-9]|10)(?:st|nd|rd|th))\b(?!s\b)"
    r"(?![\s-]+(?:country|countries|part(?:y|ies)|world|person|generation)\b)",
    re.IGNORECASE,
)
# "Where does Qwen rank …?" asks for a rank: a sentence with no position or comparison does not give one.
_RANK_QUESTION = re.compile(
    r"^\s*where\s+(?:does|did|do|is|was|are|were)\b.*\b(?:rank(?:s|ed)?|placed|finish(?:ed)?)\b", re.IGNORECASE
)
_POSITION = re.compile(
    rf"\b(?:first|{'|'.join(_ORDINAL_WORDS)}|\d+(?:st|nd|rd|th)|top|bottom|last"
    r"|lead(?:s|ing)?|ahead|behind|trail\w*|rank\w*|place[ds]?|highest|lowest)\b|\bNo\.\s?\d|#\d",
    re.IGNORECASE,
)
# "most often", and "most" as an adverb ("which model did labs rely on most for distillation?"), ask which one
# is the most frequent or the most relied on: the sentence must compare or count.
_FREQUENCY_QUESTION = re.compile(
    r"\bmost\s+(?:often|frequently)\b"
    r"|\bmost\s*(?:\?|$|(?=(?:for|in|to|on|at|by|with|when|during|among|across|since)\b))",
    re.IGNORECASE,
)
_FREQUENCY = re.compile(
    r"\b(?:most|mostly|more|frequent\w*|common\w*|often|usually|majority|predominant\w*|primar\w*|typical\w*"
    r"|main|mainly|chief|chiefly|largest|largely|heaviest|heavily|highest|greatest|best|leading|top|times|every|always)\b",
    re.IGNORECASE,
)
# "How much does each robot cost?" asks a per-unit figure: a total ("a 6.8 billion yuan commitment") is none.
_PER_UNIT_QUESTION = re.compile(r"\b(?:each|per|apiece)\b", re.IGNORECASE)
_PER_UNIT = re.compile(r"\b(?:each|per|every|apiece|a\s+(?:piece|unit|head))\b|/", re.IGNORECASE)
# "Which Huawei executive …?" asks for a person: a sentence that names only companies and models answers
# another question. A person is written as two capitalised words or more ("Michael Kratsios"), or a name and a
# regnal number ("Henry IV").
# People named by their role; `answerability` asks these for a name too ("Which Pentagon official …?").
PERSON_ROLES = (
    r"officials?|executives?|ministers?|spokes(?:man|men|woman|women|person|people)|senators?|lawmakers?"
    r"|scientists?|researchers?|economists?|analysts?|journalists?|founders?|professors?|engineers?"
)
_PERSON_QUESTION = re.compile(
    r"^\s*(?:(?:in|from|to|by|with|for|of|at)\s+)?(?:what|which)\s+"
    # The role is the asked noun or its head ("which Huawei executive"), not the subject of a verb after it
    # ("What tactic did researchers employ …?").
    r"(?:(?!(?:did|does|do|is|was|are|were|has|have|had)\b)[\w-]+\s+){0,2}?"
    rf"(?:{PERSON_ROLES}|ceos?|chairm[ae]n|inventors?|authors?)\b(?!['’])",
    re.IGNORECASE,
)
_PERSON = re.compile(
    r"\b(?!(?:The|A|An|In|On|At|For|By|With|From|This|That|These|Those|As|But|And|Its|His|Her|Their|After|Before"
    r"|During|While|When|If|According|Under|Over|Since|Until)\b)"
    r"[A-Z][a-z]+(?:\s+(?:[A-Z]\.|de|van|von|da|di|du|la|le|bin|al))*\s+(?:[A-Z][a-z]+|[IVX]+\b)"
)


# "Which version of Claude …?" asks for an identifier ("Claude 3.5", "V4"): a sentence naming only "Claude" has none.
_VERSION_QUESTION = re.compile(
    r"^\s*(?:(?:in|from|to|by|with|for|of|at|on)\s+)?(?:which|what)\s+(?:(?!the\b)[\w-]+\s+){0,2}?"
    r"(?:version|edition|generation|release|iteration|variant|model\s+number)s?\b",
    re.IGNORECASE,
)
_IDENTIFIER = re.compile(r"\b[\w.-]*\d[\w.-]*\b")


# The words that set items aside: "besides X", "other than X", "alongside X".
_SETTING_ASIDE = r"besides|other\s+than|apart\s+from|aside\s+from|in\s+addition\s+to|alongside"
# "Alongside model distillation and hardware sovereignty, what third focus …?" counts the items the question
# lists, it asks for no rank (holdout26, read): after these openings an ordinal is no qualifier.
_ENUMERATING = re.compile(rf"^\s*(?:{_SETTING_ASIDE}|beyond|as\s+well\s+as)\b", re.IGNORECASE)

# "Besides Huawei, which chipmakers …?" asks for others of a kind the question names one of: a sentence that has
# the excluded item alone ("Huawei announced …") names no other; one that lists it ("DeepSeek, MiniMax, and
# Moonshot", "regional militaries and allies") may. "Beyond" is left out: "beyond chips to model weights" extends
# the item rather than listing beside it. Only the excluded items the sentence states word for word are read.
_EXCLUDING = re.compile(rf"\b(?:{_SETTING_ASIDE})\s+(?P<items>[^,?]+?)\s*[,?]", re.IGNORECASE)
# "Which other state-owned enterprises plan deployments similar to State Grid's?" sets State Grid aside as well.
_OTHER_LIKE = re.compile(
    r"^\s*(?:which|what)\s+other\b[^?]*?\b(?:similar\s+to|like)\s+(?P<items>[^,?]+?)\s*[,?]", re.IGNORECASE
)
_ITEM_SPLIT = re.compile(r"\s*,\s*|\s+(?:and|or)\s+", re.IGNORECASE)
# Before the item, a conjunction may stand a few words off ("US frontier closed models and domestic rival Kimi").
_LISTED_BEFORE = re.compile(r"(?:\b(?:and|or)\s+(?:[\w-]+\s+){0,2}|(?:,|&|/)\s*(?:the\s+)?)$", re.IGNORECASE)
# A comma after the item lists it only when another item follows ("DeepSeek, MiniMax, and …", "chips, models and
# data"), not when a clause goes on ("covered by War on the Rocks, finds that …").
_LISTED_AFTER = re.compile(
    r"^(?:['’]s)?\s*(?:,\s*(?:and\b|or\b|[A-Z0-9]|[\w-]+(?:\s+[\w-]+){0,2}\s*(?:,|\band\b|\bor\b))|and\b|or\b|&|/)"
)


def alone(question: str, sentence: str) -> str | None:
    """The item a question excludes ("besides X") when the sentence states it, but in no list with another."""
    m = _EXCLUDING.search(question) or _OTHER_LIKE.search(question)
    if m is None:
        return None
    items = [re.sub(r"['’]s$", "", i.strip(" '\"‘’“”")) for i in _ITEM_SPLIT.split(m.group("items"))]
    found = [
        (f.start(), f.end())
        for item in items
        if item
        for f in re.finditer(rf"(?<!\w){re.escape(item)}(?!\w)", sentence, re.IGNORECASE)
    ]
    if not found or any(
        _LISTED_BEFORE.search(sentence[max(0, a - 40) : a]) or _LISTED_AFTER.match(sentence[b : b + 40])
        for a, b in found
    ):
        return None
    return re.sub(r"['’]s$", "", m.group("items").strip())


# "Which three frontier models took part …?" asks to name the members of a kind: a sentence that only restates
# the kind ("… between three frontier models") names none. Read: the two or more words after "which" that the
# sentence repeats, where no name stands just before them and no list or name follows them ("three frontier
# models — GPT-5, Claude …", "the Chinese company Huawei").
_WHICH = re.compile(r"^\s*(?:(?:in|from|to|by|with|for|of|at|on)\s+)?which\s+(?P<rest>.+)", re.IGNORECASE)
_VERB_OR_AUX = re.compile(
    r"^(?:did|does|do|is|was|are|were|has|have|had|can|could|will|would|should|might|may|must)$", re.IGNORECASE
)
_KIND_WORD = re.compile(r"^[A-Za-z][a-z-]*$")
# After the kind, what names or narrows it: a list or a name ("such as", "— GPT-5, Claude", ", whether the US,
# China …"), or a phrase that specifies it ("a pattern of embedding AI …", "operators in sensitive locations").
_LISTING = r"such\s+as|including|like|namely|e\.g\.|[A-Z0-9]"
_SPECIFYING = r"of|in|at|on|from|with|for|who|that|which|whose|based|located|across|under|within|near|whether"
_NAMED_AFTER = re.compile(
    rf"^\s*(?:[:(—–]|-\s|,\s*(?:[\w-]+\s+){{0,2}}(?:{_LISTING})|(?:{_LISTING})|(?:{_SPECIFYING})\b)"
)
# A name just before ("Huawei's Ascend 950PR and 950DT chips", "Huawei, the Chinese company"): a token with a
# capital, up to two words back; a bare figure ("21 matchups between …") is none, nor the sentence's first word
# unless it reads as a name ("Huawei,", "Huawei's", "OpenAI").
_NAME_BEFORE = re.compile(r"(?:\s\S*[A-Z][\w.&-]*|^\S*[A-Z]\S*(?:['’]s|,|[A-Z0-9]\S*))(?:['’]s)?,?(?:\s+\S+){0,2}\s*$")
# The words a bare kind follows: an article, a preposition, a conjunction, a quantifier, a copula.
_BARE_BEFORE = re.compile(
    r"^(?:the|an?|and|or|of|in|on|for|with|by|from|to|at|across|among|between|these|those|such|some|several"
    r"|many|other|all|both|its|their|his|her|are|is|were|was|that|as)?$"
)
KIND_REACH = 5


def restated_kind(question: str, sentence: str) -> str | None:
    """The kind a "which" question asks to name ("three frontier models") when the sentence only restates it."""
    m = _WHICH.match(question)
    if m is None:
        return None
    words: list[str] = []
    for w in m.group("rest").split()[:KIND_REACH]:
        # A past tense ends the kind: "Which side prevailed …?" is answered by "the escalating side prevailed".
        if _VERB_OR_AUX.match(w) or not _KIND_WORD.match(w) or w.endswith("ed"):
            break
        words.append(w)
    for start in range(min(2, len(words))):
        for end in range(len(words), start + 1, -1):
            kind = " ".join(words[start:end])
            if _BARE_BEFORE.match(words[end - 1].lower()):  # "part of a": no kind ends in a function word
                continue
            for f in re.finditer(rf"(?<![\w-]){re.escape(kind)}(?![\w-])", sentence, re.IGNORECASE):
                before = sentence[: f.start()]
                # A word that narrows the kind may be the answer: "the escalating side", "nuclear-adjacent
                # decision systems". Only a kind as bare as the question's is restated.
                last = before.split()[-1].lower() if before.split() else ""
                if not _BARE_BEFORE.match(last) or _NAME_BEFORE.search(before):
                    return None
                if _NAMED_AFTER.match(sentence[f.end() :]):
                    return None
                return kind
    return None


# "How did Moonshot AI react to Kimi K2.6 outranking DeepSeek V4 Pro?" asks for a response: a sentence stating
# only what it responds to gives none. A response is said ("responded", "in response", "pushed back") or done
# ("acted increasingly aggressively to force the Huguenots to convert": SQuAD's "How did the new king react …?").
_RESPONSE_QUESTION = re.compile(
    r"^\s*how\s+(?:did|does|do|has|have|had|was|were|will|would|is|are)\b.*\b(?:respond|react|repl(?:y|ied)|retaliat)",
    re.IGNORECASE,
)
_RESPONSE = re.compile(
    r"\b(?:respon\w*|react\w*|repl(?:y|ied|ies)|retaliat\w*|counter(?:ed|ing|s)?|rebuff\w*|reject\w*|den(?:y|ied|ies)"
    r"|dismiss\w*|welcom\w*|condemn\w*|push(?:ed|es|ing)?\s+back|in\s+turn|act(?:ed|s|ing)?|moved\s+to|took\s+steps)\b",
    re.IGNORECASE,
)


# "How does the Ascend 950DT's throughput compare with Nvidia's H100?" and "How fast is MatX's chip compared with
# the H200?" ask for a comparison: a sentence naming both with no comparative word gives none.
_COMPARISON_QUESTION = re.compile(r"^\s*how\b.*\b(?:compare[sd]?|differs?|stacks?\s+up)\b", re.IGNORECASE)
_COMPARATIVE = re.compile(
    r"\b(?:than|compar\w*|versus|vs\.?|outperform\w*|outpac\w*|ahead|behind|trail\w*|rival\w*|match\w*|parity"
    r"|equal\w*|equivalent|similar\w*|unlike|whereas|differ\w*|distinct|twice|times|half|faster|slower|better"
    r"|worse|higher|lower|more|less|fewer)\b|\w+er\s+than\b|%",
    re.IGNORECASE,
)


# What a question asks that the sentence must show in words of its own: (question, sentence, reason when not).
_ASKED_OF_THE_SENTENCE = (
    (_RANK_QUESTION, _POSITION, "no rank"),
    (_FREQUENCY_QUESTION, _FREQUENCY, "no frequency"),
    (_COMPARISON_QUESTION, _COMPARATIVE, "no comparison"),
    (_RESPONSE_QUESTION, _RESPONSE, "no response"),
)


def _ranks(text: str) -> set[str]:
    """The ranks a text states, each spelt as its word ("3rd" and "third" are one rank)."""
    out = set()
    for m in _RANK.finditer(text):
        word = m.group(1).lower()
        out.add(next((w for w, f in _ORDINAL_FIGURES.items() if f == word), word))
    return out


def unmet(question: str, sentence: str, before: str = "", numeric: bool = False) -> str | None:
    """Why the sentence does not meet a qualifier of the question ("no third rank"), or None when it does.

    `numeric` is True when the question asks for an amount or count (a per-unit figure only qualifies those).
    """
    ranks: set[str] = set() if _ENUMERATING.search(question) else _ranks(question)
    missing = ranks - _ranks(f"{before} {sentence}")
    if missing:
        return f"no {sorted(missing)[0]} rank"
    if _VERSION_QUESTION.search(question):
        given = set(_IDENTIFIER.findall(question))
        if all(t in given for t in _IDENTIFIER.findall(sentence)):
            return "no version"
    for asks, gives, reason in _ASKED_OF_THE_SENTENCE:
        if asks.search(question) and not gives.search(sentence):
            return reason
    if numeric and _PER_UNIT_QUESTION.search(question) and not _PER_UNIT.search(sentence):
        return "no per-unit figure"
    kind = restated_kind(question, sentence)
    if kind:
        return f"names no {kind}"
    excluded = alone(question, sentence)
    if excluded:
        return f"nothing besides {excluded}"
    if _PERSON_QUESTION.search(question):
        asked = question.lower()
        people = [m.group(0) for m in _PERSON.finditer(sentence)]
        if not any(any(w.lower() not in asked for w in p.split() if w[0].isupper()) for p in people):
            return "no person's name"
    return None
