"""The pytest helper users call in their own suites."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.pytest_helper import assert_faithful, assert_unfaithful
from retrieval.index.embedding import SentenceTransformerEmbedder
from retrieval.support.judge import OfflineJudge

SOURCE = (Path(__file__).resolve().parents[2] / "corpus" / "004_65154c0ccd00f957.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def judge(embedder: SentenceTransformerEmbedder) -> OfflineJudge:
    return OfflineJudge(embedder, 0.6)


def test_assert_faithful_passes_a_supported_summary(judge: OfflineJudge) -> None:
    verdict = assert_faithful(
        "Saudi Arabia announced a $40 billion investment in AI infrastructure.", SOURCE, judge=judge
    )
    assert verdict.faithful


def test_assert_faithful_lists_each_unsupported_claim(judge: OfflineJudge) -> None:
    summary = "Saudi Arabia announced a $4 billion investment in AI infrastructure. The Fujian entered service in 2019."
    with pytest.raises(AssertionError) as info:
        assert_faithful(summary, SOURCE, judge=judge)
    message = str(info.value)
    assert "2 of 2 claims unsupported" in message
    assert "number mismatch" in message and "date mismatch" in message
    assert "best source quote" in message and "$40 billion" in message
    assert_unfaithful(summary, SOURCE, judge=judge)
