"""The question-kind rules on the development questions, and the lookups they must leave alone."""

from __future__ import annotations

import pytest

from retrieval.kinds import classify
from tests.conftest import ROOT, read_jsonl

SYNTHESIS = read_jsonl(ROOT / "tests" / "data" / "synthesis.jsonl")


@pytest.mark.parametrize("item", [q for q in SYNTHESIS if q["split"] == "dev"], ids=lambda q: q["id"])
def test_dev_questions_get_their_kind(item: dict[str, str]) -> None:
    assert classify(item["question"]) == item["kind"]


def test_fact_lookups_stay_lookups(questions: list[dict[str, str]]) -> None:
    # "Which Huawei chips…" is one fact, not a list or names across briefs: today's path must keep it.
    assert {q["id"]: classify(q["question"]) for q in questions} == {q["id"]: "lookup" for q in questions}


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("When was DeepSeek V4 released?", "lookup"),  # names no brief: a fact, not the brief's metadata
        ("How many sources does the Big Picture Brief cite?", "metadata"),
        ("Which briefs mention Huawei?", "aggregation"),
        ("How do the briefs differ on export controls?", "comparison"),
        ("How much did MatX raise?", "lookup"),
        ("How did Huawei adapt its chips?", "why"),
    ],
)
def test_cues(question: str, kind: str) -> None:
    assert classify(question) == kind
