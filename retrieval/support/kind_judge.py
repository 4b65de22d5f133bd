"""The default offline judge: the support blend for summary claims, the rules for answers to a question."""

from __future__ import annotations

from collections.abc import Sequence

from retrieval.index.embedding import Embedder
from retrieval.settings import Settings
from retrieval.support.judge import Judge, OfflineJudge
from retrieval.support.model_judge import SupportJudge
from retrieval.support.verdict import SentenceVerdict, Verdict

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


class KindAwareJudge:
    """Claims without a question (summaries, drafts, cited sentences) go to the support judge; answers to the rules.

    Validation chose the split: the NLI blend beat the rules on the 7 non-news SummEdits domains (AUC 0.709
    against 0.623, nested leave-one-domain-out) and on planted seed errors, while the rules beat it on HaluEval
    QA answers (AUC 0.888 against 0.787). Each half keeps its own fitted threshold, mapped to 0.5 here.
    """

    name = "offline"
    threshold = MIDPOINT

    def __init__(self, rules: OfflineJudge, support: SupportJudge) -> None:
        self.rules = rules
        self.support = support
        self.fallback: Judge | None = None

    @classmethod
    def from_settings(cls, settings: Settings, embedder: Embedder) -> KindAwareJudge:
        """Both halves built from settings; they share one source cache, so a source is embedded once."""
        rules = OfflineJudge.from_settings(settings, embedder)
        return cls(rules, SupportJudge.over(rules, settings))

    def half(self, question: str | None) -> Judge:
        """The judge for this kind of text: the rules for an answer to a question, else the support blend."""
        return self.rules if question else self.support

    def judge(self, source: str, text: str | Sequence[str], question: str | None = None) -> Verdict:
        """Judge each claim of `text` against `source` (see Judge.judge for the contract)."""
        return on_one_scale(self.half(question).judge(source, text, question), self.name)
