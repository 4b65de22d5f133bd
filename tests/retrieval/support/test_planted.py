"""The model-backed judges (support blend, tuned claims form) on the rules' planted claims: faithful paraphrases
pass, every planted error fails with a reason (test_judge.py holds the rules' own, stricter version)."""

from __future__ import annotations

import pytest

from retrieval.index.embedding import SentenceTransformerEmbedder
from retrieval.settings import Settings
from retrieval.support.judge import Judge, OfflineJudge
from retrieval.support.model_judge import SupportJudge
from retrieval.support.tuned_judge import TunedJudge
from tests.retrieval.support.test_judge import FAITHFUL, UNFAITHFUL


@pytest.fixture(scope="module", params=["support", "tuned"])
def judge(request: pytest.FixtureRequest, embedder: SentenceTransformerEmbedder) -> Judge:
    """Each model-backed judge with its shipped weights, form and threshold."""
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    if request.param == "support":
        return SupportJudge.from_settings(settings, embedder)
    return TunedJudge.for_claims(OfflineJudge.from_settings(settings, embedder), settings)


@pytest.mark.parametrize(("source", "claim"), FAITHFUL)
def test_faithful_paraphrases_are_supported(judge: Judge, source: str, claim: str) -> None:
    """What a faithful summary says passes."""
    verdict = judge.judge(source, claim)
    assert verdict.faithful, verdict.sentences[0]


@pytest.mark.parametrize(("source", "claim", "reason"), UNFAITHFUL)
def test_planted_errors_are_caught(judge: Judge, source: str, claim: str, reason: str | None) -> None:
    """Every planted error is unsupported, with a reason."""
    sentence = judge.judge(source, claim).sentences[0]
    assert not sentence.supported and sentence.reason is not None
