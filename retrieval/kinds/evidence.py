"""List and why/how answers: a few retrieved sentences that together answer, each a cited quote, in source order."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

from retrieval.answer import AnswerSentence, Draft, QuestionKind
from retrieval.chunk import ScoredChunk
from retrieval.citation import Citation
from retrieval.generation.extractive import Abstention, Candidate, score_sentences
from retrieval.index.embedding import Embedder
from retrieval.kinds.briefs import Brief

MAX_ITEMS = 6  # bullets of one list block
MAX_LIST = 4  # sentences of a list answer without a bullet block
MAX_WHY = 3  # a reason and the one or two sentences linked to it
MARGIN = 0.1
LINK_SLACK = 0.1  # a neighbouring sentence may fall this far below the bar: it continues the reason
REDUNDANT = 0.82
_BULLET = re.compile(r"^[ \t]*[•◦▪‣∙·*\-–—][ \t]+\S", re.M)

BriefOf = Callable[[str], Brief | None]


def _sentence(text: str, citation: Citation, support: float = 1.0) -> AnswerSentence:
    """An answer sentence quoting `text` with its citation."""
    return AnswerSentence(text=" ".join(text.split()), citations=(citation,), support=round(support, 4))


def _of(c: Candidate) -> AnswerSentence:
    """The answer sentence of a retrieved candidate."""
    return _sentence(c.quote, Citation.quoting(c.context, c.quote, c.start, c.end), c.relevance)


def _lines(text: str, pos: int) -> tuple[int, int]:
    """The span of the line holding `pos`."""
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, len(text) if end < 0 else end


def bullet_block(brief: Brief, offset: int) -> list[tuple[int, int]]:
    """The bullet items (label and text, marker left out) of the list that the line at `offset` introduces or is in."""
    text = brief.doc.text
    start, end = _lines(text, offset)
    while _BULLET.match(text[start:end]) or not text[start:end].strip():  # a bullet: climb to the list's intro
        if start == 0:
            break
        start, end = _lines(text, start - 1)
    items: list[tuple[int, int]] = []
    pos = end + 1
    while pos < len(text) and len(items) < MAX_ITEMS:
        a, b = _lines(text, pos)
        line = text[a:b]
        if _BULLET.match(line):
            items.append((a + len(line) - len(line.lstrip(" \t•◦▪‣∙·*-–—")), a + len(line.rstrip())))
        elif line.strip():
            break
        pos = b + 1
    return items


def _list(best: Candidate, picked: list[Candidate], brief_of: BriefOf) -> tuple[AnswerSentence, ...]:
    """The best sentence and the bullet list it introduces, when there is one; else the picked sentences."""
    brief = brief_of(best.context.chunk.doc_id)
    bullets = bullet_block(brief, best.start) if brief is not None else []
    if brief is None or not bullets:
        return tuple(_of(c) for c in picked)
    items = tuple(_sentence(brief.doc.text[a:b], brief.cite(a, b)) for a, b in bullets)
    return (_of(best), *items)


def _linked(best: Candidate, cands: Sequence[Candidate], floor: float) -> list[Candidate]:
    """Sentences next to the best one in its paragraph that still relate to the question: its reason's other half."""
    text = best.context.chunk.text
    out = []
    for c in cands:
        if c is best or c.context.chunk.doc_id != best.context.chunk.doc_id or c.relevance < floor:
            continue
        a, b = sorted((c, best), key=lambda x: x.start)
        gap = text[max(0, a.end - best.context.chunk.start) : max(0, b.start - best.context.chunk.start)]
        if c.context.chunk.id == best.context.chunk.id and "\n" not in gap and len(gap) <= 2:
            out.append(c)
    return out


def _pick(cands: list[Candidate], vectors: np.ndarray, floor: float, limit: int, first: list[int]) -> list[int]:
    """Greedy pick, after `first`, of the most relevant non-redundant candidates above `floor`."""
    chosen = list(first)
    for i in sorted(range(len(cands)), key=lambda j: -cands[j].relevance):
        if len(chosen) >= limit:
            break
        if i in chosen or cands[i].relevance < floor:
            continue
        if chosen and float(np.max(vectors[chosen] @ vectors[i])) > REDUNDANT:
            continue
        chosen.append(i)
    return chosen


def _source_order(cands: Sequence[Candidate]) -> list[Candidate]:
    """Candidates by brief (in order of first appearance) and then by position in the brief."""
    first: dict[str, int] = {}
    for rank, c in enumerate(cands):
        first.setdefault(c.context.chunk.doc_id, rank)
    return sorted(cands, key=lambda c: (first[c.context.chunk.doc_id], c.start))


def answer_evidence(
    question: str,
    kind: QuestionKind,
    hits: Sequence[ScoredChunk],
    embedder: Embedder,
    abstention: Abstention,
    brief_of: BriefOf,
) -> Draft:
    """A list or a why/how answer from the retrieved passages; abstain as the extractive answer would."""
    scored, vectors = score_sentences(question, hits, embedder, abstention.cosine_weight)
    keep = abstention.answering(question, scored)
    cands, vectors = [scored[i] for i in keep], vectors[keep]
    top = max((c.relevance for c in cands), default=0.0)
    bar = abstention.bar(question)
    if top < bar:
        return Draft(sentences=(), abstained=True, relevance=top)
    best = max(range(len(cands)), key=lambda i: cands[i].relevance)
    floor = max(bar, top - MARGIN)
    if kind == "list":
        picked = _source_order([cands[i] for i in _pick(cands, vectors, floor, MAX_LIST, [best])])
        return Draft(sentences=_list(cands[best], picked, brief_of), abstained=False, relevance=top)
    linked = [cands.index(c) for c in _linked(cands[best], cands, bar - LINK_SLACK)]
    chosen = _pick(cands, vectors, floor, MAX_WHY, [best, *linked[: MAX_WHY - 1]])
    sentences = tuple(_of(c) for c in _source_order([cands[i] for i in chosen]))
    return Draft(sentences=sentences, abstained=False, relevance=top)
