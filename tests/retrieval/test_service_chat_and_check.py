"""The facade's pieces behind the OpenAI and MCP front ends: chat condensation, the extractive variant, `check`."""

from __future__ import annotations

import pytest

from retrieval.errors import DocumentNotFound, QueryError
from retrieval.generation.local import free_port
from retrieval.index.embedding import SentenceTransformerEmbedder
from retrieval.service import BriefLens
from tests.retrieval.model_helpers import with_model

HUAWEI = "Which Huawei chips achieved day-zero compatibility with DeepSeek V4?"
SAUDI = "004_65154c0ccd00f957.txt"


def test_standalone_condenses_the_last_turn_with_the_earlier_ones(lens: BriefLens) -> None:
    assert lens.standalone([], HUAWEI) == HUAWEI
    follow_up = lens.standalone([HUAWEI], "What are they reducing dependence on?")
    assert (
        follow_up == "What are they reducing dependence on? (huawei chips achieved day-zero compatibility deepseek v4)"
    )
    # A standalone question carries nothing over, and blank earlier turns are skipped.
    assert lens.standalone([HUAWEI, "  "], "How much has State Grid earmarked for AI-powered robots?") == (
        "How much has State Grid earmarked for AI-powered robots?"
    )


def test_extractive_variant_never_asks_the_model(lens: BriefLens, embedder: SentenceTransformerEmbedder) -> None:
    down = f"http://127.0.0.1:{free_port()}/v1"
    with with_model(lens, embedder, down, llm_retries=0) as m:
        answer = m.ask(HUAWEI, extractive=True)
        assert answer.generator == "extractive" and not answer.notes and "950PR" in answer.answer
        *_, last = m.ask_stream(HUAWEI, extractive=True)
        assert last.answer == answer  # type: ignore[union-attr]
        failed = m.ask(HUAWEI)  # the configured (unreachable) model: the fallback note says so
        assert failed.notes and failed.generator == "extractive"


def test_check_judges_claims_against_a_brief_a_text_or_retrieved_passages(lens: BriefLens) -> None:
    wrong = lens.check("Saudi Arabia announced a $90 billion AI investment.", doc=SAUDI)
    assert not wrong.faithful and wrong.judge == "offline"
    (claim,) = wrong.sentences
    assert claim.reason and lens.document(SAUDI).text[claim.start : claim.end] == claim.quote
    assert lens.check("Saudi Arabia announced a $40 billion AI investment.", doc=SAUDI).faithful
    assert lens.check("The cat sat on the mat.", source="The cat sat on the mat.").faithful
    by_question = lens.check("Huawei's Ascend 950PR chips achieved day-zero compatibility.", question=HUAWEI)
    assert by_question.faithful and "950PR" in by_question.sentences[0].quote


def test_check_refuses_unclear_requests(lens: BriefLens) -> None:
    with pytest.raises(QueryError):
        lens.check("A claim.", source="text", doc=SAUDI)
    with pytest.raises(QueryError):
        lens.check("A claim.")
    with pytest.raises(QueryError):
        lens.check("   ", source="text")
    with pytest.raises(DocumentNotFound):
        lens.check("A claim.", doc="no-such-brief.txt")
