"""The local back-end's synthesis path against a real OpenAI-compatible server on 127.0.0.1 (the stub).

The extractive selection chooses the evidence and decides abstention; the model sees only those sentences;
the gate removes what they do not support; streaming ends with the answer `ask` gives.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from retrieval.answer import Draft
from retrieval.generation.backends import local_generator
from retrieval.generation.llm import LLMGenerator
from retrieval.index.embedding import SentenceTransformerEmbedder
from retrieval.search.whole import whole_sentences
from retrieval.service import BriefLens
from retrieval.settings import Settings
from retrieval.streaming import AnswerEvent, DraftEvent, NoteEvent, SentenceEvent, TokenEvent
from tests.retrieval.model_helpers import number_of, sources
from tests.retrieval.openai_stub import Script, serve

QUESTION = "Which Huawei chips achieved day-zero compatibility with DeepSeek V4?"
FAITHFUL = "Huawei's Ascend 950PR and 950DT chips achieved day-zero compatibility with DeepSeek V4"
INVENTED = "Huawei also shipped four million Ascend chips to Brazil in 2019"


@contextmanager
def local_model(lens: BriefLens, embedder: SentenceTransformerEmbedder, url: str, **extra: Any) -> Iterator[BriefLens]:
    """The lens answering through the local back-end's synthesis path on the server at `url`; restored after."""
    values: dict[str, Any] = {"data_dir": lens.settings.data_dir, "llm_retries": 0, "local_timeout": 5.0}
    settings = Settings(_env_file=None, generator="local", **{**values, **extra})  # type: ignore[call-arg]
    saved = lens.generator
    lens.generator = local_generator(settings, embedder, url)
    try:
        yield lens
    finally:
        lens.generator = saved


def writes_from_evidence(messages: list[dict[str, str]]) -> str:
    """A model that restates the chip sentence with its number, then adds a sentence no evidence supports."""
    n = number_of(messages, "950PR")
    faithful = f"{FAITHFUL} [{n}]. " if n else ""
    return f"{faithful}{INVENTED} [1]."


def test_the_model_sees_only_the_selected_evidence(lens: BriefLens, embedder: SentenceTransformerEmbedder) -> None:
    script = Script([("ok", "")], respond=writes_from_evidence)
    with serve(script) as url, local_model(lens, embedder, url, local_evidence_sentences=4) as m:
        generator = m.generator
        assert isinstance(generator, LLMGenerator) and generator.synthesis is not None
        # The passages `ask` reads: the hits grown to whole sentences.
        hits = whole_sentences(m.search(QUESTION), m.index.catalog.document)
        plan = generator.synthesis.plan(QUESTION, generator.synthesis.select(QUESTION, hits))
        answer = m.ask(QUESTION)
    assert script.calls == 1
    given = sources(script.requests[0]["messages"])
    evidence = [" ".join(s.text.split()) for s in plan.evidence.sentences]
    # Exactly the evidence sentences, numbered 1..n, and nothing else of the retrieved passages.
    assert 1 <= len(given) <= 4 and [" ".join(body.split()) for _, body in sorted(given.items())] == evidence
    passages = " ".join(h.chunk.text for h in hits)
    assert sum(len(body) for body in given.values()) < len(passages) / 2
    assert answer.generator == "local" and not answer.abstained
    for c in answer.citations:
        assert any(c.quote in s.text or c.quote in " ".join(s.text.split()) for s in plan.evidence.sentences), c


def test_abstention_skips_the_model(lens: BriefLens, embedder: SentenceTransformerEmbedder) -> None:
    script = Script([("ok", "The population of Brazil is 213 million [1].")])
    with serve(script) as url, local_model(lens, embedder, url) as m:
        answer = m.ask("What is the population of Brazil?")
        events = list(m.ask_stream("What is the population of Brazil?"))
    assert answer.abstained and answer.answer == "The corpus does not say." and not answer.citations
    assert not any(isinstance(e, TokenEvent) for e in events)
    assert isinstance(events[-1], AnswerEvent) and events[-1].answer == answer
    assert script.calls == 0


def test_the_gate_removes_the_unsupported_sentence(lens: BriefLens, embedder: SentenceTransformerEmbedder) -> None:
    script = Script([("ok", "")], respond=writes_from_evidence)
    with serve(script) as url, local_model(lens, embedder, url) as m:
        answer = m.ask(QUESTION)
        events = list(m.ask_stream(QUESTION))
    assert answer.generator == "local" and answer.removed_sentences == 1
    assert [s.text for s in answer.sentences] == [FAITHFUL + "."]
    cited = answer.citations[0]
    doc = lens.index.catalog.document(cited.doc_id)
    assert "950PR" in cited.quote and doc is not None and doc.text[cited.start : cited.end] == cited.quote
    # Streaming: tokens, both verdicts as each sentence finishes, then the same answer.
    verdicts = [(e.sentence.text, e.kept) for e in events if isinstance(e, SentenceEvent)]
    assert (FAITHFUL + ".", True) in verdicts and (INVENTED + ".", False) in verdicts
    assert any(isinstance(e, TokenEvent) for e in events)
    assert isinstance(events[-1], AnswerEvent) and events[-1].answer == answer


def test_nothing_supported_shows_the_evidence_with_a_note(
    lens: BriefLens, embedder: SentenceTransformerEmbedder
) -> None:
    script = Script([("ok", f"{INVENTED} [1].")])
    with serve(script) as url, local_model(lens, embedder, url) as m:
        answer = m.ask(QUESTION)
        events = list(m.ask_stream(QUESTION))
    assert answer.generator == "extractive" and answer.removed_sentences == 1 and not answer.abstained
    assert "wrote nothing the sources support" in answer.notes[-1]
    assert any("950PR" in s.text for s in answer.sentences)
    assert any(isinstance(e, NoteEvent) for e in events)
    assert isinstance(events[-1], AnswerEvent) and events[-1].answer == answer


def test_a_failing_model_falls_back_to_the_evidence(lens: BriefLens, embedder: SentenceTransformerEmbedder) -> None:
    script = Script([("malformed", "")])
    with serve(script) as url, local_model(lens, embedder, url) as m:
        answer = m.ask(QUESTION)
    assert answer.generator == "extractive" and "failed" in answer.notes[0]
    assert any("950PR" in s.text for s in answer.sentences)


def test_evidence_sentences_zero_sends_whole_passages(lens: BriefLens, embedder: SentenceTransformerEmbedder) -> None:
    script = Script([("ok", "")], respond=writes_from_evidence)
    with serve(script) as url, local_model(lens, embedder, url, local_evidence_sentences=0) as m:
        assert isinstance(m.generator, LLMGenerator) and m.generator.synthesis is None
        m.ask(QUESTION)
    given = sources(script.requests[0]["messages"])
    assert len(given) == len(m.search(QUESTION))


@pytest.mark.parametrize("limit", [1, 2])
def test_the_prompt_asks_for_at_most_the_answer_limit(
    lens: BriefLens, embedder: SentenceTransformerEmbedder, limit: int
) -> None:
    script = Script([("ok", "")], respond=writes_from_evidence)
    with serve(script) as url, local_model(lens, embedder, url, answer_max_sentences=limit) as m:
        answer = m.ask(QUESTION)
    messages = script.requests[0]["messages"]
    # Never more sentences than evidence sentences either.
    assert f"at most {min(limit, len(sources(messages)))} cited sentences" in messages[-1]["content"]
    assert len(answer.sentences) <= limit


def test_any_offline_evidence_can_be_written_up(lens: BriefLens, embedder: SentenceTransformerEmbedder) -> None:
    """`write` takes another offline path's draft (e.g. a list's sentences) as the evidence, numbered as given."""
    script = Script([("ok", "")], respond=writes_from_evidence)
    with serve(script) as url, local_model(lens, embedder, url) as m:
        generator = m.generator
        assert isinstance(generator, LLMGenerator) and generator.synthesis is not None
        offline = m.ask(QUESTION, extractive=True)
        evidence = Draft(offline.sentences, abstained=False, relevance=offline.relevance)
        written = generator.synthesis.write(QUESTION, evidence)
        events = list(generator.synthesis.write_stream(QUESTION, evidence))
        nothing = generator.synthesis.write(QUESTION, Draft((), abstained=True, relevance=0.1))
    assert [s.text for s in written.sentences] == [FAITHFUL + "."] and written.removed == 1
    assert isinstance(events[-1], DraftEvent) and events[-1].draft == written
    assert nothing.abstained and script.calls == 2


WHY = "Why could the US distillation crackdown benefit the stronger Chinese AI players?"
METADATA = "When was the Big Picture Brief last updated?"


def restates_first_source(messages: list[dict[str, str]]) -> str:
    """A model that restates source [1] word for word, citing it."""
    first = sources(messages)[1]
    return f"{' '.join(first.split()).rstrip('.')} [1]."


def test_the_local_model_writes_a_reason_from_the_offline_why_evidence(
    lens: BriefLens, embedder: SentenceTransformerEmbedder
) -> None:
    offline = lens.ask(WHY)
    assert offline.kind == "why" and len(offline.sentences) >= 2
    script = Script([("ok", "")], respond=restates_first_source)
    with serve(script) as url, local_model(lens, embedder, url) as m:
        answer = m.ask(WHY)
        events = list(m.ask_stream(WHY))
    given = [" ".join(body.split()) for _, body in sorted(sources(script.requests[0]["messages"]).items())]
    # The model saw exactly the offline answer's sentences, and its sentence survived the gate with a quote.
    assert given == [" ".join(s.text.split()) for s in offline.sentences]
    assert answer.kind == "why" and answer.generator == "local" and not answer.abstained
    assert answer.sentences and all(s.citations for s in answer.sentences)
    for c in answer.citations:
        doc = lens.index.catalog.document(c.doc_id)
        assert doc is not None and doc.text[c.start : c.end] == c.quote
    assert {c.chunk_id for c in answer.citations} <= {ctx.chunk_id for ctx in answer.contexts}
    assert any(isinstance(e, TokenEvent) for e in events)
    assert isinstance(events[-1], AnswerEvent) and events[-1].answer.answer == answer.answer


def test_metadata_stays_offline_with_the_local_model(lens: BriefLens, embedder: SentenceTransformerEmbedder) -> None:
    script = Script([("ok", "It was updated yesterday [1].")])
    with serve(script) as url, local_model(lens, embedder, url) as m:
        answer = m.ask(METADATA)
    assert script.calls == 0
    assert answer.kind == "metadata" and "Mar 1, 2026" in answer.answer
    assert answer.answer == lens.ask(METADATA).answer
    # No model wrote it, and the JSON says so.
    assert answer.generator == "extractive"
