"""The Generator contract: cited quotes of the given contexts or an abstention, streamed as it is generated."""

from __future__ import annotations

from collections.abc import Sequence

from retrieval.answer import Draft
from retrieval.chunk import ScoredChunk
from retrieval.generation import Generator
from retrieval.streaming import DraftEvent, TokenEvent

QUESTION = "Which Huawei chips achieved day-zero compatibility with DeepSeek V4?"


def assert_quotes_the_contexts(draft: Draft, contexts: Sequence[ScoredChunk]) -> None:
    """Every citation is a span of a given context, its quote the context's text there."""
    chunks = {c.chunk.id: c.chunk for c in contexts}
    for sentence in draft.sentences:
        assert sentence.citations or not sentence.supported, sentence
        for c in sentence.citations:
            chunk = chunks[c.chunk_id]
            assert c.doc_id == chunk.doc_id and chunk.start <= c.start < c.end <= chunk.end, c
            assert chunk.text[c.start - chunk.start : c.end - chunk.start] == c.quote, c


class GeneratorContract:
    """Subclass it and provide `subject` (the generator under test) and `contexts` (passages for QUESTION).

    `may_abstain` is True for a back-end allowed to abstain on an answerable question, or to show its evidence
    instead (a tiny model whose every sentence the gate may remove).
    """

    may_abstain = False

    def test_generate_cites_quotes_of_the_contexts(self, subject: Generator, contexts: list[ScoredChunk]) -> None:
        draft = subject.generate(QUESTION, contexts)
        assert isinstance(draft, Draft) and draft.relevance >= 0.0
        assert draft.abstained == (not draft.sentences)
        assert self.may_abstain or not draft.abstained
        # A back-end that is up writes its own draft: no fallback to another one (except that a tiny model whose
        # every sentence the gate removed may show its evidence instead, with a note).
        assert draft.generator in ("", subject.name) or (self.may_abstain and draft.notes)
        assert not draft.failed
        assert_quotes_the_contexts(draft, contexts)

    def test_abstains_without_contexts(self, subject: Generator) -> None:
        draft = subject.generate(QUESTION, [])
        assert draft.abstained and not draft.sentences
        *_, last = subject.stream(QUESTION, [])
        assert isinstance(last, DraftEvent) and last.draft.abstained and not last.draft.sentences

    def test_stream_ends_with_the_draft_generate_gives(self, subject: Generator, contexts: list[ScoredChunk]) -> None:
        events = list(subject.stream(QUESTION, contexts))
        drafts = [e for e in events if isinstance(e, DraftEvent)]
        assert len(drafts) == 1 and events[-1] is drafts[0]
        assert drafts[0].draft == subject.generate(QUESTION, contexts)
        assert subject.streams_tokens or not any(isinstance(e, TokenEvent) for e in events)

    def test_describes_itself(self, subject: Generator) -> None:
        assert subject.name and isinstance(subject.streams_tokens, bool)
        assert subject.endpoint is None or subject.endpoint.startswith("http")
        assert isinstance(subject.reachable(), bool)

    def test_close_is_idempotent(self, subject: Generator) -> None:
        # Last in the class: a closed back-end may have stopped its server.
        subject.close()
        subject.close()
