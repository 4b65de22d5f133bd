"""Abstention: which sentences over the relevance bar may answer, with and without the answer model."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import cast

import pytest

from retrieval.chunk import ScoredChunk
from retrieval.errors import ModelError
from retrieval.generation.extractive import Abstention, AnswerScorer, Candidate, split_by_reason
from retrieval.settings import DEFAULT_RESCUE_BELOW, Settings
from retrieval.support.answerability import CONTEXT_MARK


def _candidate(quote: str, relevance: float) -> Candidate:
    # confirmed() reads only the quote and the relevance; the chunk is never touched.
    return Candidate(cast(ScoredChunk, None), 0, len(quote), quote, relevance, relevance, relevance)


CANDIDATES = [
    _candidate("State Grid plans robots.", 0.90),
    _candidate("State Grid earmarked 6.8 billion yuan for robots.", 0.80),
    _candidate("Below the bar, with the amount 7 billion.", 0.40),
]


def _scorer(seen: list[list[str]]) -> AnswerScorer:
    def score(question: str, sentences: Sequence[str]) -> list[float]:
        seen.append(list(sentences))
        return [0.9 if "billion" in s else 0.1 for s in sentences]

    return score


def test_without_a_model_every_sentence_over_the_bar_counts_most_relevant_first() -> None:
    abstention = Abstention(0.7, 0.0, 0.5)
    assert abstention.confirmed("How much?", CANDIDATES, 0.5) == [0, 1]


def test_one_answering_sentence_keeps_every_sentence_over_the_bar() -> None:
    """The model decides whether to answer, relevance which sentences; under the bar nothing is scored."""
    seen: list[list[str]] = []
    abstention = Abstention(0.7, 0.0, 0.5, model=_scorer(seen), model_threshold=0.5)
    assert abstention.confirmed("How much?", CANDIDATES, 0.5) == [0, 1]
    assert seen == [[CANDIDATES[0].quote, CANDIDATES[1].quote]]


def test_the_model_scores_at_most_its_candidate_count_and_none_answering_abstains() -> None:
    seen: list[list[str]] = []
    abstention = Abstention(0.7, 0.0, 0.5, model=_scorer(seen), model_candidates=1)
    assert abstention.confirmed("How much?", CANDIDATES, 0.5) == []
    assert seen == [[CANDIDATES[0].quote]]


def test_settings_turn_the_model_off() -> None:
    assert Abstention.from_settings(Settings(answer_model=False)).model is None


def test_missing_answer_weights_fail_with_their_path(tmp_path: Path) -> None:
    """Weights named in the settings that are not there: a ModelError naming them when first used."""
    missing = tmp_path / "answers-v9.safetensors"
    model = Abstention.from_settings(Settings(answer_model_weights=missing, local_cache_dir=tmp_path)).model
    assert model is not None
    with pytest.raises(ModelError, match="answers-v9"):
        model("How much?", ["State Grid earmarked 6.8 billion yuan for robots."])


def test_a_multi_part_question_skips_the_model() -> None:
    """More content terms than one sentence can cover: the model is not asked."""
    seen: list[list[str]] = []
    abstention = Abstention(0.7, 0.0, 0.5, model=_scorer(seen), model_candidates=1)
    question = (
        "Does the TechCrunch article on chips suggest a different export approach from the Verge report on Huawei "
        "distillation, Nvidia sales, Saudi investment and Kimi rankings?"
    )
    assert abstention.compound(question)
    assert abstention.confirmed(question, CANDIDATES, 0.5) == [0, 1] and seen == []


def test_a_sure_model_rescues_a_sentence_the_name_check_held_back() -> None:
    """An unnamed candidate joins only when rescue is on and the model is that sure; the rest are unchanged."""
    seen: list[list[str]] = []
    # At a bar of 0.6, "7 billion" (0.40) is further under it than DEFAULT_RESCUE_BELOW: never a candidate.
    held = [1]  # "State Grid earmarked 6.8 billion" failed the name check (say, its subject is named earlier)
    off = Abstention(0.7, 0.0, 0.5, model=_scorer(seen), model_threshold=0.5)
    assert off.confirmed("How much?", CANDIDATES, 0.6, held) == []  # the one left over the bar does not answer
    on = Abstention(0.7, 0.0, 0.5, model=_scorer(seen), model_threshold=0.5, rescue=0.85)
    assert on.confirmed("How much?", CANDIDATES, 0.6, held) == [1]
    unsure = Abstention(0.7, 0.0, 0.5, model=_scorer(seen), model_threshold=0.5, rescue=0.95)
    assert unsure.confirmed("How much?", CANDIDATES, 0.6, held) == []


def test_a_sure_model_rescues_only_just_under_the_bar() -> None:
    """Under the bar by less than DEFAULT_RESCUE_BELOW: rescued when the model is sure; further under: never scored."""
    seen: list[list[str]] = []
    on = Abstention(0.7, 0.0, 0.5, model=_scorer(seen), model_threshold=0.5, rescue=0.85)
    # The bar at 0.85: "6.8 billion" (0.80) is just under it and answers; "7 billion" (0.40) is far under.
    assert on.confirmed("How much?", CANDIDATES, 0.85) == [1]
    assert all(CANDIDATES[2].quote not in batch for batch in seen)
    assert on.confirmed("How much?", CANDIDATES, 0.80 + DEFAULT_RESCUE_BELOW + 0.01) == []


def test_a_sentence_far_over_the_bar_needs_only_a_tenth_of_the_threshold() -> None:
    """With a trust margin, a candidate that far over the bar answers at a tenth of the model's threshold; one
    nearer the bar, or one the model all but rules out, still needs the full threshold."""
    unsure = [CANDIDATES[0]]  # "State Grid plans robots." (0.90)

    def scorer(p: float) -> AnswerScorer:
        return lambda question, sentences: [p for _ in sentences]

    def trusting(p: float) -> Abstention:
        return Abstention(0.7, 0.0, 0.5, model=scorer(p), model_threshold=0.5, trust_margin=0.3)

    assert trusting(0.1).confirmed("How much?", unsure, 0.55) == [0]  # 0.35 over the bar, P over 0.05
    assert trusting(0.1).confirmed("How much?", unsure, 0.65) == []  # 0.25 over: the full 0.5 applies
    assert trusting(0.01).confirmed("How much?", unsure, 0.55) == []  # under a tenth of the threshold
    assert trusting(0.5).confirmed("How much?", unsure, 0.65) == [0]
    assert Abstention.from_settings(Settings()).trust_margin == Settings().answer_model_trust_margin


def test_the_model_may_overrule_only_the_softer_checks() -> None:
    """The name check and the polarity, place, length and quantity checks hold a sentence for a sure model; the
    date, name-type and qualifier checks, which the seed near-misses are written against, drop it."""
    reasons = [None, "never names Kimi", "no place", "opposite polarity", "no date", "no name", "no version", None]
    assert split_by_reason(reasons) == ([0, 7], [1, 2, 3])
    assert split_by_reason(["no length", "no quantity", "no count of robots", "a metadata line"]) == ([], [0, 1])


def test_the_sentences_a_sure_model_names_are_among_the_most_relevant_few() -> None:
    """`sure` reads the model's candidate count of the most relevant sentences, at the rescue level; off at 1."""
    seen: list[list[str]] = []
    on = Abstention(0.7, 0.0, 0.5, model=_scorer(seen), model_threshold=0.5, rescue=0.85, model_candidates=2)
    assert on.sure("How much?", CANDIDATES) == [1]
    assert seen == [[CANDIDATES[0].quote, CANDIDATES[1].quote]]  # "7 billion" is third: not read
    assert Abstention(0.7, 0.0, 0.5, model=_scorer(seen), rescue=1.0).sure("How much?", CANDIDATES) == []
    assert Abstention(0.7, 0.0, 0.5).sure("How much?", CANDIDATES) == []


def test_the_answer_model_scores_a_pair_once(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Confirming and then quoting read the same pairs: the model is asked each (question, sentence) once."""
    import retrieval.support.tuned as tuned
    from retrieval.generation.extractive import _answer_scorer

    asked: list[list[str]] = []

    class Model:
        def answers(self, question: str, sentences: Sequence[str]) -> list[float]:
            asked.append(list(sentences))
            return [0.5 + 0.1 * len(s) / 100 for s in sentences]

    monkeypatch.setattr(tuned, "shared_model", lambda path, cache_dir: Model())
    score = _answer_scorer(tmp_path, tmp_path / "weights.safetensors")
    assert score is not None
    first = score("Who?", ["a b", "c d"])
    assert score("Who?", ["c d", "e f", "a b"]) == [first[1], 0.5 + 0.1 * 3 / 100, first[0]]
    assert asked == [["a b", "c d"], ["e f"]]
    assert score("Why?", ["a b"]) and asked[-1] == ["a b"]  # another question is another pair
    assert score("Who?", ["a b"]) == [first[0]] and asked[-1] == ["a b"]  # and it forgot the first question's


def test_a_context_model_reads_each_sentence_after_the_text_before_it() -> None:
    """A model trained with --context is given what `ask` read before the sentence in its chunk, marked, after it."""
    from retrieval.chunk import Chunk

    text = "Huawei builds the chips.  It shipped 10,000 of them. State Grid plans robots."
    chunk = Chunk(id="c", doc_id="d", start=100, end=100 + len(text), text=text, section="Hardware")
    at = text.index("It shipped")
    quote = "It shipped 10,000 of them."
    cand = Candidate(ScoredChunk(chunk=chunk, score=1.0), 100 + at, 100 + at + len(quote), quote, 0.9, 0.9, 0.9)
    seen: list[list[str]] = []
    plain = Abstention(0.7, 0.0, 0.5, model=_scorer(seen))
    reading = Abstention(0.7, 0.0, 0.5, model=_scorer(seen), model_context=True)
    assert plain.read([cand], [0]) == [quote]
    assert reading.read([cand], [0]) == [f"{quote}{CONTEXT_MARK}Hardware. Huawei builds the chips."]
    reading.confirmed("How many?", [cand], 0.5)
    assert seen == [reading.read([cand], [0])]


def test_only_a_card_that_says_so_makes_the_model_read_context(tmp_path: Path) -> None:
    """The shipped card (answers-v12) has no "context"; a card saying true turns it on; no card reads none."""
    from retrieval.support.tuned import ANSWERS, reads_context

    assert reads_context(ANSWERS) is False
    weights = tmp_path / "answers-x.safetensors"
    (tmp_path / "answers-x.json").write_text('{"context": true, "max_len": 192}', encoding="utf-8")
    assert reads_context(weights) is True
    assert reads_context(tmp_path / "none.safetensors") is False
