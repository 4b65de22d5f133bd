"""The model composer: summaries and draft paragraphs written by a language model, then gated like answers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from retrieval.answer import AnswerSentence, Draft
from retrieval.chunk import Chunk, ScoredChunk
from retrieval.errors import GenerationError
from retrieval.generation.llm_client import ChatClient, Messages
from retrieval.generation.markers import fence_sources
from retrieval.prompts import Prompt
from retrieval.support.gate import Gate
from retrieval.writing.compose import ExtractiveComposer, Task

# Room for the sentences asked for: about 48 tokens each, never less than the configured answer limit.
TOKENS_PER_SENTENCE = 48


def evidence_contexts(evidence: Sequence[AnswerSentence]) -> list[ScoredChunk]:
    """Each evidence sentence as a numbered source: its quote, located where it sits in its brief.

    The gate then quotes inside these spans only, so every citation it attaches is a span of the brief
    (document offsets = the quote's start plus the offset within it).
    """
    out: list[ScoredChunk] = []
    for sentence in evidence:
        if not sentence.citations:
            continue
        c = sentence.citations[0]
        chunk = Chunk(id=c.chunk_id, doc_id=c.doc_id, text=c.quote, start=c.start, end=c.end, section=c.section)
        out.append(ScoredChunk(chunk=chunk, score=sentence.support, source=c.source, title=c.title, date=c.date))
    return out


class LLMComposer:
    """Rewrites the selected evidence with a model; the gate verifies each sentence; the evidence is the fallback."""

    def __init__(
        self, name: str, client: ChatClient, prompts: dict[str, Prompt], gate: Gate, fallback: bool = True
    ) -> None:
        self.name = name
        self.client = client
        self.prompts = prompts
        self.gate = gate
        self.fallback = fallback
        self.extractive = ExtractiveComposer()

    def messages(self, task: Task, contexts: Sequence[ScoredChunk], limit: int) -> Messages:
        """The rendered summarise, draft or synthesise prompt, evidence fenced and numbered from 1."""
        sources, n = fence_sources(contexts), str(len(contexts))
        if task.kind == "answer":
            prompt = self.prompts["synthesise"]
            return prompt.render(question=task.title, sources=sources, n_sources=n, limit=str(limit))
        if task.kind == "summary":
            return self.prompts["summarise"].render(title=task.title, sources=sources, n_sources=n, limit=str(limit))
        outline = "\n".join(f"- {h}" for h in task.outline) or f"- {task.heading}"
        return self.prompts["draft"].render(
            title=task.title,
            heading=task.heading,
            guidance=task.guidance or "(none)",
            outline=outline,
            sources=sources,
            n_sources=n,
            limit=str(limit),
        )

    def _fallback(self, extractive: Draft, note: str, gated: Draft | None = None, failed: bool = False) -> Draft:
        """The extractive sentences with a note, keeping whatever the gate counted."""
        counts = gated or Draft((), abstained=True, relevance=0.0)
        return replace(
            extractive,
            removed=counts.removed,
            flagged=counts.flagged,
            dropped_citations=counts.dropped_citations,
            notes=(*counts.notes, note),
            generator=self.extractive.name,
            failed=failed,
        )

    def compose(self, task: Task, evidence: Sequence[AnswerSentence], limit: int) -> Draft:
        """One completion over the evidence, then the gate; on failure or nothing supported, the evidence itself."""
        contexts = evidence_contexts(evidence)
        if not contexts:
            return self.extractive.compose(task, evidence, limit)
        try:
            text = self.client.complete(self.messages(task, contexts, limit), max_tokens=self.max_tokens(limit))
        except GenerationError as e:
            return self.failed(task, evidence, limit, e)
        return self.finish(task, evidence, self.gate.ground(task.instruction, text, contexts), limit)

    def max_tokens(self, limit: int) -> int:
        """Room for `limit` sentences, never less than the configured reply length."""
        return max(self.client.config.max_tokens, TOKENS_PER_SENTENCE * limit)

    def failed(self, task: Task, evidence: Sequence[AnswerSentence], limit: int, error: GenerationError) -> Draft:
        """The evidence itself with a note naming the failure, or the error when fallback is off."""
        if not self.fallback:
            raise error
        note = f"the {self.name} generator failed ({error}); extractive text is shown"
        return self._fallback(self.extractive.compose(task, evidence, limit), note, failed=True)

    def finish(self, task: Task, evidence: Sequence[AnswerSentence], gated: Draft, limit: int) -> Draft:
        """The gated model text, at most `limit` distinct sentences; the evidence itself when the gate left nothing."""
        if not gated.sentences:
            note = f"the {self.name} generator wrote nothing the sources support; extractive text is shown"
            return self._fallback(self.extractive.compose(task, evidence, limit), note, gated)
        # The gate may keep more sentences than asked for; the prompt's limit is a request, this one is kept.
        return replace(gated, sentences=distinct(gated.sentences)[:limit], generator=self.name)


def distinct(sentences: Sequence[AnswerSentence]) -> tuple[AnswerSentence, ...]:
    """Drop a sentence resting on exactly the quotes of one already kept: small models restate their evidence."""
    seen: set[frozenset[tuple[str, int, int]]] = set()
    out: list[AnswerSentence] = []
    for sentence in sentences:
        spans = frozenset((c.doc_id, c.start, c.end) for c in sentence.citations)
        if spans and spans in seen:
            continue
        seen.add(spans)
        out.append(sentence)
    return tuple(out)
