"""Miss stages: which stage of `ask` lost an answerable question's gold sentence, or let an unanswerable one through."""

from __future__ import annotations

from dataclasses import replace

from bench.answerability import _gold
from bench.miss_stages import STAGES, miss_stage
from retrieval.generation.extractive import Abstention
from retrieval.service import BriefLens

STATE_GRID = "How much has State Grid earmarked for AI robots?"


def test_a_quote_without_the_gold_is_quoted_another_and_an_absent_gold_is_not_retrieved(lens: BriefLens) -> None:
    abstention = Abstention.from_settings(lens.settings)
    answer = lens.ask(STATE_GRID)
    assert not answer.abstained and "6.8 billion" in answer.answer
    assert miss_stage(lens, abstention, STATE_GRID, answer, _gold(["9.9 trillion"])) == "quoted another"
    abstained = answer.model_copy(update={"sentences": (), "abstained": True})
    assert miss_stage(lens, abstention, STATE_GRID, abstained, _gold(["9.9 trillion"])) == "not retrieved"


def test_an_abstention_is_put_on_the_bar_the_model_or_a_check(lens: BriefLens) -> None:
    """The same retrieved gold sentence: under an unreachable bar it is the bar, over a bar of nothing the model; a
    "when" question it cannot answer (it holds no date) is held by a check no model overrules."""
    abstention = Abstention.from_settings(lens.settings)
    abstained = lens.ask(STATE_GRID).model_copy(update={"sentences": (), "abstained": True})
    gold = _gold(["6.8 billion"])
    assert miss_stage(lens, replace(abstention, threshold=5.0), STATE_GRID, abstained, gold) == "under the bar"
    assert miss_stage(lens, replace(abstention, threshold=-5.0), STATE_GRID, abstained, gold) == "model says no"
    when = "When did State Grid earmark its 6.8 billion yuan for AI robots?"
    assert miss_stage(lens, abstention, when, abstained, gold) == "held by a check"


def test_an_answered_unanswerable_question_is_put_on_the_model(lens: BriefLens) -> None:
    """The model's P(answers) of the quoted sentence says how sure it was: every such miss gets a model stage."""
    abstention = Abstention.from_settings(lens.settings)
    answer = lens.ask(STATE_GRID)
    stage = miss_stage(lens, abstention, STATE_GRID, answer, None)
    assert stage == "model sure"  # the sentence does answer it: the model is sure, so the stage says so
    assert stage in STAGES
    quiet = replace(abstention, rescue=1.01, model_threshold=1.0)
    assert miss_stage(lens, quiet, STATE_GRID, answer, None) == "model under threshold"
