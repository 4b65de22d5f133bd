"""The model back-end: prompt an OpenAI-compatible server, then gate every sentence it writes."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from retrieval.answer import Draft
from retrieval.chunk import ScoredChunk
from retrieval.errors import GenerationError
from retrieval.generation.composer import LLMComposer
from retrieval.generation.condense import LLMCondenser
from retrieval.generation.extractive import ExtractiveGenerator
from retrieval.generation.llm_client import ChatClient, Messages
from retrieval.generation.markers import fence_sources as fence
from retrieval.generation.synthesis import EvidenceWriter, GatedStream, abstention
from retrieval.prompts import Prompt, load_prompt
from retrieval.streaming import DraftEvent, GeneratorEvent, NoteEvent
from retrieval.support.gate import Gate


class LLMGenerator:
    """Answers with a language model; the gate verifies each sentence and the extractive answer is the fallback."""

    streams_tokens = True

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
        self.endpoint: str | None = client.config.base_url
        self.on_close: list[Callable[[], None]] = []
        # Set for the local back-end: answers written from the extractive evidence instead of whole passages.
        self.synthesis: EvidenceWriter | None = None

    def close(self) -> None:
        """Stop anything the back-end started (a local server); each stop is idempotent."""
        for stop in self.on_close:
            stop()

    def composer(self, prompts_dir: Path | None) -> LLMComposer:
        """A composer sharing this generator's client, gate and fallback policy (one server, one judge)."""
        prompts = {name: load_prompt(name, prompts_dir) for name in ("summarise", "draft")}
        return LLMComposer(self.name, self.client, prompts, self.gate, self.fallback)

    def condenser(self, prompts_dir: Path | None) -> LLMCondenser:
        """The model's rewrite of chat follow-ups into standalone questions."""
        return LLMCondenser(self.client, load_prompt("condense", prompts_dir))

    def reachable(self) -> bool:
        """Whether the model endpoint answers now (a cheap probe with a short timeout, for health checks)."""
        return self.client.reachable()

    def messages(self, question: str, contexts: Sequence[ScoredChunk]) -> Messages:
        """The rendered answer prompt, sources fenced and numbered from 1."""
        return self.prompt.render(question=question, sources=fence(contexts), n_sources=str(len(contexts)))

    def _fallback(self, error: GenerationError, extractive: Draft) -> Draft:
        """The extractive answer with a note naming the failure, or the error when fallback is off."""
        if not self.fallback:
            raise error
        note = f"the {self.name} generator failed ({error}); the extractive answer is shown instead"
        d = extractive
        return Draft(d.sentences, d.abstained, d.relevance, notes=(note,), generator=self.extractive.name)

    def generate(self, question: str, contexts: Sequence[ScoredChunk]) -> Draft:
        """One completion, then the gate; on any endpoint failure, the extractive fallback."""
        if self.synthesis is not None:
            return self.synthesis.generate(question, contexts)
        if not contexts:
            return Draft(sentences=(), abstained=True, relevance=0.0)
        # The calibrated retrieval bar still decides abstention: no call to the model when nothing is relevant.
        pre = self.extractive.generate(question, contexts)
        if pre.abstained:
            return abstention(pre)
        try:
            text = self.client.complete(self.messages(question, contexts))
        except GenerationError as e:
            return self._fallback(e, pre)
        return self.gate.ground(question, text, contexts)

    def stream(self, question: str, contexts: Sequence[ScoredChunk]) -> Iterator[GeneratorEvent]:
        """Tokens as they arrive, each sentence verified once finished, then the same draft `generate` gives."""
        if self.synthesis is not None:
            yield from self.synthesis.stream(question, contexts)
            return
        if not contexts:
            yield DraftEvent(Draft(sentences=(), abstained=True, relevance=0.0))
            return
        with ThreadPoolExecutor(max_workers=1) as pool:
            yield from self._stream(question, contexts, pool)

    def _stream(
        self, question: str, contexts: Sequence[ScoredChunk], pool: ThreadPoolExecutor
    ) -> Iterator[GeneratorEvent]:
        """The body of `stream`; the extractive draft (abstention verdict, fallback) is computed beside it."""
        stream = GatedStream(self.gate, question, contexts)
        pre: Future[Draft] | None = None
        tokens = self.client.stream(self.messages(question, contexts))
        try:
            for delta in tokens:
                # Started once the first token is in, so the check adds nothing to the time to first token;
                # its verdict is awaited before the first sentence is verified, and an abstention ends the stream.
                pre = pre or pool.submit(self.extractive.generate, question, contexts)
                yield stream.take(delta)
                done = stream.done()
                if (done or pre.done()) and pre.result().abstained:
                    break
                yield from stream.check(done)
        except GenerationError as e:
            draft = self._fallback(e, pre.result() if pre else self.extractive.generate(question, contexts))
            yield from (NoteEvent(n) for n in draft.notes)
            yield DraftEvent(draft)
            return
        finally:
            tokens.close()
        extractive = pre.result() if pre else self.extractive.generate(question, contexts)
        if extractive.abstained:
            yield DraftEvent(abstention(extractive))
            return
        draft = yield from stream.finish()
        yield DraftEvent(draft)
