"""The answer model's seed pairs: what `ask` would quote, labelled by whether it holds the answer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import bench.written_questions
from bench.answer_data import (
    AUDITED,
    SEED_TRAIN,
    before_in,
    question_pairs,
    relabelled,
    seed_splits,
    without_answer,
    without_kinds,
    written_pairs,
)
from retrieval.service import BriefLens


def test_an_answerable_question_gives_its_answer_sentence_then_off_target_ones(lens: BriefLens) -> None:
    """The first pair holds the answer (label 1, its span as the sentence spells it); the k negatives are other
    retrieved sentences without it."""
    item = {"question": "How much has State Grid earmarked for AI robots?", "answerable": True, "answer": "6.8 BILLION"}
    pairs = list(question_pairs(lens, item, 3))
    assert [p["label"] for p in pairs] == [1, 0, 0, 0]
    assert pairs[0]["answer"] == "6.8 billion" and all("answer" not in p for p in pairs[1:])
    assert "6.8 billion" in pairs[0]["b"] and all("6.8 billion" not in p["b"] for p in pairs[1:])
    assert len({p["b"] for p in pairs}) == 4 and {p["a"] for p in pairs} == {item["question"]}


def test_a_near_miss_gives_only_negatives_and_an_unretrieved_answer_nothing(lens: BriefLens) -> None:
    """A near-miss question's most relevant sentences are negatives; an answer no sentence holds gives no pair."""
    near_miss = {"question": "How many employees does MatX have?", "answerable": False}
    pairs = list(question_pairs(lens, near_miss, 2))
    assert [(p["label"], p["kind"]) for p in pairs] == [(0, "seed near-miss sentence")] * 2
    absent = {"question": "How many employees does MatX have?", "answerable": True, "answer": "4,000 staff"}
    assert list(question_pairs(lens, absent, 2)) == []


def test_the_answer_deleted_negative_keeps_the_rest_of_its_sentence(lens: BriefLens) -> None:
    """With `cut`, the answer sentence follows as a negative without the answer and the words that led into it."""
    item = {"question": "How much has State Grid earmarked for AI robots?", "answerable": True, "answer": "6.8 billion"}
    pairs = list(question_pairs(lens, item, 1, cut=True))
    assert [(p["label"], p["kind"]) for p in pairs][:2] == [(1, "seed answer"), (0, "answer deleted")]
    assert "6.8 billion" not in pairs[1]["b"] and "State Grid" in pairs[1]["b"]


def test_cutting_an_answer_takes_its_lead_in_and_leaves_a_sentence() -> None:
    """A reason goes with "in response to", a year with "in"; stray punctuation closes up."""
    oil = "In 1973, OPEC raised the price of oil in response to American aid to Israel during the war."
    assert without_answer(oil, ["American aid to Israel"]) == "In 1973, OPEC raised the price of oil during the war."
    why = "It makes assumptions about targeting Chinese AI champions less effective, because capability is diffusing."
    assert without_answer(why, ["capability is diffusing"]) == (
        "It makes assumptions about targeting Chinese AI champions less effective."
    )
    edict = "The Huguenots were granted the right to worship in 1598 by the Edict of Nantes."
    assert without_answer(edict, ["1598"]) == "The Huguenots were granted the right to worship by the Edict of Nantes."


def test_no_cut_when_the_answer_is_most_of_the_sentence_or_remains() -> None:
    """Too little left to restate the question, or another spelling of the answer still there: no negative."""
    assert without_answer("Kenneth Payne (King's College London) ran the wargames.", ["King's College London"]) is None
    assert without_answer("Paris hosted it; Paris again in 1924 and in later years too.", ["Paris", "1924"]) is None
    assert without_answer("Nothing here answers it at all, in any way.", ["Paris"]) is None


def test_only_sets_read_before_training_are_trained_on() -> None:
    """answers-v8 trained on dev to holdout26: the sets that chose its threshold and the blind ones stay out."""
    assert {"dev", "holdout", "holdout2", "holdout16", "holdout26"} <= SEED_TRAIN
    assert not {"holdout27", "holdout31", "holdout32", "holdout34"} & SEED_TRAIN


def test_a_model_trains_through_a_named_set_and_no_further() -> None:
    """--seed-through 16 (answers-v4's sets) leaves holdout17 on, to compare models on."""
    earlier = seed_splits(16)
    assert earlier < SEED_TRAIN
    assert {"dev", "holdout", "holdout16"} <= earlier
    assert not {"holdout17", "holdout26"} & earlier


def test_written_pairs_read_only_the_first_rows_asked_for(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`--written-rows 859` rebuilds answers-v8 from the longer file: later rows give no pair."""
    passage = [
        "DeepSeek V4 Pro ranks second among open-source models.",
        "Kimi K2.6 leads the open-source ranking this month.",
        "State Grid earmarked 6.8 billion yuan for robots.",
    ]
    rows = [
        {"doc": "p", "sentence": 2, "question": "How much did State Grid earmark?", "answerable": True, "edit": None},
        {"doc": "p", "sentence": 0, "question": "Where does V4 Flash rank?", "answerable": False, "edit": "entity"},
    ]
    written = tmp_path / "written.jsonl"
    written.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    monkeypatch.setattr(bench.written_questions, "WRITTEN", written)
    monkeypatch.setattr(bench.written_questions, "passages", lambda: {"p": passage})
    first = list(written_pairs(limit=1))
    assert (first[0]["a"], first[0]["b"], first[0]["label"]) == (rows[0]["question"], passage[2], 1)
    assert {p["a"] for p in first} == {rows[0]["question"]} and all(p["label"] == 0 for p in first[1:])
    both = list(written_pairs())
    assert both[: len(first)] == first
    assert (rows[1]["question"], passage[0], 0) in [(p["a"], p["b"], p["label"]) for p in both]


def test_dropping_a_kind_keeps_the_other_pairs_in_order_and_refuses_an_unknown_kind() -> None:
    pairs = [{"a": str(i), "b": "", "label": i % 2, "kind": kind} for i, kind in enumerate("xyxzy")]
    assert [p["a"] for p in without_kinds(pairs, ["y"])] == ["0", "2", "3"]
    assert without_kinds(pairs, []) == pairs
    with pytest.raises(ValueError, match="no training pairs of kind w"):
        without_kinds(pairs, ["y", "w"])


def test_each_pair_carries_the_text_before_its_sentence(
    lens: BriefLens, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A --context model reads a sentence after the text before it: in a passage, the sentences before it (the last
    BEFORE_CHARS characters); for a seed question, what `ask` reads before it in its chunk."""
    from retrieval.support.answerability import BEFORE_CHARS

    long = ["A first sentence that goes on for a while about robots. " * 4, "Second one here.", "Third one."]
    assert before_in(long, 0) == ""
    assert before_in(long, 2).endswith("about robots. Second one here.") and len(before_in(long, 2)) <= BEFORE_CHARS
    passage = ["Kimi K2.6 leads the open-source ranking.", "State Grid earmarked 6.8 billion yuan for robots."]
    row = {"doc": "p", "sentence": 1, "question": "How much did State Grid earmark?", "answerable": True, "edit": None}
    written = tmp_path / "written.jsonl"
    written.write_text(json.dumps(row) + "\n", encoding="utf-8")
    monkeypatch.setattr(bench.written_questions, "WRITTEN", written)
    monkeypatch.setattr(bench.written_questions, "passages", lambda: {"p": passage})
    assert [(p["label"], p["before"]) for p in written_pairs()] == [(1, passage[0]), (0, "")]
    item = {"question": "How much has State Grid earmarked for AI robots?", "answerable": True, "answer": "6.8 billion"}
    pairs = list(question_pairs(lens, item, 3))
    assert all(isinstance(p["before"], str) and p["b"] not in p["before"] for p in pairs)
    assert any(p["before"] for p in pairs)


def test_audited_distractors_become_answers_and_nothing_else_moves() -> None:
    """--audited: a plausible-distractor pair whose question the audit found answered as asked turns positive, of its
    own kind; other pairs of that question, and other questions' distractors, stay as built."""
    pairs = [
        {"a": "q1", "b": "s1", "label": 0, "kind": "squad plausible distractor", "qid": "x"},
        {"a": "q1", "b": "s2", "label": 0, "kind": "squad retrieved sentence"},
        {"a": "q2", "b": "s3", "label": 0, "kind": "squad plausible distractor", "qid": "y"},
    ]
    out = relabelled(pairs, frozenset({"x"}))
    assert [(p["label"], p["kind"]) for p in out] == [(1, AUDITED), (0, pairs[1]["kind"]), (0, pairs[2]["kind"])]
    assert [p["b"] for p in out] == ["s1", "s2", "s3"] and pairs[0]["label"] == 0
