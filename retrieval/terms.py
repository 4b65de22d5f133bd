"""Terms for lexical matching: tokenise, drop stop and question words, light stemming."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache

_TOKEN = re.compile(r"[a-z0-9]+(?:[.'’\-][a-z0-9]+)*")
_STOP = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "whose",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "one",
        "ones",
        "according",
    ]
)
# Words that shape a question about the corpus rather than name what it is about.
_QUESTION_WORDS = frozenset(
    [
        "brief",
        "briefs",
        "corpus",
        "document",
        "documents",
        "source",
        "sources",
        "article",
        "articles",
        "report",
        "reports",
        "reported",
        "say",
        "says",
        "said",
        "mention",
        "mentions",
        "mentioned",
        "describe",
        "describes",
        "described",
        "frame",
        "frames",
        "framed",
        "framing",
        "differ",
        "differs",
        "differently",
        "different",
        "difference",
        "compare",
        "compared",
        "comparison",
        "discuss",
        "discusses",
        "discussed",
        "tell",
        "tells",
        "explain",
        "explains",
        "give",
        "gives",
        "given",
        "kind",
        "cite",
        "cited",
        "example",
        "name",
        "named",
        "list",
        "much",
        "many",
    ]
)
# "the two briefs", "both documents": counts that refer to the corpus, not to the topic.
_CORPUS_PHRASE = re.compile(
    r"\b(?:two|three|both|all|each|these|those|the)\s+(?:briefs?|documents?|sources?|articles?|reports?)\b",
    re.IGNORECASE,
)
# "according to the conclusion", "what does the top line say …": where in a brief the asker read it, not what it
# says (a section's name is rarely in the sentence that answers, and the answer model never saw such words).
_SOURCE = (
    r"(?:the|this|its)\s+(?:brief['’]?s?\s+|Big\s+Picture\s+)?(?:conclusion|overview|key\s+takeaways|takeaways"
    r"|implications|top\s+line|summary|heading|brief|briefs|report|memo|analysis|article|document)"
)
_WHERE_SAID = (
    re.compile(rf",?\s*\baccording\s+to\s+{_SOURCE}\b,?", re.IGNORECASE),
    re.compile(rf"\b(?:does|did|do)\s+{_SOURCE}\s+(?:say|suggest|note|expect|claim)\s+(?:that\s+)?", re.IGNORECASE),
    re.compile(rf"\b{_SOURCE}\s+(?:says|said|notes|suggests)\s+(?:that\s+)?", re.IGNORECASE),
)


def what_is_asked(question: str) -> str:
    """The question without where its asker says the answer is: "What does the brief say the Global South's
    exposure ends up creating?" asks "What the Global South's exposure ends up creating?"."""
    for pattern in _WHERE_SAID:
        question = pattern.sub(" ", question)
    return " ".join(question.split()).replace(" ?", "?")


# Derivational endings stripped once, after the plural; agentive -er is kept (partner, parameter).
_SUFFIXES = ("ational", "ation", "ments", "ment", "ship", "ness", "ings", "ing", "edly", "ed", "ly", "ity")


def singular(word: str) -> str:
    """A plural's singular, roughly: "substations" -> "substation", "companies" -> "company", "boxes" -> "box"."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("es") and word[:-2].endswith(("s", "x", "z", "ch", "sh")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def stem(word: str) -> str:
    """A light stemmer: enough to match committed/commitment, airline/airlines, partner/partnerships."""
    if any(ch.isdigit() for ch in word) or len(word) <= 3:
        return word
    w = singular(word)
    for suffix in _SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= 4:
            w = w[: -len(suffix)]
            break
    if w.endswith("e") and len(w) > 4:
        w = w[:-1]
    # Undo doubled consonants: committ -> commit, plann -> plan.
    if len(w) > 4 and w[-1] == w[-2] and w[-1] not in "lsz":
        w = w[:-1]
    return w


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens, keeping figures such as '6.8', 'k2.6', 'day-zero'."""
    return _TOKEN.findall(text.lower().replace("’", "'"))


def is_content_word(token: str) -> bool:
    """True for a token that names what a question is about (not a stop or question-shaping word)."""
    return token not in _STOP and token not in _QUESTION_WORDS


# What makes a text a question rather than an instruction ("Lithography export licensing and China"): a question
# mark, a wh-word anywhere ("Trevor Nunn has directed what show"), or a leading auxiliary ("Are both genera …").
_ASKS = re.compile(
    r"\?\W*$|\b(?:what|which|who|whom|whose|when|where|why|how)\b"
    r"|^\W*(?:is|are|was|were|do|does|did|can|could|should|would|will|has|have|had)\b",
    re.IGNORECASE,
)


def is_question(text: str) -> bool:
    """True when the text asks something (a question), False for an instruction or a topic."""
    return bool(_ASKS.search(text.strip()))


def query_words(text: str) -> list[str]:
    """The unstemmed content words of a question, for a full-text (BM25) query."""
    words = tokens(_CORPUS_PHRASE.sub(" ", text))
    return [w.removesuffix("'s") for w in words if is_content_word(w.removesuffix("'s"))]


def _bare(token: str) -> str:
    """A token without its possessive ending."""
    return token.removesuffix("'s").removesuffix("'")


@lru_cache(maxsize=65536)
def _term(token: str) -> str | None:
    """The stemmed term of one token, or None for a stop word (cached: passages repeat their words)."""
    token = _bare(token)
    return stem(token) if token and token not in _STOP else None


def content_terms(text: str, drop_question_words: bool = False) -> list[str]:
    """Stemmed content terms (stop words removed; question-shaping words too when asked)."""
    if drop_question_words:
        text = _CORPUS_PHRASE.sub(" ", what_is_asked(text))
    out: list[str] = []
    for token in tokens(text):
        term = _term(token)
        if term is not None and not (drop_question_words and _bare(token) in _QUESTION_WORDS):
            out.append(term)
    return out


def term_set(text: str) -> set[str]:
    """The distinct stemmed content terms of a text: content_terms as a set, each distinct token stemmed once."""
    return {t for token in set(tokens(text)) if (t := _term(token)) is not None}


def idf_weights(documents: Sequence[Iterable[str]]) -> dict[str, float]:
    """Smoothed inverse document frequency over a small pool of term sets."""
    df: Counter[str] = Counter()
    for terms in documents:
        df.update(set(terms))
    n = len(documents)
    return {term: math.log(1.0 + (n + 1) / (count + 0.5)) for term, count in df.items()}


def unseen_idf(pool_size: int) -> float:
    """The weight of a term that occurs nowhere in the pool."""
    return math.log(1.0 + (pool_size + 1) / 0.5)


def coverage(query_terms: Sequence[str], text_terms: set[str], idf: dict[str, float], pool_size: int) -> float:
    """Share of the query's IDF mass whose terms the text contains."""
    unique = set(query_terms)
    if not unique:
        return 0.0
    default = unseen_idf(pool_size)
    total = sum(idf.get(t, default) for t in unique)
    hit = sum(idf.get(t, default) for t in unique if t in text_terms)
    return hit / total if total else 0.0
