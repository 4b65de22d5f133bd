"""The support judge: the offline judge's alignment and targeted checks, then the trained support model per claim."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from retrieval.index.embedding import Embedder, resolve_model_path
from retrieval.settings import Settings
from retrieval.support.align import TOP
from retrieval.support.claims import split_claims
from retrieval.support.judge import VETO_FACTOR, Features, Judge, OfflineJudge
from retrieval.support.model import BASE_MODEL, SupportModel
from retrieval.support.verdict import Verdict


@cache
def shipped_model() -> SupportModel:
    """The shipped support model, loaded once per process (the API and UI build many judges)."""
    return SupportModel(resolve_model_path(BASE_MODEL))


def evidence(f: Features) -> str:
    """The claim's top aligned source sentences in source order: what the model was trained to read."""
    return " ".join(s.text for s in sorted(f.ranked[:TOP], key=lambda s: s.start))


class SupportJudge:
    """Each claim scored by P(supported | claim, its aligned evidence); a failed targeted check vetoes it.

    An answer is judged as "question answer" against its evidence, as the model was trained on QA pairs.
    """

    name = "support"

    def __init__(self, offline: OfflineJudge, model: SupportModel, threshold: float) -> None:
        self.offline = offline
        self.model = model
        self.threshold = threshold
        self.fallback: Judge | None = None

    @classmethod
    def from_settings(cls, settings: Settings, embedder: Embedder) -> SupportJudge:
        """The support judge with the shipped model and the fitted threshold."""
        return cls(OfflineJudge.from_settings(settings, embedder), shipped_model(), settings.judge_support_threshold)

    def judge(self, source: str, text: str | Sequence[str], question: str | None = None) -> Verdict:
        """Judge each claim of `text` against `source` (see Judge.judge for the contract)."""
        claims = split_claims(text)
        features = self.offline.features(source, claims, question) if claims else []
        stated = [f"{question} {c.text}" if question else c.text for c in claims]
        probs = self.model.score("claim", [(s, evidence(f)) for s, f in zip(stated, features, strict=True)])
        verdicts = [
            f.verdict(
                c, round(p * VETO_FACTOR if f.reason else p, 4), f.detail or f"P(supported) {p:.2f}", self.threshold
            )
            for c, f, p in zip(claims, features, probs, strict=True)
        ]
        return Verdict.of(verdicts, self.name, self.threshold)
