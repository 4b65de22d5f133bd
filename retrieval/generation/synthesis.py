"""Synthesis answers: the extractive path selects the evidence and decides abstention; a model writes from it."""

from __future__ import annotations

from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass, field

from retrieval.answer import Draft
from retrieval.chunk import ScoredChunk
from retrieval.errors import GenerationError
from retrieval.generation.composer import LLMComposer, evidence_contexts
from retrieval.generation.extractive import ExtractiveGenerator
from retrieval.generation.llm_client import Messages
from retrieval.generation.markers import ModelSentence, finished, parse_output, split_output
from retrieval.streaming import DraftEvent, GeneratorEvent, NoteEvent, SentenceEvent, TokenEvent
from retrieval.support.gate import Checked, Gate, is_abstention
from retrieval.writing.compose import Task


def abstention(extractive: Draft) -> Draft:
    """The abstention when the retrieved passages do not reach the calibrated bar."""
    return Draft(sentences=(), abstained=True, relevance=extractive.relevance)


@dataclass
class GatedStream:
    """A model's answer as it streams in: each sentence checked by the gate once it is finished, and at the end
    the draft re-assembled from the whole text (so it equals the non-streaming one whatever the chunking)."""

    gate: Gate
    question: str
    contexts: Sequence[ScoredChunk]
    buffer: str = ""
    checked: dict[ModelSentence, Checked] = field(default_factory=dict)

    def take(self, delta: str) -> TokenEvent:
        """One more piece of the model's text."""
        self.buffer += delta
        return TokenEvent(delta)

    def done(self) -> list[ModelSentence]:
        """The sentences finished so far."""
        return parse_output(" ".join(split_output(self.buffer)[: finished(self.buffer)]))

    def check(self, sentences: Sequence[ModelSentence]) -> Iterator[SentenceEvent]:
        """Verify the sentences not seen yet (the abstention reply is none), and announce each verdict."""
        for sentence in sentences:
            if sentence in self.checked or is_abstention(sentence.text):
                continue
            self.checked[sentence] = result = self.gate.check(self.question, sentence, self.contexts)
            yield SentenceEvent(result.sentence, result.kept)

    def finish(self) -> Generator[SentenceEvent, None, Draft]:
        """The verdicts of the sentences left, then (returned) the gated draft of the whole text."""
        if is_abstention(self.buffer):
            return self.gate.draft([], abstained=True)
        final = [s for s in parse_output(self.buffer) if not is_abstention(s.text)]
        yield from self.check(final)
        return self.gate.draft([self.checked[s] for s in final])


@dataclass(frozen=True)
class Plan:
    """What the model is asked: the task, the evidence sentences (as sources) and the sentence limit."""

    task: Task
    evidence: Draft
    sources: list[ScoredChunk]
    limit: int


class EvidenceWriter:
    """Answers a model writes from up to N evidence sentences the extractive selection chose, then gated.

    The model only ever sees those sentences (numbered, fenced), so every citation the gate attaches quotes one
    of them; an abstention of the selection is final and costs no model call.
    """

    def __init__(self, evidence: ExtractiveGenerator, composer: LLMComposer, limit: int) -> None:
        self.evidence = evidence
        self.composer = composer
        self.limit = limit

    def select(self, question: str, contexts: Sequence[ScoredChunk]) -> Draft:
        """The extractive selection, widened to the evidence limit; its abstention is the answer's."""
        return self.evidence.generate(question, contexts) if contexts else Draft((), True, 0.0)

    def plan(self, question: str, evidence: Draft) -> Plan:
        """What the model is asked for `question` over these evidence sentences."""
        sources = evidence_contexts(evidence.sentences)
        return Plan(Task("answer", question), evidence, sources, min(self.limit, len(sources)))

    def messages(self, plan: Plan) -> Messages:
        """The rendered synthesise prompt over the plan's evidence."""
        return self.composer.messages(plan.task, plan.sources, plan.limit)

    def generate(self, question: str, contexts: Sequence[ScoredChunk]) -> Draft:
        """The extractive selection, then the model's answer from it (see `write`)."""
        return self.write(question, self.select(question, contexts))

    def stream(self, question: str, contexts: Sequence[ScoredChunk]) -> Iterator[GeneratorEvent]:
        """The extractive selection, then the model's answer from it as events (see `write_stream`)."""
        return self.write_stream(question, self.select(question, contexts))

    def write(self, question: str, evidence: Draft) -> Draft:
        """The model's answer from any offline path's evidence draft (an abstention stays one, with no call).

        One completion, then the gate; the evidence itself, with a note, when the model fails or the gate
        leaves nothing.
        """
        if evidence.abstained:
            return abstention(evidence)
        plan = self.plan(question, evidence)
        return self.composer.compose(plan.task, evidence.sentences, plan.limit)

    def write_stream(self, question: str, evidence: Draft) -> Iterator[GeneratorEvent]:
        """Tokens as they arrive, each sentence verified once finished, then the draft `write` gives."""
        plan = self.plan(question, evidence)
        if evidence.abstained:
            yield DraftEvent(abstention(evidence))
        elif not plan.sources:
            yield from _shown(self.composer.compose(plan.task, evidence.sentences, plan.limit))
        else:
            yield from self._stream(question, plan)

    def _stream(self, question: str, plan: Plan) -> Iterator[GeneratorEvent]:
        """The body of `stream` once the evidence is chosen."""
        composer = self.composer
        stream = GatedStream(composer.gate, question, plan.sources)
        tokens = composer.client.stream(self.messages(plan), max_tokens=composer.max_tokens(plan.limit))
        try:
            for delta in tokens:
                yield stream.take(delta)
                yield from stream.check(stream.done())
        except GenerationError as e:
            yield from _shown(composer.failed(plan.task, plan.evidence.sentences, plan.limit, e))
            return
        finally:
            tokens.close()
        gated = yield from stream.finish()
        draft = composer.finish(plan.task, plan.evidence.sentences, gated, plan.limit)
        if draft.generator != composer.name:
            yield from _shown(draft)
            return
        yield DraftEvent(draft)


def _shown(fallback: Draft) -> Iterator[GeneratorEvent]:
    """A fallback draft's notes and sentences (all evidence quotes, so all kept), then the draft."""
    yield from (NoteEvent(n) for n in fallback.notes)
    yield from (SentenceEvent(s, kept=True) for s in fallback.sentences)
    yield DraftEvent(fallback)
