"""Faithfulness judges: the Judge protocol and the offline judge (no LLM, no network); the registry is in judges."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from retrieval.index.embedding import Embedder
from retrieval.settings import Settings
from retrieval.support.align import TOP, SourceCache, SourceIndex, align
from retrieval.support.categories import swapped
from retrieval.support.claims import Span, split_claims
from retrieval.support.entities import absent
from retrieval.support.polarity import antonym_flip, hedge_dropped, negation_flip
from retrieval.support.quantities import unmatched
from retrieval.support.verdict import Reason, SentenceVerdict, Verdict
from retrieval.terms import content_terms
from retrieval.textnorm import normalize

# A failed targeted check caps the score well below any calibrated threshold.
VETO_FACTOR = 0.3


class Judge(Protocol):
    """Scores how faithful a text is to a source."""

    name: str
    # A claim is supported when its score reaches this (in [0, 1]); reports and the CLI show it.
    threshold: float
    # The judge to use instead when this one's model endpoint fails; None for a judge that cannot fail so.
    fallback: Judge | None

    def judge(self, source: str, text: str | Sequence[str], question: str | None = None) -> Verdict:
        """Judge each claim of `text` (a string is split into sentences; a sequence is taken as the claims).

        Contract: one SentenceVerdict per claim, in order, with `score` in [0, 1]; `supported` is
        `score >= threshold` with no failed check; `quote == source[start:end]` is the best
        supporting source sentence; `reason` is set exactly when the claim is unsupported. With a
        question, the text is judged as an answer to it. The item is faithful when every claim is
        supported; its score is the lowest claim score (1.0 for a text with no claims). Deterministic.
        """
        ...


@dataclass(frozen=True)
class Features:
    """What the offline judge measures for one claim, before the threshold is applied."""

    cosine: float
    overlap: float
    reason: Reason | None
    detail: str
    # The source sentences by alignment rank, best first (the quote is the first).
    ranked: tuple[Span, ...]

    @property
    def best(self) -> Span:
        """The best-aligned source sentence: the claim's quote."""
        return self.ranked[0]

    def verdict(self, claim: Span, score: float, detail: str, threshold: float) -> SentenceVerdict:
        """The claim's verdict at `score`: a failed check decides, else the threshold does."""
        reason: Reason | None = self.reason or ("no support" if score < threshold else None)
        return SentenceVerdict(
            text=claim.text,
            supported=reason is None,
            score=score,
            quote=self.best.text,
            start=self.best.start,
            end=self.best.end,
            reason=reason,
            detail=detail,
            cosine=round(self.cosine, 4),
            overlap=round(self.overlap, 4),
        )


def vetoed(score: float, f: Features) -> float:
    """A claim score, capped when a targeted check failed; rounded for stable JSON."""
    return round(score * VETO_FACTOR if f.reason else score, 4)


def check(claim: str, index: SourceIndex, order: Sequence[int]) -> tuple[Reason | None, str]:
    """The first targeted check the claim fails against its aligned source sentences, if any."""
    top = [index.units[i].text for i in order[:TOP]]
    # Numbers anywhere in the source count: restricting them to the aligned sentences caught more
    # changed numbers but flagged 14% of faithful SummEdits summaries (bench/judge.py).
    missing = unmatched(claim, index.all_quantity_keys)
    if missing:
        kind: Reason = "date mismatch" if missing[0].kind == "date" else "number mismatch"
        return kind, ", ".join(q.text for q in missing)
    names = absent(claim, index.lower, index.text)
    if names:
        return "entity absent from source", ", ".join(names)
    # A closed-class word (colour, sex, relative, role, compass point...) the source never uses while it
    # uses another member of the class: a swap a paraphrase would not make.
    others = swapped(claim, index.words)
    if others:
        return "entity absent from source", ", ".join(others)
    if negation_flip(claim, top[0], top) or antonym_flip(claim, top[0], top):
        return "negation flip", ""
    if hedge_dropped(claim, top[0]):
        return "hedging changed", ""
    return None, ""


class OfflineJudge:
    """Claim-to-source alignment with the embedding model and lexical overlap, plus targeted checks."""

    name = "rules"

    def __init__(self, embedder: Embedder, threshold: float, cosine_weight: float = 0.5, cache_size: int = 64) -> None:
        self.embedder = embedder
        self.threshold = threshold
        self.fallback: Judge | None = None
        self.cosine_weight = cosine_weight
        self.cache = SourceCache(embedder, cache_size)

    @classmethod
    def from_settings(cls, settings: Settings, embedder: Embedder) -> OfflineJudge:
        """The offline judge with the calibrated defaults from settings."""
        s = settings
        return cls(embedder, s.judge_threshold, s.judge_cosine_weight, s.judge_source_cache)

    def features(self, source: str, claims: Sequence[Span], question: str | None = None) -> list[Features]:
        """Align every claim and run the checks; the source is embedded once and cached."""
        index = self.cache.get(source)
        prefix = normalize(question) + " " if question else ""
        vectors = self.embedder.embed([prefix + normalize(c.text) for c in claims])
        asked = content_terms(question, drop_question_words=True) if question else []
        out: list[Features] = []
        for claim, vector in zip(claims, vectors, strict=True):
            # The question steers alignment; overlap is measured on the answer's own words.
            aligned = align(vector, content_terms(claim.text), index, asked)
            reason, detail = check(claim.text, index, aligned.order)
            ranked = tuple(index.units[i] for i in aligned.order)
            out.append(Features(aligned.cosine, aligned.overlap, reason, detail, ranked))
        return out

    def base(self, f: Features) -> float:
        """Blend cosine and overlap into [0, 1], before any check."""
        return min(1.0, max(0.0, self.cosine_weight * max(0.0, f.cosine) + (1 - self.cosine_weight) * f.overlap))

    def score(self, f: Features) -> float:
        """The blended score; a failed check scales it down."""
        return vetoed(self.base(f), f)

    def judge(self, source: str, text: str | Sequence[str], question: str | None = None) -> Verdict:
        """Judge each claim of `text` against `source` (see Judge.judge for the contract)."""
        claims = split_claims(text)
        features = self.features(source, claims, question) if claims else []
        verdicts = [
            f.verdict(c, self.score(f), f.detail, self.threshold) for c, f in zip(claims, features, strict=True)
        ]
        return Verdict.of(verdicts, self.name, self.threshold)
