"""The faithfulness gate: check each model sentence against its cited sources and attach exact quotes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from retrieval.answer import AnswerSentence, Draft
from retrieval.chunk import ScoredChunk
from retrieval.citation import Citation
from retrieval.generation.markers import ModelSentence, parse_output
from retrieval.textnorm import normalize

if TYPE_CHECKING:
    from retrieval.support.judge import Judge
    from retrieval.support.verdict import SentenceVerdict

GateMode = Literal["off", "flag", "remove"]
ABSTAIN_REPLY = "the corpus does not say."


@dataclass(frozen=True)
class Checked:
    """One model sentence after the gate: the answer sentence, whether it is shown, and what was dropped."""

    sentence: AnswerSentence
    kept: bool
    dropped_citations: int


@dataclass
class Tally:
    """Counts of what the gate did to one answer."""

    removed: int = 0
    flagged: int = 0
    dropped: int = 0
    kept: list[AnswerSentence] = field(default_factory=list)


def _citation(ctx: ScoredChunk, verdict: SentenceVerdict) -> Citation:
    """A citation quoting the judge's best supporting sentence of the chunk, at document offsets."""
    return Citation.quoting(ctx, verdict.quote, ctx.chunk.start + verdict.start, ctx.chunk.start + verdict.end)


class Gate:
    """Verifies model sentences with a faithfulness judge; unsupported ones are removed, flagged or kept."""

    def __init__(self, judge: Judge, mode: GateMode = "remove") -> None:
        self.judge = judge
        self.mode = mode

    def _support(self, question: str, text: str, contexts: Sequence[ScoredChunk]) -> tuple[list[Citation], float]:
        """Citations of the contexts that support the sentence, best first, and the best score seen."""
        found: list[tuple[float, Citation]] = []
        best = 0.0
        for ctx in contexts:
            verdict = self.judge.judge(ctx.chunk.text, [text], question).sentences[0]
            best = max(best, verdict.score)
            if verdict.supported:
                found.append((verdict.score, _citation(ctx, verdict)))
        found.sort(key=lambda pair: -pair[0])
        return [c for _, c in found], best

    def check(self, question: str, sentence: ModelSentence, contexts: Sequence[ScoredChunk]) -> Checked:
        """Verify one sentence against the sources it cites (or, citing none that exist, against all of them)."""
        given = [n for n in sentence.cited if 1 <= n <= len(contexts)]
        dropped = len(sentence.cited) - len(given)
        # A sentence that cites real sources is checked against those only: a wrong citation is not repaired.
        pool = [contexts[n - 1] for n in given] if given else list(contexts)
        citations, score = self._support(question, sentence.text, pool)
        if not given:
            # Attached by alignment: one citation, and only when the judge says the chunk supports the sentence.
            citations = citations[:1]
        supported = bool(citations)
        answer_sentence = AnswerSentence(
            text=sentence.text, citations=tuple(citations), supported=supported, support=round(score, 4)
        )
        return Checked(answer_sentence, supported or self.mode != "remove", dropped)

    def tally(self, checked: Sequence[Checked]) -> Tally:
        """Count removed, flagged and dropped, and collect the sentences shown."""
        tally = Tally()
        for item in checked:
            tally.dropped += item.dropped_citations
            if not item.sentence.supported:
                if self.mode == "remove":
                    tally.removed += 1
                elif self.mode == "flag":
                    tally.flagged += 1
            if item.kept:
                tally.kept.append(item.sentence)
        return tally

    def draft(self, checked: Sequence[Checked], abstained: bool = False, notes: tuple[str, ...] = ()) -> Draft:
        """The draft the gate lets through; an answer with nothing left abstains."""
        tally = self.tally(checked)
        kept = tuple(tally.kept)
        relevance = max((s.support for s in kept), default=0.0)
        if tally.removed and not kept:
            notes = (*notes, f"all {tally.removed} generated sentences were unsupported by the sources and removed")
        return Draft(
            sentences=kept,
            abstained=abstained or not kept,
            relevance=relevance,
            removed=tally.removed,
            flagged=tally.flagged,
            dropped_citations=tally.dropped,
            notes=notes,
            keep_unsupported=self.mode != "remove",
        )

    def ground(self, question: str, text: str, contexts: Sequence[ScoredChunk]) -> Draft:
        """Gate a complete model answer (the non-streaming path; streaming checks the same sentences one by one)."""
        if is_abstention(text):
            return self.draft([], abstained=True)
        sentences = [s for s in parse_output(text) if not is_abstention(s.text)]
        return self.draft([self.check(question, s, contexts) for s in sentences])


def is_abstention(text: str) -> bool:
    """The model said the corpus does not say (the answer prompt's fixed reply)."""
    return normalize(text).lower().startswith(ABSTAIN_REPLY)
