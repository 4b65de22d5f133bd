"""Run evaluation sets: judge summaries against their sources, or ask questions and score the answers."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from eval import metrics
from eval.datasets import QuestionCase, SummaryCase
from retrieval.answer import Answer
from retrieval.document import Document
from retrieval.errors import GenerationError
from retrieval.service import BriefLens
from retrieval.support.judge import Judge
from retrieval.support.validation import statement
from retrieval.support.verdict import Verdict
from retrieval.textnorm import locate

# Finds the source text of a case that names an indexed document (or only a question) instead of giving it.
SourceResolver = Callable[[SummaryCase], str]
# Called after each case with (done, total), e.g. by the UI's progress bar.
EvalProgress = Callable[[int, int], None]


class Report(BaseModel):
    """An evaluation run: per-item results and overall metrics (the JSON contract: items, metrics)."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["summaries", "questions"]
    judge: str
    threshold: float
    items: tuple[dict[str, Any], ...]
    metrics: dict[str, Any]
    notes: tuple[str, ...] = ()

    @property
    def validation(self) -> str:
        """How far to trust the judge: its balanced accuracy on sets it never saw (retrieval/support/validation)."""
        return statement(self.judge)

    def to_json(self) -> dict[str, Any]:
        """The contract shape: {"items": [...], "metrics": {...}} plus the judge that produced it."""
        return {
            "items": list(self.items),
            "metrics": self.metrics,
            "kind": self.kind,
            "judge": self.judge,
            "threshold": self.threshold,
            "validation": self.validation,
            "notes": list(self.notes),
        }


def _threshold(judge: Judge) -> float:
    """The judge's decision threshold (every judge declares one)."""
    return float(judge.threshold)


def fallback_of(judge: Judge) -> Judge | None:
    """The judge to use instead when this one's model fails (the LLM judge keeps its offline judge)."""
    fallback = judge.fallback
    return fallback if fallback is not None and fallback is not judge else None


def failure_note(judge: Judge, fallback: Judge, error: GenerationError) -> str:
    """The report's note when a judge's model failed and the fallback judged every item instead."""
    return f"the {judge.name} judge failed ({error}); the {fallback.name} judge judged every item instead"


def sentence_dicts(verdict: Verdict, labels: Sequence[bool | None] = ()) -> list[dict[str, Any]]:
    """Sentence verdicts as JSON, with the gold label beside each when known."""
    out = []
    for i, s in enumerate(verdict.sentences):
        label = labels[i] if i < len(labels) else None
        out.append(s.model_copy(update={"label": label}).model_dump(mode="json"))
    return out


def index_sources(lens: BriefLens, k: int | None = None) -> SourceResolver:
    """A summary case's source when it gives none: its indexed brief, else the top-k passages for its question."""

    def resolve(case: SummaryCase) -> str:
        if case.doc:
            return lens.document(case.doc).text
        return "\n\n".join(h.chunk.text for h in lens.search(case.question or "", k))

    return resolve


def judge_summary(case: SummaryCase, judge: Judge, resolve: SourceResolver) -> dict[str, Any]:
    """Judge one summary case; the item carries its verdict, gold labels and latency."""
    source = case.source if case.source else resolve(case)
    started = time.perf_counter()
    verdict = judge.judge(source, case.claims, case.question)
    return {
        "id": case.id,
        "faithful": verdict.faithful,
        "score": verdict.score,
        "label": case.label,
        "doc": case.doc,
        "question": case.question,
        "sentences": sentence_dicts(verdict, [s.supported for s in case.sentences]),
        "latency_s": round(time.perf_counter() - started, 4),
    }


def summary_metrics(items: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Judge metrics over labelled items and labelled sentences, plus counts and latency."""
    out: dict[str, Any] = {
        "n_items": len(items),
        "faithful_share": metrics.mean([float(i["faithful"]) for i in items]),
        "latency": metrics.latency([i["latency_s"] for i in items]),
    }
    labelled = [i for i in items if i["label"] is not None]
    if labelled:
        out.update(
            metrics.classification(
                [i["label"] for i in labelled], [i["score"] for i in labelled], [i["faithful"] for i in labelled]
            )
        )
    sentences = [s for i in items for s in i["sentences"] if s["label"] is not None]
    if sentences:
        labels = [s["label"] for s in sentences]
        out["sentences"] = metrics.classification(
            labels, [s["score"] for s in sentences], [s["supported"] for s in sentences]
        )
    return out


def evaluate_summaries(
    cases: Sequence[SummaryCase], judge: Judge, resolve: SourceResolver, progress: EvalProgress | None = None
) -> Report:
    """Judge every summary case and compute the metrics; a failed model judge gives way to its fallback."""
    notes: list[str] = []
    items: list[dict[str, Any]] = []
    for case in cases:
        try:
            items.append(judge_summary(case, judge, resolve))
        except GenerationError as e:
            fallback = fallback_of(judge)
            if fallback is None:
                raise
            # One judge per report: the items already judged are judged again, so metrics never mix thresholds.
            notes.append(failure_note(judge, fallback, e))
            judge = fallback
            items = [judge_summary(c, judge, resolve) for c in cases[: len(items) + 1]]
        if progress:
            progress(len(items), len(cases))
    return Report(
        kind="summaries",
        judge=judge.name,
        threshold=_threshold(judge),
        items=tuple(items),
        metrics=summary_metrics(items),
        notes=tuple(notes),
    )


def evidence_found(case: QuestionCase, answer: Answer, fetch: Callable[[str], Document]) -> list[bool]:
    """For each evidence quote: does a retrieved passage of that brief cover at least half of it?"""
    found: list[bool] = []
    for ev in case.evidence:
        hit = False
        for ctx in answer.contexts:
            if ev.doc not in (ctx.source, ctx.source.rsplit("/", 1)[-1], ctx.doc_id):
                continue
            span = locate(ev.quote, fetch(ctx.doc_id).text)
            if span and min(span[1], ctx.end) - max(span[0], ctx.start) >= (span[1] - span[0]) / 2:
                hit = True
                break
        found.append(hit)
    return found


def _context_text(answer: Answer, chunk_id: str, fallback: str) -> str:
    """The retrieved passage a citation points into (its quote when the passage is not among the contexts)."""
    return next((c.text for c in answer.contexts if c.chunk_id == chunk_id), fallback)


def score_answer(case: QuestionCase, answer: Answer, judge: Judge, fetch: Callable[[str], Document]) -> dict[str, Any]:
    """Citation validity and precision, faithfulness to the retrieved passages, keywords and abstention."""
    citations = answer.citations
    valid = [fetch(c.doc_id).text[c.start : c.end] == c.quote for c in citations]
    precise = [
        judge.judge(_context_text(answer, c.chunk_id, c.quote), s.text).faithful
        for s in answer.sentences
        for c in s.citations
    ]
    contexts = "\n\n".join(c.text for c in answer.contexts)
    verdict = judge.judge(contexts, [s.text for s in answer.sentences], case.question) if answer.sentences else None
    found = evidence_found(case, answer, fetch)
    return {
        "id": case.id,
        "kind": case.kind,
        "question": case.question,
        "answer": answer.answer,
        "abstained": answer.abstained,
        "faithful": verdict.faithful if verdict else True,
        "score": verdict.score if verdict else 1.0,
        "sentences": sentence_dicts(verdict) if verdict else [],
        "evidence_recall": metrics.recall_at_k([e.quote for e in case.evidence], found),
        "citation_validity": metrics.mean([float(v) for v in valid]),
        "citation_precision": metrics.mean([float(p) for p in precise]),
        "keyword_recall": None if answer.abstained else metrics.keyword_recall(case.answer_keywords, answer.answer),
        "abstention_correct": answer.abstained == case.should_abstain,
        "faithfulness": metrics.mean([float(s.supported) for s in verdict.sentences]) if verdict else None,
    }


QUESTION_METRICS = ("evidence_recall", "citation_validity", "citation_precision", "keyword_recall", "faithfulness")


def question_metrics(items: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Means of the per-item measures, abstention accuracy and latency: overall and by question kind."""

    def summarise(group: Sequence[dict[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {name: metrics.mean([i[name] for i in group]) for name in QUESTION_METRICS}
        out["abstention_accuracy"] = metrics.mean([float(i["abstention_correct"]) for i in group])
        out["latency"] = metrics.latency([i["latency_s"] for i in group])
        out["n_items"] = len(group)
        return out

    overall = summarise(items)
    overall["by_kind"] = {
        k: summarise([i for i in items if i["kind"] == k]) for k in sorted({i["kind"] for i in items})
    }
    return overall


def evaluate_questions(
    cases: Sequence[QuestionCase],
    lens: BriefLens,
    judge: Judge,
    k: int | None = None,
    progress: EvalProgress | None = None,
) -> Report:
    """Ask every question through BriefLens (timed), then score retrieval, citations and the answer; a
    failed model judge gives way to its fallback for the whole run."""
    notes: list[str] = []
    answers: list[tuple[QuestionCase, Answer, float]] = []
    items: list[dict[str, Any]] = []
    for case in cases:
        started = time.perf_counter()
        answer = lens.ask(case.question, k)
        answers.append((case, answer, time.perf_counter() - started))
        try:
            items.append(_scored(case, answer, answers[-1][2], judge, lens))
        except GenerationError as e:
            fallback = fallback_of(judge)
            if fallback is None:
                raise
            notes.append(failure_note(judge, fallback, e))
            judge = fallback
            items = [_scored(c, a, t, judge, lens) for c, a, t in answers]
        if progress:
            progress(len(items), len(cases))
    return Report(
        kind="questions",
        judge=judge.name,
        threshold=_threshold(judge),
        items=tuple(items),
        metrics=question_metrics(items),
        notes=tuple(notes),
    )


def _scored(case: QuestionCase, answer: Answer, elapsed: float, judge: Judge, lens: BriefLens) -> dict[str, Any]:
    """One question's item: the answer's scores and the time the question took."""
    return {**score_answer(case, answer, judge, lens.document), "latency_s": round(elapsed, 4)}
