"""The kind-aware judges: answers to one half, summary claims to the other, both on one 0.5 scale."""

from __future__ import annotations

import pytest

from retrieval.index.embedding import SentenceTransformerEmbedder
from retrieval.settings import Settings
from retrieval.support.judge import OfflineJudge
from retrieval.support.judges import make_judge
from retrieval.support.kind_judge import MIDPOINT, KindAwareJudge, rescale
from retrieval.support.tuned_judge import TunedJudge
from tests.retrieval.support.test_judge import BIG, FAITHFUL, GEO, UNFAITHFUL

QUESTION = "How much has State Grid earmarked for AI-powered robots?"
ANSWERS = [
    ("State Grid has earmarked 6.8 billion yuan for AI-powered robots.", True),
    ("State Grid has earmarked 68 billion yuan for AI-powered robots.", False),
    ("MatX raised $50 million.", False),
]


@pytest.fixture(scope="module")
def judges(embedder: SentenceTransformerEmbedder) -> tuple[KindAwareJudge, OfflineJudge, TunedJudge]:
    """The default judge and the two judges it delegates to, built from the same settings."""
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    default = make_judge(settings, embedder)
    assert isinstance(default, KindAwareJudge) and default.name == "offline" and default.threshold == MIDPOINT
    rules = OfflineJudge.from_settings(settings, embedder)
    return default, rules, TunedJudge.for_claims(rules, settings)


@pytest.mark.parametrize("threshold", [0.0897, 0.5, 0.695, 0.99])
def test_rescale_is_monotone_and_keeps_each_score_on_its_side_of_the_cut(threshold: float) -> None:
    scores = sorted({i / 200 for i in range(201)} | {threshold, threshold - 1e-6, threshold + 1e-6})
    mapped = [rescale(s, threshold, s >= threshold) for s in scores]
    assert mapped == sorted(mapped) and all(0.0 <= m <= 1.0 for m in mapped)
    for s, m in zip(scores, mapped, strict=True):
        assert (m >= MIDPOINT) == (s >= threshold), (s, m)
    # A vetoed claim stays below the cut whatever its score.
    assert rescale(0.9, threshold, supported=False) < MIDPOINT


def test_answers_to_a_question_must_pass_the_rules_and_the_answers_form(
    judges: tuple[KindAwareJudge, OfflineJudge, TunedJudge],
) -> None:
    default, rules, _ = judges
    form = TunedJudge.for_answers(rules, Settings(_env_file=None))  # type: ignore[call-arg]
    for answer, expected in ANSWERS:
        mine = default.judge(GEO, answer, QUESTION)
        assert mine.faithful == rules.judge(GEO, answer, QUESTION).faithful == expected, answer
        assert mine.faithful == form.judge(GEO, answer, QUESTION).faithful, answer
        assert mine.judge == "offline" and mine.threshold == MIDPOINT
    # Another company's chips: every name is in the brief and the sentence aligns, so the rules pass it; the support
    # model does not, and the default follows the stricter of the two.
    question = "Which company's chips achieved day-zero compatibility with DeepSeek V4?"
    wrong = "Nvidia's chips achieved day-zero compatibility with DeepSeek V4."
    assert rules.judge(GEO, wrong, question).faithful
    assert not form.judge(GEO, wrong, question).faithful
    verdict = default.judge(GEO, wrong, question)
    assert not verdict.faithful and verdict.score < MIDPOINT and verdict.sentences[0].reason is not None
    right = "Huawei's Ascend 950PR and 950DT chips achieved day-zero compatibility with DeepSeek V4."
    assert default.judge(GEO, right, question).faithful


def test_summary_claims_get_the_claims_half_verdicts(
    judges: tuple[KindAwareJudge, OfflineJudge, TunedJudge],
) -> None:
    default, _, claims_half = judges
    claims = [(src, text) for src, text in FAITHFUL] + [(src, text) for src, text, _ in UNFAITHFUL]
    for source, text in claims:
        mine = default.judge(source, text)
        theirs = claims_half.judge(source, text)
        assert mine.faithful == theirs.faithful, text
        assert [s.reason for s in mine.sentences] == [s.reason for s in theirs.sentences]
        assert all((s.score >= MIDPOINT) == s.supported for s in mine.sentences)


def test_the_default_judge_catches_the_planted_errors_and_passes_the_faithful_claims(
    judges: tuple[KindAwareJudge, OfflineJudge, TunedJudge],
) -> None:
    default, _, _ = judges
    caught = [text for source, text, _ in UNFAITHFUL if not default.judge(source, text).faithful]
    passed = [text for source, text in FAITHFUL if default.judge(source, text).faithful]
    assert len(caught) == len(UNFAITHFUL), set(t for _, t, _ in UNFAITHFUL) - set(caught)
    assert len(passed) >= len(FAITHFUL) - 1
    # One summary with a good and a bad sentence: the item fails on its lowest claim.
    verdict = default.judge(BIG, [FAITHFUL[4][1], UNFAITHFUL[1][1]])
    assert not verdict.faithful and verdict.score == min(s.score for s in verdict.sentences) < MIDPOINT


def test_the_tuned_judge_reads_answers_with_the_support_model(embedder: SentenceTransformerEmbedder) -> None:
    """BRIEFLENS_JUDGE=tuned: the answers form for answers, the same claims form for summaries."""
    settings = Settings(_env_file=None, judge="tuned")  # type: ignore[call-arg]
    tuned = make_judge(settings, embedder)
    assert isinstance(tuned, KindAwareJudge) and tuned.name == "tuned"
    assert isinstance(tuned.answers, TunedJudge) and tuned.answers.form.tuned == 1.0
    for answer, expected in ANSWERS:
        verdict = tuned.judge(GEO, answer, QUESTION)
        assert verdict.faithful == expected and verdict.judge == "tuned", answer


def test_text_written_to_an_instruction_goes_to_the_rules(embedder: SentenceTransformerEmbedder) -> None:
    """A draft's section title is no question: the support model read "title sentence" as a wrong answer."""
    tuned = make_judge(Settings(_env_file=None, judge="tuned"), embedder)  # type: ignore[call-arg]
    assert isinstance(tuned, KindAwareJudge)
    assert tuned.half("State Grid robots and power infrastructure") is tuned.instructions
    assert tuned.half(QUESTION) is tuned.answers and tuned.half(None) is tuned.claims
    sentence = "State Grid has earmarked 6.8 billion yuan to deploy AI-powered robots."
    assert tuned.judge(GEO, sentence, "State Grid robots and power infrastructure").faithful
    assert not tuned.judge(GEO, "MatX raised $50 million.", "State Grid robots and power infrastructure").faithful


def test_the_answers_form_passes_a_faithful_full_sentence_answer(embedder: SentenceTransformerEmbedder) -> None:
    """A full-sentence answer is read alone: with its question the model gave it P 0.12 (HaluEval QA's length cue)."""
    tuned = make_judge(Settings(_env_file=None, judge="tuned"), embedder)  # type: ignore[call-arg]
    question = "Which Huawei chips achieved day-zero compatibility with DeepSeek V4?"
    answer = "Huawei's Ascend 950PR and 950DT chips achieved day-zero compatibility with DeepSeek V4."
    assert tuned.judge(GEO, answer, question).faithful
    assert not tuned.judge(GEO, answer.replace("950DT", "910C"), question).faithful
