"""Abstractive summaries and drafts: model text from fenced evidence, gated like answers, extractive on failure."""

from __future__ import annotations

import pytest

from retrieval.generation.local import LocalServer, free_port
from retrieval.index.embedding import SentenceTransformerEmbedder
from retrieval.service import BriefLens
from tests.llm_fixtures import needs_local
from tests.retrieval.model_helpers import assert_verbatim, number_of, sources, with_model
from tests.retrieval.openai_stub import Script, serve

BRIEF = "000_e770148319605323"
DRAFT_TITLE = "Model distillation and export controls"
UNSUPPORTED = "The briefs conclude that every G7 government abolished its chip export controls in 2019"


def summary_reply(messages: list[dict[str, str]]) -> str:
    """Hand-written model text: two faithful paraphrases, one unsupported claim, one citation to source 9."""
    distil, yuan, kimi = (number_of(messages, w) for w in ("distillation", "6.8 billion yuan", "Kimi K2.6"))
    assert distil and yuan and kimi, "the evidence this reply paraphrases is in the prompt"
    return (
        f"The White House has threatened action against Chinese distillation of US frontier models [{distil}]. "
        f"{UNSUPPORTED} [1]. "
        f"State Grid committed 6.8 billion yuan to deploy AI-powered robots across power grid infrastructure [{yuan}]. "
        f"Moonshot AI's Kimi K2.6 outperformed DeepSeek V4 Pro on Artificial Analysis benchmarks [{kimi}][9]."
    )


def test_abstractive_summary_keeps_supported_removes_unsupported(
    lens: BriefLens, embedder: SentenceTransformerEmbedder
) -> None:
    script = Script([("ok", "")], respond=summary_reply)
    with serve(script) as url, with_model(lens, embedder, url) as m:
        summary = m.summarize(ref=BRIEF, bullets=4)
    assert script.calls == 1
    assert summary.generator == "openai" and summary.notes == ()
    assert summary.removed_sentences == 1 and summary.dropped_citations == 1
    texts = [s.text for s in summary.sentences]
    assert len(texts) == 3 and not any("G7" in t for t in texts)
    assert any(t.startswith("The White House has threatened") for t in texts)
    assert_verbatim(lens, summary.sentences)
    kimi = next(s for s in summary.sentences if "Kimi" in s.text)
    assert len(kimi.citations) == 1 and "Kimi K2.6" in kimi.citations[0].quote
    # The counts are part of the JSON contract (`summarize --json`).
    assert summary.model_dump(mode="json")["removed_sentences"] == 1


def draft_reply(messages: list[dict[str, str]]) -> str:
    """Each subsection: the first source restated with a bogus extra marker, plus one unsupported claim."""
    body = sources(messages)[1]
    return f"{body.rstrip('.')} [1][9]. {UNSUPPORTED} [1]."


def test_abstractive_draft_gates_every_subsection(lens: BriefLens, embedder: SentenceTransformerEmbedder) -> None:
    script = Script([("ok", "")], respond=draft_reply)
    with serve(script) as url, with_model(lens, embedder, url) as m:
        draft = m.draft(DRAFT_TITLE)
    written = [s for s in draft.subsections if s.sentences]
    assert draft.generator == "openai" and script.calls == len(written) >= 3
    assert draft.removed_sentences == script.calls and draft.dropped_citations == script.calls
    for sub in draft.subsections:
        assert not any("G7" in s.text for s in sub.sentences)
        assert_verbatim(lens, sub.sentences)
        assert sub.flag == ("single source" if len(sub.doc_ids) == 1 else "no source" if not sub.doc_ids else None)
    for request in script.requests:
        assert "Outline of the section" in request["messages"][-1]["content"]
    assert {c.doc_id for c in draft.citations} == {s.doc_id for s in draft.sources}


def test_down_endpoint_falls_back_to_extractive_with_a_note(
    lens: BriefLens, embedder: SentenceTransformerEmbedder
) -> None:
    extractive = lens.summarize(ref=BRIEF, bullets=4)
    with with_model(lens, embedder, f"http://127.0.0.1:{free_port()}/v1", llm_retries=0) as m:
        summary = m.summarize(ref=BRIEF, bullets=4)
    assert summary.generator == "extractive" and summary.sentences == extractive.sentences
    (note,) = summary.notes
    assert "openai generator failed" in note and "cannot reach" in note


def test_draft_stops_calling_a_failed_model(lens: BriefLens, embedder: SentenceTransformerEmbedder) -> None:
    extractive = lens.draft(DRAFT_TITLE)
    script = Script([("malformed", "")])
    with serve(script) as url, with_model(lens, embedder, url, llm_retries=0) as m:
        draft = m.draft(DRAFT_TITLE)
    assert script.calls == 1, "one failure is enough: later subsections are written without the model"
    assert draft.generator == "extractive" and draft.subsections == extractive.subsections
    assert len(draft.notes) == 1 and "malformed" in draft.notes[0]


@pytest.mark.slow
@needs_local
def test_local_model_summary_and_draft_are_verified(
    lens: BriefLens, embedder: SentenceTransformerEmbedder, llm_server: LocalServer
) -> None:
    with with_model(lens, embedder, llm_server.base_url, llm_timeout=120.0) as m:
        summary = m.summarize(ref=BRIEF, bullets=4)
        draft = m.draft(DRAFT_TITLE)
    for result in (summary, draft):
        assert result.generator in {"openai", "extractive"}
        assert result.removed_sentences >= 0 and result.dropped_citations >= 0
        assert all("failed" not in note for note in result.notes), result.notes
    assert not summary.abstained and summary.sentences
    assert_verbatim(lens, summary.sentences)
    for sub in draft.subsections:
        assert_verbatim(lens, sub.sentences)
