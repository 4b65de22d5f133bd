"""The tuned judge and its shipped models: the form blends signals, answers read the question (the planted
claims: test_planted.py)."""

from __future__ import annotations

import pytest

from retrieval.index.embedding import SentenceTransformerEmbedder
from retrieval.settings import Settings
from retrieval.support.align import TOP
from retrieval.support.claims import split_claims
from retrieval.support.judge import OfflineJudge
from retrieval.support.model_judge import evidence, read_pair, shipped_model
from retrieval.support.tuned import SUPPORT, shared_model
from retrieval.support.tuned_judge import ANSWERS_FORM, Form, TunedJudge
from tests.conftest import CORPUS
from tests.retrieval.support.test_judge import GEO, UNFAITHFUL


@pytest.fixture(scope="module")
def settings() -> Settings:
    """The shipped defaults."""
    return Settings(_env_file=None)  # type: ignore[call-arg]


@pytest.fixture(scope="module")
def offline(settings: Settings, embedder: SentenceTransformerEmbedder) -> OfflineJudge:
    """The rules the tuned judge aligns claims with."""
    return OfflineJudge.from_settings(settings, embedder)


@pytest.fixture(scope="module")
def judge(offline: OfflineJudge, settings: Settings) -> TunedJudge:
    """The tuned judge in its shipped form for claims."""
    return TunedJudge.for_claims(offline, settings)


def test_the_form_is_a_weighted_geometric_mean() -> None:
    """Weights select the signals; a signal at 0 with weight pulls the claim to 0; one without weight is ignored."""
    assert Form(1.0, 0.0, False).score(0.8, 0.9, 0.1) == pytest.approx(0.8)
    assert Form(0.0, 1.0, False).score(0.8, 0.9, 0.1) == pytest.approx(0.1)
    assert Form(0.0, 0.0, True).score(0.8, 0.9, 0.0) == 0.0
    assert Form(0.7, 0.3, False).score(0.5, 0.5, 0.0) == pytest.approx(0.5)  # rules weigh 0: a 0 there is ignored
    assert Form(0.2, 0.5, True).score(0.0, 0.0, 1.0) == 0.0


def test_the_veto_is_a_choice_of_the_form(offline: OfflineJudge) -> None:
    """A claim failing a targeted check: capped with the veto; without it the models' score alone decides."""
    claim = UNFAITHFUL[0][1]  # 68 billion yuan where the brief says 6.8 billion
    models = (shared_model(SUPPORT), shipped_model())
    capped = TunedJudge(offline, *models, Form(0.7, 0.3, True), 0.0).judge(GEO, claim).sentences[0]
    free = TunedJudge(offline, *models, Form(0.7, 0.3, False), 0.0).judge(GEO, claim).sentences[0]
    assert capped.reason == "number mismatch" and not capped.supported
    assert free.supported and free.reason is None and capped.score < free.score


def test_answers_are_read_with_their_question(offline: OfflineJudge, settings: Settings) -> None:
    """The answers form: the right amount passes, a wrong amount or another company's round does not."""
    judge = TunedJudge.for_answers(offline, settings)
    assert judge.form == ANSWERS_FORM
    question = "How much has State Grid earmarked for AI-powered robots?"
    assert judge.judge(GEO, "State Grid has earmarked 6.8 billion yuan for AI-powered robots.", question).faithful
    assert not judge.judge(GEO, "State Grid has earmarked 68 billion yuan for AI-powered robots.", question).faithful
    assert not judge.judge(GEO, "MatX raised $50 million.", question).faithful


def test_the_premise_drops_the_least_aligned_sentences_to_keep_the_best_whole(offline: OfflineJudge) -> None:
    """A verbatim sentence that comes after its two runners-up in the brief is read whole: P(supported) near 1.

    The models cut a pair at a bounded number of word pieces; the three sentences joined in source order
    were cut inside this one (P(supported) 0.01), so the least aligned ones are left out until the pair fits.
    """
    source = (CORPUS / "000_e770148319605323.txt").read_text(encoding="utf-8")
    sentence = next(s.strip() + "." for s in source.split(".") if s.strip().startswith("Analysts cited by South"))
    features = offline.features(source, split_claims(sentence), None)[0]
    model = shared_model(SUPPORT)
    assert [s.start for s in features.ranked[:TOP]] != sorted(s.start for s in features.ranked[:TOP])
    assert not model.fits(sentence, evidence(features))
    claim, premise = read_pair(model, sentence, features)
    assert sentence in premise and model.fits(claim, premise)
    assert model.score([(claim, premise)])[0] > 0.9
