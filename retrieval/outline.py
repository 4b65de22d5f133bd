"""Outlines: cluster retrieved passages into 3–6 subsections and name each by its headings or salient terms."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from retrieval.embedding import Vectors
from retrieval.salience import Candidate
from retrieval.terms import is_content_word, tokens

MIN_SUBSECTIONS = 3
MAX_SUBSECTIONS = 6
# A section heading names a cluster when at least this share of its sentences sit under it.
HEADING_SHARE = 0.5
NAME_TERMS = 3


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
    return [w for w in tokens(text) if len(w) >= 3 and is_content_word(w) and not w.replace(".", "").isdigit()]


def salient_terms(groups: Sequence[Sequence[str]], skip: set[str]) -> list[tuple[str, ...]]:
    """Per group of texts, the words frequent in it and rare in the other groups (tf·idf over groups)."""
    counts = [Counter(w for text in texts for w in _words(text) if w not in skip) for texts in groups]
    df = Counter(w for c in counts for w in c)
    out = []
    surface = Counter(m.group(0) for texts in groups for text in texts for m in re.finditer(r"[\w.\-']+", text))
    shown: dict[str, str] = {}
    for form, _ in surface.most_common():
        shown.setdefault(form.lower(), form)
    for c in counts:
        ranked = sorted(c, key=lambda w: (-c[w] * math.log(1 + len(groups) / df[w]), w))
        out.append(tuple(shown.get(w, w) for w in ranked[:NAME_TERMS]))
    return out


def _heading(members: Sequence[Candidate]) -> str | None:
    """The leaf section heading most of the cluster's sentences sit under, if one dominates."""
    leaves = Counter(c.section.split(" > ")[-1] for c in members if c.section)
    if not leaves:
        return None
    leaf, count = leaves.most_common(1)[0]
    return leaf if count >= HEADING_SHARE * len(members) else None


def outline(
    candidates: Sequence[Candidate], vectors: Vectors, merge_at: float, query: str, rank: dict[str, int]
) -> list[Cluster]:
    """Cluster the passages holding the candidates; order clusters by their best-ranked passage."""
    chunk_ids, pvectors = passage_vectors(candidates, vectors)
    groups = agglomerate(pvectors, merge_at)
    groups.sort(key=lambda g: min(rank.get(chunk_ids[i], len(rank)) for i in g))
    members = [tuple(j for j, c in enumerate(candidates) if c.chunk_id in {chunk_ids[i] for i in g}) for g in groups]
    terms = salient_terms([[candidates[j].quote for j in m] for m in members], set(_words(query)))
    out: list[Cluster] = []
    used: set[str] = set()
    for g, m, t in zip(groups, members, terms, strict=True):
        words = ", ".join(t)
        name = _heading([candidates[j] for j in m]) or (words[:1].upper() + words[1:]) or "Other evidence"
        if name in used:
            name = f"{name} ({', '.join(t)})"
        used.add(name)
        out.append(Cluster(name, t, tuple(chunk_ids[i] for i in g), m))
    return out
