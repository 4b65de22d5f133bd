"""The tuned judge: P(supported) from the support model fine-tuned here, per claim against its aligned evidence."""

from __future__ import annotations

from collections.abc import Sequence

from retrieval.index.embedding import Embedder
from retrieval.settings import Settings
from retrieval.support.claims import Span, split_claims
from retrieval.support.judge import Features, Judge, OfflineJudge, vetoed
from retrieval.support.model_judge import blend, evidence
from retrieval.support.tuned import SUPPORT, TunedModel, shared_model
from retrieval.support.verdict import Verdict


def stated(claim: Span, question: str | None) -> str:
    """What the model reads as the claim: an answer is read with its question ("question answer")."""
    return f"{question} {claim.text}" if question else claim.text


def supported(
    model: TunedModel, claims: Sequence[Span], features: Sequence[Features], question: str | None
) -> list[float]:
    """P(supported) of each claim against its top aligned source sentences."""
    return model.score([(stated(c, question), evidence(f)) for c, f in zip(claims, features, strict=True)])


class TunedJudge:
    """Claim score = P(supported)^w * the rules' score^(1 - w), capped when a targeted check fails (if `veto`).

    The model (bench/train_nli.py --task support) was trained on FactCC-style edits of real text and never
    on SummEdits; w, the veto and the threshold were chosen by bench/fit_tuned_judge.py on the seven
    non-news SummEdits domains, leave-one-domain-out.
    """

    name = "tuned"

    def __init__(self, offline: OfflineJudge, model: TunedModel, weight: float, threshold: float, veto: bool) -> None:
        self.offline = offline
        self.model = model
        self.weight = weight
        self.threshold = threshold
        self.veto = veto
        self.fallback: Judge | None = None

    @classmethod
    def from_settings(cls, settings: Settings, embedder: Embedder) -> TunedJudge:
        """The tuned judge with the shipped model and the fitted weight, veto and threshold."""
        return cls.over(OfflineJudge.from_settings(settings, embedder), settings)

    @classmethod
    def over(cls, offline: OfflineJudge, settings: Settings) -> TunedJudge:
        """The tuned judge over these rules (shared, so a source is embedded once)."""
        s = settings
        model = shared_model(SUPPORT, s.local_cache_dir)
        return cls(offline, model, s.judge_tuned_weight, s.judge_tuned_threshold, s.judge_tuned_veto)

    def judge(self, source: str, text: str | Sequence[str], question: str | None = None) -> Verdict:
        """Judge each claim of `text` against `source` (see Judge.judge for the contract)."""
        claims = split_claims(text)
        features = self.offline.features(source, claims, question) if claims else []
        probabilities = supported(self.model, claims, features, question)
        verdicts = []
        for claim, f, p in zip(claims, features, probabilities, strict=True):
            score = blend(1.0 - p, self.offline.base(f), self.weight)
            # Without the veto a failed check is still reported in the detail, but the score alone decides.
            checked = f if self.veto else Features(f.cosine, f.overlap, None, "", f.ranked)
            detail = f.detail or f"P(supported) {p:.2f}"
            verdicts.append(checked.verdict(claim, vetoed(score, checked), detail, self.threshold))
        return Verdict.of(verdicts, self.name, self.threshold)
