"""Summaries: salient, non-redundant sentences of one brief or of a topic, each a cited verbatim quote."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel, ConfigDict

from retrieval.answer import AnswerSentence, Draft, GateReport
from retrieval.chunk import ScoredChunk
from retrieval.citation import Citation
from retrieval.document import Document
from retrieval.index.catalog import DocInfo
from retrieval.index.embedding import Embedder, Vectors
from retrieval.settings import Settings
from retrieval.terms import content_terms, coverage, idf_weights
from retrieval.verify import verify_sentences
from retrieval.writing.compose import Composer, Task
from retrieval.writing.salience import Candidate, centrality, document_candidates, embed_candidates, mmr

Fetch = Callable[[str], Document | None]


class SummarySection(BaseModel):
    """The summary sentences taken from one top-level section of one brief, in text order."""

    model_config = ConfigDict(frozen=True)

    doc_id: str
    title: str
    date: str | None = None
    section: str
    sentences: tuple[AnswerSentence, ...]


class _SummaryFields(BaseModel):
    """The fields of a Summary before its GateReport."""

    model_config = ConfigDict(frozen=True)

    doc_ids: tuple[str, ...]
    topic: str | None = None
    abstained: bool = False
    sections: tuple[SummarySection, ...] = ()
    generator: str = "extractive"


class Summary(GateReport, _SummaryFields):
    """A summary of a brief or a topic: cited sentences grouped by brief and section, or an abstention."""

    @property
    def sentences(self) -> list[AnswerSentence]:
        """Every sentence, in reading order."""
        return [s for section in self.sections for s in section.sentences]

    @property
    def citations(self) -> list[Citation]:
        """Every citation, in reading order."""
        return [c for s in self.sentences for c in s.citations]


@dataclass(frozen=True)
class SalienceWeights:
    """How a sentence's salience blends relevance to a topic, centrality and position."""

    relevance: float
    position: float
    diversity: float
    section_decay: float


@dataclass(frozen=True)
class Scored:
    """Candidates with their vectors and salience."""

    candidates: list[Candidate]
    vectors: Vectors
    salience: np.ndarray
    relevance: np.ndarray

    def subset(self, keep: Sequence[int]) -> Scored:
        """The scored candidates at the given positions."""
        idx = list(keep)
        return Scored([self.candidates[i] for i in idx], self.vectors[idx], self.salience[idx], self.relevance[idx])

    def relevant(self, floor: float) -> Scored:
        """Only the candidates whose relevance reaches `floor`."""
        return self.subset([i for i in range(len(self.candidates)) if self.relevance[i] >= floor])


def relevance(query: str, candidates: Sequence[Candidate], vectors: Vectors, embedder: Embedder) -> np.ndarray:
    """Relevance to a query: mean of cosine and of the share of the query's rare terms each sentence holds."""
    if not candidates:
        return np.zeros(0, dtype=np.float32)
    cosines = vectors @ embedder.embed([query])[0]
    term_sets = [set(content_terms(c.quote)) for c in candidates]
    idf = idf_weights(term_sets)
    asked = content_terms(query, drop_question_words=True)
    lexical = np.array([coverage(asked, t, idf, len(term_sets)) for t in term_sets], dtype=np.float32)
    return np.asarray(0.5 * np.clip(cosines, 0.0, None) + 0.5 * lexical, dtype=np.float32)


def score(
    candidates: list[Candidate], embedder: Embedder, weights: SalienceWeights, query: str | None = None
) -> Scored:
    """Salience = centrality, plus position cues, plus relevance to the query when there is one."""
    vectors = embed_candidates(candidates, embedder)
    central = centrality(vectors)
    lead = np.array([c.lead for c in candidates], dtype=np.float32)
    salience = (1 - weights.position) * central + weights.position * lead
    rel = np.ones(len(candidates), dtype=np.float32)
    if query is not None:
        rel = relevance(query, candidates, vectors, embedder)
        salience = (1 - weights.relevance) * salience + weights.relevance * rel
    return Scored(candidates, vectors, np.asarray(salience, dtype=np.float32), rel)


def select(scored: Scored, limit: int, weights: SalienceWeights) -> list[Candidate]:
    """MMR over the scored candidates, spreading picks across sections."""
    groups = [f"{c.doc.doc_id}|{c.section}" for c in scored.candidates]
    picked = mmr(scored.salience, scored.vectors, limit, weights.diversity, groups, weights.section_decay)
    return [scored.candidates[i] for i in picked]


def _anchors(sentences: Sequence[AnswerSentence]) -> list[Citation | None]:
    """Each sentence's first citation; a flagged (uncited) sentence borrows its neighbour's, the previous first."""
    own = [s.citations[0] if s.citations else None for s in sentences]
    out: list[Citation | None] = []
    for i, c in enumerate(own):
        before = next((a for a in reversed(own[:i]) if a is not None), None)
        out.append(c or before or next((a for a in own[i + 1 :] if a is not None), None))
    return out


def group(sentences: Sequence[AnswerSentence]) -> tuple[SummarySection, ...]:
    """Group by brief (first-cited brief first), then by top-level section, each in text order."""
    placed = [(s, a, i) for i, (s, a) in enumerate(zip(sentences, _anchors(sentences), strict=True)) if a is not None]
    first: dict[str, int] = {}
    for rank, (_, a, _) in enumerate(placed):
        first.setdefault(a.doc_id, rank)
    out: list[SummarySection] = []
    for sentence, c, _ in sorted(placed, key=lambda p: (first[p[1].doc_id], p[1].start, p[2])):
        top = c.section.split(" > ")[0]
        last = out[-1] if out else None
        if last is not None and last.doc_id == c.doc_id and last.section == top:
            out[-1] = last.model_copy(update={"sentences": (*last.sentences, sentence)})
        else:
            out.append(SummarySection(doc_id=c.doc_id, title=c.title, date=c.date, section=top, sentences=(sentence,)))
    return tuple(out)


def shown(draft: Draft, fetch: Fetch) -> tuple[AnswerSentence, ...]:
    """Re-verify every quote at its offsets; keep cited sentences, and flagged ones when the gate flags."""
    checked = verify_sentences(draft.sentences, fetch)
    return tuple(s for s in checked if s.citations or (draft.keep_unsupported and not s.supported))


def _finish(
    picked: list[Candidate], scored: Scored, composer: Composer, task: Task, limit: int, fetch: Fetch
) -> tuple[tuple[SummarySection, ...], Draft]:
    """Compose, verify every citation against its brief, and group; sentences left uncited are dropped."""
    by_key = {c.key: i for i, c in enumerate(scored.candidates)}
    evidence = [c.sentence(float(scored.salience[by_key[c.key]])) for c in picked]
    draft = composer.compose(task, evidence, limit)
    return group(shown(draft, fetch)), draft


def _summary(
    doc_ids: tuple[str, ...], topic: str | None, found: tuple[SummarySection, ...], draft: Draft, composer: Composer
) -> Summary:
    """The Summary with the gate's counts and notes."""
    return Summary(
        doc_ids=doc_ids,
        topic=topic,
        sections=found,
        abstained=not found,
        generator=draft.generator or composer.name,
        **dict(GateReport.of(draft)),
    )


def summarize_document(
    doc: Document,
    info: DocInfo,
    chunks: Sequence[tuple[str, int, int]],
    embedder: Embedder,
    composer: Composer,
    weights: SalienceWeights,
    bullets: int,
    sections: Sequence[str] = (),
) -> Summary:
    """Summarise one brief (optionally only sections whose path contains one of `sections`)."""
    candidates = document_candidates(doc, info, chunks, sections)
    if not candidates:
        return Summary(doc_ids=(doc.id,), abstained=True, generator=composer.name)
    scored = score(candidates, embedder, weights)
    picked = select(scored, bullets, weights)
    found, draft = _finish(picked, scored, composer, Task("summary", doc.title), bullets, lambda _: doc)
    return _summary((doc.id,), None, found, draft, composer)


def topic_candidates(hits: Sequence[ScoredChunk], fetch: Fetch, infos: dict[str, DocInfo]) -> list[Candidate]:
    """The sentences of the retrieved passages, located in their documents."""
    spans: dict[str, list[tuple[str, int, int]]] = {}
    for h in hits:
        spans.setdefault(h.chunk.doc_id, []).append((h.chunk.id, h.chunk.start, h.chunk.end))
    out: list[Candidate] = []
    seen: set[tuple[str, int]] = set()
    for doc_id, chunks in spans.items():
        doc, info = fetch(doc_id), infos.get(doc_id)
        if doc is None or info is None:
            continue
        for cand in document_candidates(doc, info, chunks):
            if cand.key not in seen:
                seen.add(cand.key)
                out.append(cand)
    return out


def summarize_topic(
    topic: str,
    hits: Sequence[ScoredChunk],
    fetch: Fetch,
    infos: dict[str, DocInfo],
    embedder: Embedder,
    composer: Composer,
    weights: SalienceWeights,
    bullets: int,
    floor: float,
) -> Summary:
    """Summarise what the retrieved passages say about `topic`; abstain when nothing reaches `floor`."""
    candidates = topic_candidates(hits, fetch, infos)
    relevant = score(candidates, embedder, weights, topic).relevant(floor)
    doc_ids = tuple(dict.fromkeys(h.chunk.doc_id for h in hits))
    if not relevant.candidates:
        return Summary(doc_ids=doc_ids, topic=topic, abstained=True, generator=composer.name)
    picked = select(relevant, bullets, weights)
    task = Task("summary", f"what the briefs say about: {topic}")
    found, draft = _finish(picked, relevant, composer, task, bullets, fetch)
    used = tuple(dict.fromkeys(s.doc_id for s in found))
    return _summary(used or doc_ids, topic, found, draft, composer)


def weights_from(settings: Settings) -> SalienceWeights:
    """The salience weights the settings configure."""
    return SalienceWeights(
        relevance=settings.summary_relevance_weight,
        position=settings.summary_position_weight,
        diversity=settings.summary_diversity,
        section_decay=settings.summary_section_decay,
    )
