"""List and why/how answers: a few retrieved sentences that together answer, each a cited quote, in source order."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np

from retrieval.answer import AnswerSentence, Draft, QuestionKind
from retrieval.chunk import ScoredChunk
from retrieval.citation import Citation
from retrieval.generation.extractive import (
    REDUNDANT,
    Abstention,
    Candidate,
    score_sentences,
    source_order,
    split_by_reason,
)
from retrieval.index.embedding import Embedder
from retrieval.kinds.briefs import Brief, line_span
from retrieval.kinds.metadata import METADATA_LINES
from retrieval.support.answerability import answers
from retrieval.terms import content_terms, term_set

MAX_ITEMS = 6  # bullets of one list block
MAX_LIST = 4  # sentences of a list answer without a bullet block
MAX_WHY = 3  # a reason and the one or two sentences linked to it
MARGIN = 0.1
# P(answers) one of a reason's or a list's most relevant sentences needs (a lookup's is 0.05): on the why
# questions of the 5 training-side SQuAD articles (development data) 0.02 answers as many answerable ones as no
# model check (35 of 47) and 15 of 62 unanswerable ones instead of 39; the seed briefs' reasons score 0.03-0.98.
REASON_MODEL_THRESHOLD = 0.02
LABEL_WORDS = 4  # "Risks include:", "Key takeaways:": a list's label, not a sentence
# Words of a list question that say "a list", not what is listed.
_LIST_WORDS = frozenset(content_terms("list lists listed name names give include includes brief"))
_BULLET = re.compile(r"^[ \t]*[•◦▪‣∙·*\-–—][ \t]+\S", re.M)

BriefOf = Callable[[str], Brief | None]


def _sentence(text: str, citation: Citation, support: float = 1.0) -> AnswerSentence:
    """An answer sentence quoting `text` with its citation."""
    return AnswerSentence(text=" ".join(text.split()), citations=(citation,), support=round(support, 4))


def _of(c: Candidate) -> AnswerSentence:
    """The answer sentence of a retrieved candidate."""
    return _sentence(c.quote, Citation.quoting(c.context, c.quote, c.start, c.end), c.relevance)


def bullet_block(brief: Brief, offset: int) -> list[tuple[int, int]]:
    """The bullet items (label and text, marker left out) of the list that the line at `offset` introduces or is in."""
    text = brief.doc.text
    start, end = line_span(text, offset)
    while _BULLET.match(text[start:end]) or not text[start:end].strip():  # a bullet: climb to the list's intro
        if start == 0:
            break
        start, end = line_span(text, start - 1)
    items: list[tuple[int, int]] = []
    pos = end + 1
    while pos < len(text) and len(items) < MAX_ITEMS:
        a, b = line_span(text, pos)
        line = text[a:b]
        if _BULLET.match(line):
            items.append((a + len(line) - len(line.lstrip(" \t•◦▪‣∙·*-–—")), a + len(line.rstrip())))
        elif line.strip():
            break
        pos = b + 1
    return items


def _blocks(brief: Brief) -> list[tuple[int, str, list[tuple[int, int]]]]:
    """Every bullet list of a brief: the offset and text of its short label ("Risks include:"), and its items."""
    out = []
    for m in re.finditer(r"^[^\n•]{1,60}:[ \t]*$", brief.doc.text, re.M):
        if len(m.group(0).split()) <= LABEL_WORDS and (items := bullet_block(brief, m.start())):
            out.append((m.start(), m.group(0), items))
    return out


def _labelled(question: str, briefs: Sequence[Brief]) -> tuple[Brief, list[tuple[int, int]]] | None:
    """The bullet list whose label names what is asked ("What risks…" -> "Risks include:") in a section that
    covers every other word of the question ("…for autonomous systems"): then the list itself is the answer.

    This stands in for the relevance bar: list items are terse ("Autonomous escalation: …") and name little
    of the question, so they rarely reach it, while a label plus a covering section is specific enough.
    """
    wanted = set(content_terms(question, drop_question_words=True)) - _LIST_WORDS
    best: tuple[int, Brief, list[tuple[int, int]]] | None = None
    for brief in briefs:
        for at, label, items in _blocks(brief):
            named = wanted & term_set(label)
            section = next((s for s in reversed(brief.doc.sections) if s.start <= at), None)
            covered = term_set(brief.doc.text[section.start if section else 0 : items[-1][1]])
            if named and wanted - named <= covered and (best is None or len(named) > best[0]):
                best = (len(named), brief, items)
    return None if best is None else (best[1], best[2])


def _list(best: Candidate, picked: list[Candidate], brief_of: BriefOf) -> tuple[AnswerSentence, ...]:
    """The picked sentences, and the bullet list the best one opens or belongs to."""
    out = [_of(c) for c in picked]
    brief = brief_of(best.context.chunk.doc_id)
    if brief is not None:
        quoted = [s.citations[0].start for s in out]
        for a, b in bullet_block(brief, best.start):
            if not any(a <= q < b for q in quoted):
                out.append(_sentence(brief.doc.text[a:b], brief.cite(a, b)))
    return tuple(out)


def _next_sentence(c: Candidate, brief: Brief) -> tuple[int, int] | None:
    """The sentence after the candidate in its paragraph (it often carries the reason's second half)."""
    text = brief.doc.text
    pos = c.end
    while pos < len(text) and text[pos] in " \t":
        pos += 1
    if pos >= len(text) or text[pos] == "\n":
        return None
    return brief.sentence_at(pos)


def _context(c: Candidate) -> str:
    """What a sentence of a reason or a list leans on: its section's headings and its chunk up to it.

    Wider than the lookup answer's 300 characters: a reason's second sentence names its subject a paragraph
    earlier, or only in the section heading ("US Distillation Crackdown ..." over "Analysts suggest ...").
    """
    chunk = c.context.chunk
    return f"{chunk.section.replace(' > ', '. ')}. {chunk.text[: c.start - chunk.start]}"


def _why_not(question: str, c: Candidate, abstention: Abstention) -> str | None:
    """Why one candidate does not answer (None when it may); metadata lines (page footers, dates) never answer."""
    if any(p.fullmatch(c.quote.strip()) for p in METADATA_LINES):
        return "a metadata line"
    if not abstention.check_answers:
        return None
    # No polarity check: a reason or a list item contrasts with the question's words, a fact lookup does not.
    return answers(question, c.quote, _context(c), polarity=False)


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


def _why(
    question: str, best: Candidate, chosen: list[Candidate], brief_of: BriefOf, abstention: Abstention
) -> tuple[AnswerSentence, ...]:
    """The chosen sentences in source order, the best one followed by the next sentence when that answers too."""
    sentences = [_of(c) for c in source_order(chosen)]
    brief = brief_of(best.context.chunk.doc_id)
    follow = _next_sentence(best, brief) if brief is not None else None
    if brief is None or follow is None or any(c.start == follow[0] for c in chosen):
        return tuple(sentences)
    quote = brief.doc.text[follow[0] : follow[1]]
    # The linked sentence must answer too, read after the sentence it continues.
    context = f"{_context(best)} {best.quote}"
    if abstention.check_answers and answers(question, quote, context, polarity=False) is not None:
        return tuple(sentences)
    at = next(i for i, s in enumerate(sentences) if s.citations[0].start == best.start)
    sentences.insert(at + 1, _sentence(quote, brief.cite(*follow)))
    return tuple(sentences)


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
    # As for a lookup, a sentence held back only by a check the model may overrule (a pronoun's sentence: "The
    # paper is a pre-print …" for a question about Payne's paper) stays, for the model to rescue.
    may, overrulable = split_by_reason([_why_not(question, c, abstention) for c in scored])
    keep = sorted(may + overrulable)
    cands, vectors = [scored[i] for i in keep], vectors[keep]
    held = {keep.index(i) for i in overrulable}
    top = max((c.relevance for k, c in enumerate(cands) if k not in held), default=0.0)
    bar = abstention.bar(question)
    if kind == "list":
        # A list labelled with what is asked ("Implications:") answers though its items name little of the question.
        ids = dict.fromkeys(h.chunk.doc_id for h in hits)
        labelled = _labelled(question, [b for d in ids if (b := brief_of(d)) is not None])
        if labelled is not None:
            brief, items = labelled
            cited = tuple(_sentence(brief.doc.text[a:b], brief.cite(a, b)) for a, b in items)
            return Draft(sentences=cited, abstained=False, relevance=top)
    # As for a lookup: the answer model must find an answer among the most relevant over the bar (at a lower
    # threshold: it was trained on fact lookups and reads a reason less surely), and a sentence just under the
    # bar that it is sure answers still does.
    reading = replace(abstention, model_threshold=min(abstention.model_threshold, REASON_MODEL_THRESHOLD))
    confirmed = reading.confirmed(question, cands, bar, sorted(held))
    if not confirmed:
        return Draft(sentences=(), abstained=True, relevance=top)
    # The held sentences the model did not rescue are no part of the answer.
    answering = [k for k in range(len(cands)) if k not in held or k in confirmed]
    confirmed = [answering.index(k) for k in confirmed]
    cands, vectors = [cands[k] for k in answering], vectors[answering]
    top = max(c.relevance for c in cands)
    bar = min(bar, min(cands[i].relevance for i in confirmed))
    best = max(range(len(cands)), key=lambda i: cands[i].relevance)
    floor = max(bar, top - MARGIN)
    if kind == "list":
        picked = source_order([cands[i] for i in _pick(cands, vectors, floor, MAX_LIST, [best])])
        return Draft(sentences=_list(cands[best], picked, brief_of), abstained=False, relevance=top)
    chosen = [cands[i] for i in _pick(cands, vectors, floor, MAX_WHY - 1, [best])]
    return Draft(sentences=_why(question, cands[best], chosen, brief_of, abstention), abstained=False, relevance=top)
