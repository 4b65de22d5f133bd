"""Kind-aware judges: one judge for summary claims, another for answers to a question, on one 0.5 scale."""

from __future__ import annotations

from collections.abc import Sequence

from retrieval.index.embedding import Embedder
from retrieval.settings import Settings
from retrieval.support.judge import Judge, OfflineJudge
from retrieval.support.tuned_judge import TunedJudge
from retrieval.support.verdict import SentenceVerdict, Verdict
from retrieval.terms import is_question

# Both halves' scores are mapped so that their own fitted threshold lands here: one scale, one threshold.
MIDPOINT = 0.5


def rescale(score: float, threshold: float, supported: bool) -> float:
    """Map [0, threshold) onto [0, 0.5) and [threshold, 1] onto [0.5, 1], keeping the verdict's side of the cut."""
    if score >= threshold:
        value = MIDPOINT + MIDPOINT * (score - threshold) / (1.0 - threshold) if threshold < 1.0 else 1.0
    else:
        value = MIDPOINT * score / threshold if threshold > 0.0 else 0.0
    value = round(min(1.0, max(0.0, value)), 4)
    # Rounding must not carry a score just under the cut onto it (or a vetoed claim over it).
    if not supported and value >= MIDPOINT:
        return MIDPOINT - 1e-4
    return value


def on_one_scale(verdict: Verdict, name: str) -> Verdict:
    """A half's verdict with every claim score mapped onto the shared scale; verdicts and quotes unchanged."""
    sentences: list[SentenceVerdict] = [
        s.model_copy(update={"score": rescale(s.score, verdict.threshold, s.supported)}) for s in verdict.sentences
    ]
    return Verdict.of(sentences, name, MIDPOINT)


class AllOf:
    """A claim is supported only when every judge supports it; its verdict is the weakest of theirs, each judge's
    score first mapped onto the shared scale."""

    threshold = MIDPOINT

    def __init__(self, judges: Sequence[Judge], name: str) -> None:
        self.judges = tuple(judges)
        self.name = name
        self.fallback: Judge | None = None

    def judge(self, source: str, text: str | Sequence[str], question: str | None = None) -> Verdict:
        """Judge each claim with every judge and keep, per claim, the verdict least in its favour."""
        verdicts = [on_one_scale(j.judge(source, text, question), self.name) for j in self.judges]
        sentences = [
            min(parts, key=lambda s: (s.supported, s.score))
            for parts in zip(*(v.sentences for v in verdicts), strict=True)
        ]
        return Verdict.of(sentences, self.name, MIDPOINT)


class KindAwareJudge:
    """Answers to a question go to one judge, text written to an instruction to the rules, every other claim
    (summaries, drafts, cited sentences) to a third.

    The default (`offline`): summary claims to the tuned judge's claims form (support/tuned_judge.py: the
    support model trained here, the NLI model and the rules, fitted leave-one-domain-out on the 7 non-news
    SummEdits domains); answers must pass the rules and the tuned judge's answers form both (the rules catch a
    sentence that restates an instruction planted in a brief, which the model passes; the model catches
    hallucinated answers the rules pass: HaluEval QA validation half 0.87 against the rules' 0.82). `tuned`:
    answers to the answers form alone (docs/support-model.md). Text written to an instruction ("Lithography
    export licensing and China", a draft's section) goes to the rules in both: the support model reads it as
    "question answer" and gave a faithful sentence P 0.04. Each half keeps its own fitted threshold, mapped to 0.5 here.
    """

    threshold = MIDPOINT

    def __init__(self, answers: Judge, claims: Judge, instructions: Judge, name: str = "offline") -> None:
        self.answers = answers
        self.claims = claims
        self.instructions = instructions
        self.name = name
        self.fallback: Judge | None = None

    @classmethod
    def from_settings(cls, settings: Settings, embedder: Embedder) -> KindAwareJudge:
        """The default: answers must pass the rules and the tuned answers form, claims the tuned claims form; one
        source cache."""
        rules = OfflineJudge.from_settings(settings, embedder)
        answers = AllOf((rules, TunedJudge.for_answers(rules, settings)), "rules+tuned")
        return cls(answers, TunedJudge.for_claims(rules, settings), rules)

    @classmethod
    def tuned(cls, settings: Settings, embedder: Embedder) -> KindAwareJudge:
        """BRIEFLENS_JUDGE=tuned: the support model alone for answers (for evaluation, not the gate)."""
        rules = OfflineJudge.from_settings(settings, embedder)
        answers = TunedJudge.for_answers(rules, settings)
        return cls(answers, TunedJudge.for_claims(rules, settings), rules, "tuned")

    def half(self, question: str | None) -> Judge:
        """The judge for this kind of text: answers to a question, text written to an instruction, other claims."""
        if not question:
            return self.claims
        return self.answers if is_question(question) else self.instructions

    def judge(self, source: str, text: str | Sequence[str], question: str | None = None) -> Verdict:
        """Judge each claim of `text` against `source` (see Judge.judge for the contract)."""
        return on_one_scale(self.half(question).judge(source, text, question), self.name)
