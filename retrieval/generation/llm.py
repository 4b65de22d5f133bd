"""The model back-end: prompt an OpenAI-compatible server, then gate every sentence it writes."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from retrieval.chunk import ScoredChunk
from retrieval.errors import GenerationError
from retrieval.generation import Draft
from retrieval.generation.extractive import ExtractiveGenerator
from retrieval.generation.grounding import Checked, Gate, is_abstention
from retrieval.generation.llm_client import ChatClient, Messages
from retrieval.generation.markers import ModelSentence, finished, parse_output, split_output
from retrieval.generation.markers import fence_sources as fence
from retrieval.prompts import Prompt
from retrieval.streaming import DraftEvent, GeneratorEvent, NoteEvent, SentenceEvent, TokenEvent


class LLMGenerator:
    """Answers with a language model; the gate verifies each sentence and the extractive answer is the fallback."""

    def __init__(
        self,
        name: str,
        client: ChatClient,
        prompt: Prompt,
        gate: Gate,
        extractive: ExtractiveGenerator,
        fallback: bool = True,
    ) -> None:
        self.name = name
        self.client = client
        self.prompt = prompt
        self.gate = gate
        self.extractive = extractive
        self.fallback = fallback
        self.on_close: list[Callable[[], None]] = []

    def close(self) -> None:
        """Stop anything the back-end started (a local server)."""
        for stop in self.on_close:
            stop()

    def messages(self, question: str, contexts: Sequence[ScoredChunk]) -> Messages:
        """The rendered answer prompt, sources fenced and numbered from 1."""
        return self.prompt.render(question=question, sources=fence(contexts), n_sources=str(len(contexts)))

    def _abstains(self, question: str, contexts: Sequence[ScoredChunk]) -> bool:
        """The calibrated retrieval bar still decides abstention: no call to the model when nothing is relevant."""
        return not contexts or self.extractive.generate(question, contexts).abstained

    def _fallback(self, error: GenerationError, question: str, contexts: Sequence[ScoredChunk]) -> Draft:
        """The extractive answer with a note naming the failure, or the error when fallback is off."""
        if not self.fallback:
            raise error
        draft = self.extractive.generate(question, contexts)
        note = f"the {self.name} generator failed ({error}); the extractive answer is shown instead"
        return Draft(draft.sentences, draft.abstained, draft.relevance, notes=(note,), generator=self.extractive.name)

    def generate(self, question: str, contexts: Sequence[ScoredChunk]) -> Draft:
        """One completion, then the gate; on any endpoint failure, the extractive fallback."""
        if self._abstains(question, contexts):
            return Draft(sentences=(), abstained=True, relevance=0.0)
        try:
            text = self.client.complete(self.messages(question, contexts))
        except GenerationError as e:
            return self._fallback(e, question, contexts)
        return self.gate.ground(question, text, contexts)

    def stream(self, question: str, contexts: Sequence[ScoredChunk]) -> Iterator[GeneratorEvent]:
        """Tokens as they arrive, each sentence verified once finished, then the same draft `generate` gives."""
        if self._abstains(question, contexts):
            yield DraftEvent(Draft(sentences=(), abstained=True, relevance=0.0))
            return
        buffer = ""
        checked: dict[ModelSentence, Checked] = {}
        try:
            for delta in self.client.stream(self.messages(question, contexts)):
                buffer += delta
                yield TokenEvent(delta)
                done = parse_output(" ".join(split_output(buffer)[: finished(buffer)]))
                yield from self._check_new(question, done, contexts, checked)
        except GenerationError as e:
            draft = self._fallback(e, question, contexts)
            yield from (NoteEvent(n) for n in draft.notes)
            yield DraftEvent(draft)
            return
        if is_abstention(buffer):
            yield DraftEvent(self.gate.draft([], abstained=True))
            return
        final = parse_output(buffer)
        yield from self._check_new(question, final, contexts, checked)
        # Re-assembled from the full text so the draft equals the non-streaming one whatever the chunking.
        yield DraftEvent(self.gate.draft([checked[s] for s in final if s in checked]))

    def _check_new(
        self,
        question: str,
        sentences: Sequence[ModelSentence],
        contexts: Sequence[ScoredChunk],
        checked: dict[ModelSentence, Checked],
    ) -> Iterator[SentenceEvent]:
        """Verify the sentences not seen yet, and announce each verdict."""
        for sentence in sentences:
            if sentence in checked or is_abstention(sentence.text):
                continue
            checked[sentence] = result = self.gate.check(question, sentence, contexts)
            yield SentenceEvent(result.sentence, result.kept)
