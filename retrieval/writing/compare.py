"""Compare briefs on a topic: what each says, side by side, and statements that disagree on a figure."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel, ConfigDict

from retrieval.answer import AnswerSentence
from retrieval.chunk import ScoredChunk
from retrieval.citation import Citation
from retrieval.index.catalog import DocInfo
from retrieval.index.embedding import Embedder
from retrieval.terms import is_content_word
from retrieval.writing.salience import Candidate, mmr
from retrieval.writing.summarize import Fetch, SalienceWeights, Scored, score, topic_candidates

# A figure: optional currency sign, a number, then an optional scale and unit word ("6.8 billion yuan").
_FIGURE = re.compile(
    r"(?P<cur>[$€£¥])?\s?(?P<num>\d+(?:[.,]\d+)*)"
    r"(?:\s?(?P<scale>%|percent|per cent|trillion|billion|million|thousand|bn)\b|%)?"
    r"(?:\s+(?P<unit>[a-z][a-z\-]+))?",
    re.IGNORECASE,
)
# A name: a run of capitalised words or alphanumeric model names ("State Grid", "Kimi K2.6").
_NAME = re.compile(r"\b[A-Z][\w.\-]*[\w](?:\s+[A-Z0-9][\w.\-]*[\w])*")
_YEAR = re.compile(r"(?:19|20)\d\d")
_CURRENCY_WORDS = {"yuan", "dollars", "dollar", "usd", "rmb", "euros", "euro", "pounds"}


class Column(BaseModel):
    """What one brief says on the topic: its most relevant statements, in text order."""

    model_config = ConfigDict(frozen=True)

    doc_id: str
    title: str
    date: str | None = None
    source: str
    sentences: tuple[AnswerSentence, ...] = ()


class Disagreement(BaseModel):
    """Two briefs giving different figures of the same kind about the same named subject."""

    model_config = ConfigDict(frozen=True)

    subject: str
    unit: str
    first: Citation
    second: Citation
    first_figures: tuple[str, ...]
    second_figures: tuple[str, ...]
    similarity: float


class Comparison(BaseModel):
    """Side-by-side statements per brief on a topic, and the disagreements found between briefs."""

    model_config = ConfigDict(frozen=True)

    topic: str
    abstained: bool = False
    columns: tuple[Column, ...] = ()
    disagreements: tuple[Disagreement, ...] = ()


@dataclass(frozen=True)
class Figure:
    """A number with the unit that makes it comparable to another."""

    text: str
    value: str
    unit: str


def figures(text: str) -> list[Figure]:
    """Figures with a scale or unit; bare years and counts without a unit are left out."""
    out: list[Figure] = []
    for m in _FIGURE.finditer(text):
        scale = (m.group("scale") or ("%" if m.group(0).rstrip().endswith("%") else "")).lower()
        scale = "percent" if scale in {"%", "per cent"} else scale
        unit = (m.group("unit") or "").lower()
        currency = m.group("cur") or (unit if unit in _CURRENCY_WORDS else "")
        if scale == "percent":
            key = "percent"
        elif currency or scale:
            key = f"{currency} {scale}".strip() + ("" if currency else f" {unit}")
        elif unit and is_content_word(unit) and not _YEAR.fullmatch(m.group("num")):
            key = unit
        else:
            continue
        out.append(Figure(m.group(0).strip(), m.group("num").replace(",", ""), key.strip()))
    return out


def names(text: str) -> set[str]:
    """Capitalised names, minus a sentence-initial ordinary word ("The", "However")."""
    found = set()
    for m in _NAME.finditer(text):
        words = m.group(0).split()
        while words and not is_content_word(words[0].lower()):
            words = words[1:]
        if words:
            found.add(" ".join(words))
    return found


def disagreements(scored: Scored, min_similarity: float) -> list[Disagreement]:
    """Pairs of statements from different briefs, about one named subject, whose figures of one unit differ."""
    cands = scored.candidates
    parsed = [(names(c.quote), figures(c.quote)) for c in cands]
    out: list[Disagreement] = []
    for i in range(len(cands)):
        for j in range(i + 1, len(cands)):
            if cands[i].doc.doc_id == cands[j].doc.doc_id:
                continue
            shared = parsed[i][0] & parsed[j][0]
            similarity = float(scored.vectors[i] @ scored.vectors[j])
            if not shared or similarity < min_similarity:
                continue
            for unit in sorted({f.unit for f in parsed[i][1]} & {f.unit for f in parsed[j][1]}):
                a = [f for f in parsed[i][1] if f.unit == unit]
                b = [f for f in parsed[j][1] if f.unit == unit]
                if {f.value for f in a} & {f.value for f in b}:
                    continue
                out.append(
                    Disagreement(
                        subject=max(shared, key=len),
                        unit=unit,
                        first=cands[i].sentence().citations[0],
                        second=cands[j].sentence().citations[0],
                        first_figures=tuple(f.text for f in a),
                        second_figures=tuple(f.text for f in b),
                        similarity=round(similarity, 4),
                    )
                )
    return out


def _columns(scored: Scored, per_doc: int, diversity: float) -> tuple[Column, ...]:
    """Each brief's most salient relevant statements, briefs in order of their best statement."""
    by_doc: dict[str, list[int]] = {}
    for i in np.argsort(-scored.salience):
        by_doc.setdefault(scored.candidates[int(i)].doc.doc_id, []).append(int(i))
    columns = []
    for idx in by_doc.values():
        picked = sorted(
            (idx[k] for k in mmr(scored.salience[idx], scored.vectors[idx], per_doc, diversity)),
            key=lambda j: scored.candidates[j].start,
        )
        info: DocInfo = scored.candidates[idx[0]].doc
        sentences = tuple(scored.candidates[j].sentence(float(scored.salience[j])) for j in picked)
        columns.append(
            Column(doc_id=info.doc_id, title=info.title, date=info.date, source=info.source, sentences=sentences)
        )
    return tuple(columns)


def compare(
    topic: str,
    hits: Sequence[ScoredChunk],
    fetch: Fetch,
    infos: dict[str, DocInfo],
    embedder: Embedder,
    weights: SalienceWeights,
    per_doc: int,
    floor: float,
    min_similarity: float,
) -> Comparison:
    """What each brief says about `topic`, and the figures they disagree on; abstain when nothing is relevant."""
    candidates: list[Candidate] = topic_candidates(hits, fetch, infos)
    relevant = score(candidates, embedder, weights, topic).relevant(floor)
    if not relevant.candidates:
        return Comparison(topic=topic, abstained=True)
    return Comparison(
        topic=topic,
        columns=_columns(relevant, per_doc, weights.diversity),
        disagreements=tuple(disagreements(relevant, min_similarity)),
    )
