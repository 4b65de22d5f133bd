"""The harness end to end over the ingested seed briefs: summaries, questions, JSON and HTML reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.datasets import Evidence, QuestionCase, SummaryCase
from eval.harness import evaluate_questions, evaluate_summaries, index_sources
from eval.report import render_html, write_report
from retrieval.service import BriefLens
from retrieval.support.judge import OfflineJudge

GEO = "000_e770148319605323.txt"


@pytest.fixture(scope="module")
def judge(lens: BriefLens) -> OfflineJudge:
    """The offline judge with the shipped threshold, sharing the index's model."""
    return OfflineJudge(lens.index.embedder, lens.settings.judge_threshold, lens.settings.judge_cosine_weight)


def summary_cases() -> list[SummaryCase]:
    """A faithful, an unfaithful and an inline-source case, with labels."""
    return [
        SummaryCase(
            id="ok", doc=GEO, summary="State Grid has earmarked 6.8 billion yuan for AI-powered robots.", label=1
        ),
        SummaryCase(
            id="bad",
            doc=GEO,
            label=0,
            sentences=[
                {"text": "The White House has threatened action against Chinese distillation.", "supported": 1},
                {"text": "State Grid has earmarked 68 billion yuan for <robots> & drones.", "supported": 0},
            ],
        ),
        SummaryCase(id="inline", source="The sky was blue on Monday.", summary="The sky was green on Monday.", label=0),
    ]


def test_summaries_report_items_and_metrics(lens: BriefLens, judge: OfflineJudge, tmp_path: Path) -> None:
    report = evaluate_summaries(summary_cases(), judge, lambda c: lens.document(c.doc or "").text)
    data = report.to_json()
    assert [i["id"] for i in data["items"]] == ["ok", "bad", "inline"]
    ok, bad, _ = data["items"]
    assert ok["faithful"] and not bad["faithful"]
    assert [s["supported"] for s in bad["sentences"]] == [True, False]
    assert bad["sentences"][1]["reason"] == "number mismatch" and bad["sentences"][1]["label"] is False
    m = data["metrics"]
    assert {"balanced_accuracy", "precision_unfaithful", "recall_unfaithful", "roc_auc", "confusion_matrix"} <= set(m)
    assert m["sentences"]["balanced_accuracy"] == 1.0
    json_path, html_path = write_report(report, tmp_path / "out")
    assert json.loads(json_path.read_text())["items"][1]["id"] == "bad"
    html = html_path.read_text()
    assert "<svg" in html and "&lt;robots&gt; &amp; drones" in html and "<robots>" not in html
    assert "http" not in html.split("<body>", 1)[0]
    # A perfect score on a dev set sits beside the judge's accuracy on data it never saw.
    assert data["validation"].startswith("this judge (rules): balanced accuracy 0.57 on unseen SummEdits news")
    assert "balanced accuracy 0.57 on unseen SummEdits news" in html


def test_index_sources_reads_the_brief_else_the_top_k_passages(lens: BriefLens) -> None:
    resolve = index_sources(lens, 2)
    assert resolve(SummaryCase(id="doc", doc=GEO, summary="x")) == lens.document(GEO).text
    question = "What did State Grid earmark for robots?"
    passages = resolve(SummaryCase(id="q", question=question, summary="x")).split("\n\n")
    assert passages == [h.chunk.text for h in lens.search(question, 2)]


def test_questions_report(lens: BriefLens, judge: OfflineJudge) -> None:
    cases = [
        QuestionCase(
            id="q1",
            question="How much has China's State Grid Corporation committed to AI-powered robots?",
            evidence=(Evidence(doc=GEO, quote="China's State Grid Corporation has earmarked 6.8 billion yuan"),),
            kind="factoid",
            answer_keywords=("6.8 billion yuan",),
        ),
        QuestionCase(id="q2", question="Who won the 2026 FIFA World Cup?", kind="abstain"),
    ]
    report = evaluate_questions(cases, lens, judge)
    q1, q2 = report.items
    assert q1["evidence_recall"] == 1.0 and q1["keyword_recall"] == 1.0 and q1["citation_validity"] == 1.0
    assert q1["citation_precision"] == 1.0 and q1["abstention_correct"] and q1["faithful"]
    assert q2["abstained"] and q2["abstention_correct"] and q2["evidence_recall"] is None
    m = report.metrics
    assert m["abstention_accuracy"] == 1.0 and set(m["by_kind"]) == {"abstain", "factoid"}
    html = render_html(report)
    assert "Metrics by question kind" in html and "abstain" in html
