"""Report drafts: an outline from clusters of retrieved passages, then cited paragraphs and a Sources list."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from retrieval.answer import AnswerSentence, Draft, GateReport
from retrieval.chunk import ScoredChunk
from retrieval.citation import Citation
from retrieval.index.catalog import DocInfo
from retrieval.index.embedding import Embedder
from retrieval.ingest.sync import Progress
from retrieval.writing.compose import Composer, ExtractiveComposer, Task
from retrieval.writing.outline import Cluster, outline
from retrieval.writing.salience import mmr
from retrieval.writing.summarize import Fetch, SalienceWeights, Scored, score, shown, topic_candidates

Flag = Literal["single source", "no source"]


class Subsection(BaseModel):
    """One subsection: its heading, the briefs its evidence comes from, a flag when they are too few."""

    model_config = ConfigDict(frozen=True)

    heading: str
    terms: tuple[str, ...] = ()
    doc_ids: tuple[str, ...] = ()
    flag: Flag | None = None
    passages: tuple[str, ...] = ()
    sentences: tuple[AnswerSentence, ...] = ()


class Source(BaseModel):
    """A brief the draft cites, with the quotes it uses."""

    model_config = ConfigDict(frozen=True)

    doc_id: str
    title: str
    date: str | None = None
    source: str
    quotes: tuple[Citation, ...] = ()


class _DraftFields(BaseModel):
    """The fields of a ReportDraft before its GateReport (summed over subsections)."""

    model_config = ConfigDict(frozen=True)

    title: str
    guidance: str = ""
    outline_only: bool = False
    subsections: tuple[Subsection, ...] = ()
    sources: tuple[Source, ...] = ()
    generator: str = "extractive"


class ReportDraft(GateReport, _DraftFields):
    """A drafted report section: subsections of cited sentences (or only the outline) and the sources."""

    @property
    def citations(self) -> list[Citation]:
        """Every citation of every sentence, in reading order."""
        return [c for s in self.subsections for sentence in s.sentences for c in sentence.citations]


@dataclass(frozen=True)
class DraftParams:
    """The knobs of drafting, from Settings."""

    weights: SalienceWeights
    sentences: int
    floor: float
    merge_at: float


def _flag(doc_ids: Sequence[str]) -> Flag | None:
    """Flag a subsection resting on one brief or none."""
    return "no source" if not doc_ids else "single source" if len(doc_ids) == 1 else None


def fit(scored: Scored, members: Sequence[int]) -> np.ndarray:
    """Relevance of each member to its subsection: the mean of relevance to the title and cosine to the centroid."""
    rows = list(members)
    centroid = scored.vectors[rows].mean(axis=0)
    centroid = centroid / max(float(np.linalg.norm(centroid)), 1e-9)
    cosine = np.clip(scored.vectors[rows] @ centroid, 0.0, None)
    return np.asarray(0.5 * scored.relevance[rows] + 0.5 * cosine, dtype=np.float32)


def reading_order(briefs: Sequence[str], starts: Sequence[int], fits: Sequence[float]) -> list[int]:
    """Positions ordered by brief, the brief holding the most relevant sentence first, then text order within it."""
    best: dict[str, float] = {}
    for brief, value in zip(briefs, fits, strict=True):
        best[brief] = max(best.get(brief, -np.inf), float(value))
    return sorted(range(len(briefs)), key=lambda i: (-best[briefs[i]], briefs[i], starts[i]))


def _paragraph(cluster: Cluster, scored: Scored, used: set[tuple[str, int]], limit: int, diversity: float) -> list[int]:
    """The cluster's most salient sentences not used elsewhere, each brief's best among them, in reading order."""
    idx = [j for j in cluster.members if scored.candidates[j].key not in used]
    if not idx:
        return []
    # The best sentence of every brief behind the subsection goes in first, so a two-brief subsection cites both.
    best: dict[str, int] = {}
    for i, j in enumerate(idx):
        doc_id = scored.candidates[j].doc.doc_id
        if doc_id not in best or scored.salience[j] > scored.salience[idx[best[doc_id]]]:
            best[doc_id] = i
    seed = sorted(best.values(), key=lambda i: -float(scored.salience[idx[i]]))
    picked = [idx[i] for i in mmr(scored.salience[idx], scored.vectors[idx], limit, diversity, seed=seed)]
    used.update(scored.candidates[j].key for j in picked)
    fits = fit(scored, cluster.members)
    at = {j: k for k, j in enumerate(cluster.members)}
    briefs = [scored.candidates[j].doc.doc_id for j in picked]
    starts = [scored.candidates[j].start for j in picked]
    return [picked[i] for i in reading_order(briefs, starts, [float(fits[at[j]]) for j in picked])]


def sources(sentences: Iterable[AnswerSentence]) -> tuple[Source, ...]:
    """The cited briefs in order of first citation, each with its distinct quotes."""
    out: dict[str, Source] = {}
    for sentence in sentences:
        for c in sentence.citations:
            src = out.get(c.doc_id) or Source(doc_id=c.doc_id, title=c.title, date=c.date, source=c.source)
            if all((q.start, q.end) != (c.start, c.end) for q in src.quotes):
                src = src.model_copy(update={"quotes": (*src.quotes, c)})
            out[c.doc_id] = src
    return tuple(out.values())


def build_draft(
    title: str,
    guidance: str,
    hits: Sequence[ScoredChunk],
    fetch: Fetch,
    infos: dict[str, DocInfo],
    embedder: Embedder,
    composer: Composer,
    params: DraftParams,
    outline_only: bool = False,
    progress: Progress | None = None,
) -> ReportDraft:
    """Outline the evidence for `title`, then write each subsection from its own passages."""
    query = f"{title}. {guidance}".strip(" .") if guidance else title
    report = progress or (lambda phase, done, total: None)
    name = composer.name
    report("read", 0, 1)
    candidates = topic_candidates(hits, fetch, infos)
    everything = score(candidates, embedder, params.weights, query)
    report("read", 1, 1)
    # Outline only the sentences a paragraph may quote, so every subsection listed can be written; when nothing
    # reaches the floor, outline them all and let each subsection carry the "no source" flag.
    quotable = [j for j in range(len(candidates)) if everything.relevance[j] >= params.floor]
    scored = everything.subset(quotable) if quotable else everything
    rank = {h.chunk.id: i for i, h in enumerate(hits)}
    clusters = (
        outline(scored.candidates, scored.vectors, scored.relevance.tolist(), params.merge_at, query, rank)
        if scored.candidates
        else []
    )
    subsections: list[Subsection] = []
    used: set[tuple[str, int]] = set()
    drafts: list[Draft] = []
    headings = tuple(c.heading for c in clusters)
    for n, cluster in enumerate(clusters):
        report("write", n, len(clusters))
        doc_ids = tuple(dict.fromkeys(scored.candidates[j].doc.doc_id for j in cluster.members)) if quotable else ()
        sentences: tuple[AnswerSentence, ...] = ()
        if not outline_only and quotable:
            picked = _paragraph(cluster, scored, used, params.sentences, params.weights.diversity)
            evidence = [scored.candidates[j].sentence(float(scored.salience[j])) for j in picked]
            task = Task("draft", title, cluster.heading, headings, guidance)
            drafts.append(composer.compose(task, evidence, params.sentences))
            if drafts[-1].failed:
                # The model failed once: the other subsections are written without it rather than fail again.
                composer = ExtractiveComposer()
            sentences = shown(drafts[-1], fetch)
            doc_ids = tuple(dict.fromkeys(c.doc_id for s in sentences for c in s.citations))
        subsections.append(
            Subsection(
                heading=cluster.heading,
                terms=cluster.terms,
                doc_ids=doc_ids,
                flag=_flag(doc_ids),
                passages=cluster.chunk_ids,
                sentences=sentences,
            )
        )
    report("write", len(clusters), len(clusters))
    writers = [d.generator or name for d in drafts]  # every composer names itself; "or" guards a bare Draft
    return ReportDraft(
        title=title,
        guidance=guidance,
        outline_only=outline_only,
        subsections=tuple(subsections),
        sources=sources(s for sub in subsections for s in sub.sentences),
        generator=next((w for w in writers if w != "extractive"), writers[0] if writers else name),
        **dict(GateReport.total(drafts)),
    )
