"""The offline judge with the real model: faithful paraphrases pass, planted errors fail with the right reason."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from retrieval.errors import ConfigError
from retrieval.index.embedding import SentenceTransformerEmbedder
from retrieval.settings import Settings
from retrieval.support.judge import Judge, OfflineJudge
from retrieval.support.judges import JUDGES, make_judge

CORPUS = Path(__file__).resolve().parents[3] / "corpus"
GEO = (CORPUS / "000_e770148319605323.txt").read_text(encoding="utf-8")
BIG = (CORPUS / "004_65154c0ccd00f957.txt").read_text(encoding="utf-8")

FAITHFUL = [
    (GEO, "The White House has threatened action against Chinese distillation of US frontier models."),
    (GEO, "State Grid has earmarked 6.8 billion yuan for AI-powered robots in power infrastructure."),
    (GEO, "Huawei's Ascend 950PR and 950DT chips were compatible with DeepSeek V4 from the day of its release."),
    (GEO, "The wargaming paper by Kenneth Payne has not yet been peer reviewed."),
    (BIG, "Saudi Arabia announced a $40 billion investment in AI infrastructure."),
    (BIG, "Reports suggest that autonomous drone swarms are operational."),
]
UNFAITHFUL = [
    (GEO, "State Grid has earmarked 68 billion yuan for AI-powered robots in power infrastructure.", "number mismatch"),
    (BIG, "Chip startup MatX raised $50 million in its latest funding round.", "number mismatch"),
    (BIG, "The Fujian aircraft carrier entered service in 2019.", "date mismatch"),
    (GEO, "Intel's Gaudi chips achieved day-zero compatibility with DeepSeek's V4 model.", "entity absent from source"),
    (GEO, "Research by Kenneth Payne at Oxford University finds LLMs engaged in nuclear signaling.", None),
    (GEO, "The wargaming paper by Kenneth Payne has undergone peer review.", "negation flip"),
    (GEO, "Huawei's Ascend chips did not achieve day-zero compatibility with DeepSeek's V4 model.", "negation flip"),
    (BIG, "The Pentagon praised Anthropic for restricting military access to its models.", "negation flip"),
    (BIG, "Autonomous drone swarms are operational and capable of target recognition.", "hedging changed"),
    (GEO, "DeepSeek V4 Pro ranks first among open-source models globally, ahead of Kimi K2.6.", "number mismatch"),
]

# A short news source in the style of SummEdits (edits of one summary: swaps a paraphrase never makes).
NEWS = (
    "Activists in London dumped gallons of yellow and blue paint in front of the Russian embassy on Thursday. "
    "The protest comes on the eve of the one-year anniversary of Russia's invasion of Ukraine. "
    "British soldiers were led by donkeys, the group said. "
    "An Australian pleaded guilty to manslaughter in the death 35 years ago of a tourist who fell from a "
    "Sydney clifftop. He will be sentenced on June 30."
)
NEWS_FAITHFUL = [
    "U.K. activists poured gallons of yellow and blue paint in front of the Russian embassy in London.",
    "An Australian admitted manslaughter in the death 35 years ago of a tourist who fell from a Sydney clifftop.",
]
NEWS_UNFAITHFUL = [
    ("U.S. activists dumped gallons of yellow and blue paint in front of the Russian embassy.", "U.S"),
    ("Activists in London dumped gallons of yellow and white paint in front of the Russian embassy.", "white"),
    ("The protest comes on the eve of the one-month anniversary of Russia's invasion of Ukraine.", "one-month"),
    ("An Australian pleaded guilty in the death 30 years ago of a tourist who fell from a Sydney clifftop.", "30"),
    ("An Australian pleaded guilty in the death 35 years ago of a tourist who fell from a Sydney beach.", "beach"),
]


@pytest.fixture(scope="module")
def judge(embedder: SentenceTransformerEmbedder) -> OfflineJudge:
    """The offline judge with the shipped default threshold."""
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    return OfflineJudge(embedder, settings.judge_threshold, settings.judge_cosine_weight)


@pytest.mark.parametrize(("source", "claim"), FAITHFUL)
def test_faithful_paraphrases_are_supported(judge: OfflineJudge, source: str, claim: str) -> None:
    verdict = judge.judge(source, claim)
    assert verdict.faithful, verdict.sentences[0]
    assert verdict.sentences[0].reason is None


@pytest.mark.parametrize(("source", "claim", "reason"), UNFAITHFUL)
def test_planted_errors_are_caught_with_their_reason(
    judge: OfflineJudge, source: str, claim: str, reason: str | None
) -> None:
    verdict = judge.judge(source, claim)
    assert not verdict.faithful
    sentence = verdict.sentences[0]
    assert not sentence.supported and sentence.reason is not None
    if reason:
        assert sentence.reason == reason


@pytest.mark.parametrize("claim", NEWS_FAITHFUL)
def test_news_paraphrases_with_aliases_are_supported(judge: OfflineJudge, claim: str) -> None:
    verdict = judge.judge(NEWS, claim)
    assert verdict.faithful, verdict.sentences[0]


@pytest.mark.parametrize(("claim", "detail"), NEWS_UNFAITHFUL)
def test_news_swaps_are_caught_by_a_check(judge: OfflineJudge, claim: str, detail: str) -> None:
    sentence = judge.judge(NEWS, claim).sentences[0]
    assert not sentence.supported and sentence.reason in ("number mismatch", "entity absent from source")
    assert detail in sentence.detail


def test_quotes_are_exact_source_offsets(judge: OfflineJudge) -> None:
    summary = " ".join(claim for _, claim in FAITHFUL[:3]) + " " + UNFAITHFUL[0][1]
    verdict = judge.judge(GEO, summary)
    assert len(verdict.sentences) == 4
    for s in verdict.sentences:
        assert GEO[s.start : s.end] == s.quote and 0.0 <= s.score <= 1.0
    assert "6.8 billion yuan" in verdict.sentences[3].quote
    assert not verdict.faithful and verdict.score == min(s.score for s in verdict.sentences)


def test_given_sentences_are_judged_as_claims(judge: OfflineJudge) -> None:
    verdict = judge.judge(GEO, [FAITHFUL[0][1], UNFAITHFUL[0][1]])
    assert [s.supported for s in verdict.sentences] == [True, False]


def test_answers_are_judged_with_their_question(judge: OfflineJudge) -> None:
    question = "Which Huawei chips achieved day-zero compatibility with DeepSeek V4?"
    assert judge.judge(GEO, "The Ascend 950PR and 950DT.", question).faithful
    wrong = judge.judge(GEO, "The Kirin 9000S.", question)
    assert not wrong.faithful and wrong.sentences[0].reason in {"entity absent from source", "number mismatch"}


def test_empty_text_has_no_claims(judge: OfflineJudge) -> None:
    verdict = judge.judge(GEO, "  ")
    assert verdict.faithful and verdict.score == 1.0 and verdict.sentences == ()


def test_repeated_source_is_embedded_once(embedder: SentenceTransformerEmbedder) -> None:
    judge = OfflineJudge(embedder, 0.5)
    started = time.perf_counter()
    judge.judge(BIG, FAITHFUL[4][1])
    first = time.perf_counter() - started
    started = time.perf_counter()
    judge.judge(BIG, "Emerging powers are following suit.")
    assert time.perf_counter() - started < first
    assert len(judge.cache._items) == 1


def test_registry_builds_the_configured_judge(embedder: SentenceTransformerEmbedder) -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    judge: Judge = make_judge(settings, embedder)
    assert judge.name == "offline" and "offline" in JUDGES
    with pytest.raises(ConfigError):
        make_judge(settings.model_copy(update={"judge": "nope"}), embedder)
