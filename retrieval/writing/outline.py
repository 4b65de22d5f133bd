"""Outlines: cluster retrieved passages into 3–6 subsections and name each by its headings or salient terms."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from retrieval.index.embedding import Vectors
from retrieval.terms import content_terms, is_content_word, tokens
from retrieval.writing.salience import Candidate

MIN_SUBSECTIONS = 3
MAX_SUBSECTIONS = 6
# A section heading names a cluster when at least this share of its sentences sit under it.
HEADING_SHARE = 0.5
NAME_TERMS = 3
# A heading made from a sentence is a span of at most this many words.
PHRASE_WORDS = 4
# Words with their surface form; group 1 is set for a word (not for punctuation, which breaks a phrase).
# Closed-class words the stop list keeps (prepositions, modals, determiners): a heading does not cross them.
_FUNCTION_WORDS = frozenset(
    {
        "across",
        "along",
        "amid",
        "among",
        "amongst",
        "around",
        "beyond",
        "despite",
        "either",
        "every",
        "however",
        "including",
        "like",
        "may",
        "might",
        "must",
        "neither",
        "onto",
        "per",
        "shall",
        "toward",
        "towards",
        "unlike",
        "upon",
        "via",
        "whether",
        "within",
        "without",
        "yet",
        "whose",
        "another",
    }
)
_PHRASE_TOKEN = re.compile(r"([\w][\w.\-'’]*[\w]|[\w])|[^\w\s]")


@dataclass(frozen=True)
class Cluster:
    """Passages (chunk ids) that belong together, their sentences and a name."""

    heading: str
    terms: tuple[str, ...]
    chunk_ids: tuple[str, ...]
    members: tuple[int, ...]


def passage_vectors(candidates: Sequence[Candidate], vectors: Vectors) -> tuple[list[str], Vectors]:
    """One vector per passage: the normalised mean of its sentences' vectors, passages in first-seen order."""
    order = list(dict.fromkeys(c.chunk_id for c in candidates))
    rows = []
    for chunk_id in order:
        mean = vectors[[i for i, c in enumerate(candidates) if c.chunk_id == chunk_id]].mean(axis=0)
        rows.append(mean / max(float(np.linalg.norm(mean)), 1e-9))
    return order, np.asarray(rows, dtype=np.float32).reshape(len(order), vectors.shape[1] if len(vectors) else 0)


def agglomerate(
    vectors: Vectors, merge_at: float, low: int = MIN_SUBSECTIONS, high: int = MAX_SUBSECTIONS
) -> list[list[int]]:
    """Average-linkage clustering: merge the closest pair while above `merge_at` or more than `high` remain."""
    clusters = [[i] for i in range(len(vectors))]
    sims = vectors @ vectors.T if len(vectors) else np.zeros((0, 0))
    while len(clusters) > low:
        best, pair = -math.inf, (0, 1)
        for a in range(len(clusters)):
            for b in range(a + 1, len(clusters)):
                value = float(sims[np.ix_(clusters[a], clusters[b])].mean())
                if value > best:
                    best, pair = value, (a, b)
        if len(clusters) <= high and best < merge_at:
            break
        a, b = pair
        clusters[a] = clusters[a] + clusters[b]
        del clusters[b]
    return clusters


def _words(text: str) -> list[str]:
    """Display words for naming: content words of three letters or more, not bare numbers."""
    words = (w.removesuffix("'s") for w in tokens(text))
    return [w for w in words if len(w) >= 3 and is_content_word(w) and not w.replace(".", "").isdigit()]


def distinctiveness(groups: Sequence[Sequence[str]], skip: set[str]) -> list[dict[str, float]]:
    """Per group of texts, a weight per word: frequent in the group, rare in the others (tf·idf over groups)."""
    counts = [Counter(w for text in texts for w in _words(text) if w not in skip) for texts in groups]
    df = Counter(w for c in counts for w in c)
    return [{w: n * math.log(1 + len(groups) / df[w]) for w, n in c.items()} for c in counts]


def salient_terms(groups: Sequence[Sequence[str]], skip: set[str]) -> list[tuple[str, ...]]:
    """Per group of texts, its most distinctive words, as they are usually written."""
    surface = Counter(m.group(0) for texts in groups for text in texts for m in re.finditer(r"[\w.\-']+", text))
    shown: dict[str, str] = {}
    for form, _ in surface.most_common():
        shown.setdefault(form.lower(), form)
    return [
        tuple(shown.get(w, w) for w in sorted(weights, key=lambda w: (-weights[w], w))[:NAME_TERMS])
        for weights in distinctiveness(groups, skip)
    ]


def _key(word: str) -> str:
    """A surface word as the tokens of `terms` spell it (lower case, straight apostrophe, no possessive)."""
    return word.lower().replace("’", "'").removesuffix("'s")


def _runs(text: str) -> list[list[str]]:
    """Runs of adjacent content words, broken at function words and punctuation: noun-phrase-like spans."""
    runs: list[list[str]] = [[]]
    for m in _PHRASE_TOKEN.finditer(text):
        word = m.group(0)
        key = _key(word)
        if m.group(1) and is_content_word(key) and key not in _FUNCTION_WORDS:
            runs[-1].append(word)
        elif runs[-1]:
            runs.append([])
    return [r for r in runs if r]


def _trimmed(run: Sequence[str]) -> list[str]:
    """Drop adverbs and participles at the edges of a run: a heading names a thing, it does not narrate."""
    words = list(run)
    while words and words[0].lower().endswith(("ly", "ing")):
        words = words[1:]
    while words and words[-1].lower().endswith(("ly", "ed", "ing")) and not words[-1][:1].isupper():
        words = words[:-1]
    return words


def _spans(text: str) -> set[tuple[str, ...]]:
    """Every 2–4 word window of the sentence's runs, trimmed, as a tuple of its surface words."""
    out: set[tuple[str, ...]] = set()
    for run in _runs(text):
        words = _trimmed(run)
        for size in range(2, min(PHRASE_WORDS, len(words)) + 1):
            for i in range(len(words) - size + 1):
                if i and words[i - 1][:1].isdigit():
                    continue  # a figure and its unit ("500 million") belong together; never start after the figure
                window = _trimmed(words[i : i + size])
                if len(window) >= 2:
                    out.add(tuple(window))
    return out


def phrase(texts: Sequence[str], scores: Sequence[float], weights: dict[str, float], taken: set[str]) -> str | None:
    """A 2–4 word span of the members: distinctive words, in well-scored sentences, recurring across sentences."""
    value: Counter[str] = Counter()
    shown: dict[str, str] = {}
    for text, score in zip(texts, scores, strict=True):
        for window in _spans(text):
            name = " ".join(window)
            key = name.lower()
            gain = sum(weights.get(_key(w), 0.0) for w in window)
            # Summed over the sentences holding it: a span the briefs repeat is a name (a noun phrase), and
            # per-word averaging with a mild length bonus keeps longer spans only while they stay distinctive.
            value[key] += score * gain / len(window) ** 0.5
            shown.setdefault(key, name)
    ranked = [k for k, v in sorted(value.items(), key=lambda kv: (-kv[1], kv[0])) if v > 0 and k not in taken]
    return _cap(shown[ranked[0]]) if ranked else None


def _cap(text: str) -> str:
    """Sentence case for a heading: the first letter upper, the rest as the brief wrote it."""
    return text[:1].upper() + text[1:]


def _heading(members: Sequence[Candidate]) -> str | None:
    """The leaf section heading most of the cluster's sentences sit under, if one dominates and names their content.

    A structural heading ("Top Line", "Conclusion") shares no word with the sentences under it, so it names nothing.
    """
    leaves = Counter(c.section.split(" > ")[-1] for c in members if c.section)
    if not leaves:
        return None
    said = {t for c in members for t in content_terms(c.quote)}
    for leaf, count in leaves.most_common():
        if count >= HEADING_SHARE * len(members) and set(content_terms(leaf)) & said:
            return leaf
    return None


def outline(
    candidates: Sequence[Candidate],
    vectors: Vectors,
    scores: Sequence[float],
    merge_at: float,
    query: str,
    rank: dict[str, int],
) -> list[Cluster]:
    """Cluster the passages holding the candidates; order clusters by their best-ranked passage; name each."""
    chunk_ids, pvectors = passage_vectors(candidates, vectors)
    groups = agglomerate(pvectors, merge_at)
    groups.sort(key=lambda g: min(rank.get(chunk_ids[i], len(rank)) for i in g))
    members = [tuple(j for j, c in enumerate(candidates) if c.chunk_id in {chunk_ids[i] for i in g}) for g in groups]
    texts = [[candidates[j].quote for j in m] for m in members]
    skip = set(_words(query))
    weights = distinctiveness(texts, skip)
    terms = salient_terms(texts, skip)
    out: list[Cluster] = []
    taken: set[str] = set()
    for g, m, w, t in zip(groups, members, weights, terms, strict=True):
        heading = _heading([candidates[j] for j in m])
        if heading is None or heading.lower() in taken:
            heading = phrase(texts[len(out)], [scores[j] for j in m], w, taken)
        if heading is None or heading.lower() in taken:
            # Last resort, when no member sentence holds two adjacent distinctive words.
            heading = f"Other evidence ({len(out) + 1})"
        taken.add(heading.lower())
        out.append(Cluster(heading, t, tuple(chunk_ids[i] for i in g), m))
    return out
