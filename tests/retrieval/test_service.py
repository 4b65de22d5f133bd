"""Search and ask over the real corpus: evidence retrieved, answers cited exactly, abstention."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from retrieval.answer import ABSTAIN_TEXT
from retrieval.errors import DocumentNotFound, QueryError
from retrieval.generation.extractive import ExtractiveGenerator
from retrieval.search.filters import FilterSpec
from retrieval.search.whole import whole_sentences
from retrieval.service import BriefLens
from retrieval.textnorm import normalize
from tests.conftest import CORPUS, SHARED, read_jsonl

DATA = Path(__file__).resolve().parents[1] / "data"


def answerable(questions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [q for q in questions if q["kind"] != "abstain"]


def test_search_top5_holds_the_evidence(lens: BriefLens, questions: list[dict[str, Any]]) -> None:
    misses = []
    for q in answerable(questions):
        texts = [normalize(h.chunk.text) for h in lens.search(q["question"], 5)]
        if not any(normalize(q["evidence"]) in t for t in texts):
            misses.append(q["id"])
    assert misses == []


def test_answers_name_the_facts_and_cite_exact_quotes(lens: BriefLens, questions: list[dict[str, Any]]) -> None:
    for q in answerable(questions):
        answer = lens.ask(q["question"])
        assert not answer.abstained, q["id"]
        for keyword in q["keywords"]:
            assert keyword.lower() in answer.answer.lower(), (q["id"], keyword, answer.answer)
        assert answer.sentences and all(s.citations for s in answer.sentences)
        for citation in answer.citations:
            text = (CORPUS / Path(citation.source).name).read_text(encoding="utf-8")
            assert text[citation.start : citation.end] == citation.quote


def test_unanswerable_questions_abstain_without_citations(lens: BriefLens, questions: list[dict[str, Any]]) -> None:
    for q in questions:
        if q["kind"] == "abstain":
            answer = lens.ask(q["question"])
            assert answer.abstained and answer.answer == ABSTAIN_TEXT and not answer.citations, q["id"]


def test_near_miss_questions_abstain_and_answerable_ones_keep_their_quote(lens: BriefLens) -> None:
    """Real entities of the briefs, facts they never state: no answer; the answerable twins still get theirs.

    The dev split of tests/data/answerability.jsonl (bench/answerability.py reports both splits).
    """
    items = [i for i in read_jsonl(DATA / "answerability.jsonl") if i["split"] == "dev"]
    wrong = []
    for item in items:
        answer = lens.ask(item["question"])
        text = normalize(answer.answer).lower()
        ok = (not answer.abstained and item["answer"].lower() in text) if item["answerable"] else answer.abstained
        if not ok:
            wrong.append(item["question"])
    # 25 items; a few misses stay (e.g. a "who" question answered by an institution, not the person).
    assert len(wrong) <= 4, wrong


def test_an_answer_quotes_a_long_sentence_whole(lens: BriefLens) -> None:
    """The chunker stores a sentence of more than 64 word pieces in pieces; the answer quotes it whole ("labs")."""
    answer = lens.ask("What is China's AI frontier no longer concentrated in?")
    assert "concentrated in one or two labs." in answer.answer, answer.answer
    for citation in answer.citations:
        text = (CORPUS / Path(citation.source).name).read_text(encoding="utf-8")
        assert text[citation.start : citation.end] == citation.quote


@pytest.mark.skipif(not (SHARED / "eval" / "dev_questions.jsonl").exists(), reason="../shared absent")
def test_dev_questions(lens: BriefLens) -> None:
    """Every cited sentence of every dev question quotes its document exactly; abstention is right."""
    for item in read_jsonl(SHARED / "eval" / "dev_questions.jsonl"):
        answer = lens.ask(item["question"])
        assert answer.abstained == (item["kind"] == "abstain"), item["id"]
        for citation in answer.citations:
            text = (CORPUS / Path(citation.source).name).read_text(encoding="utf-8")
            assert text[citation.start : citation.end] == citation.quote


def test_filter_by_document(lens: BriefLens) -> None:
    hits = lens.search("distillation", 5, FilterSpec(docs=("004_65154c0ccd00f957.txt",)))
    assert hits and {h.source for h in hits} == {str(CORPUS / "004_65154c0ccd00f957.txt")}


def test_document_lookup_by_prefix_and_name(lens: BriefLens) -> None:
    doc = lens.document("000_e770148319605323.txt")
    assert lens.document(doc.id[:10]).id == doc.id
    with pytest.raises(DocumentNotFound):
        lens.document("no-such-brief")


def test_bad_queries_raise_query_errors(lens: BriefLens) -> None:
    with pytest.raises(QueryError, match="empty"):
        lens.ask("   ")
    with pytest.raises(QueryError, match="limit"):
        lens.search("x" * 5000)


def test_a_sure_model_overrules_the_place_check(lens: BriefLens) -> None:
    """holdout23 (read): "domestically and regionally" is where, though no place is named; the answer model is
    sure, so the place check is overruled. Without the rescue, the same passages give an abstention."""
    question = "Where are smaller distilled models easier to distribute and deploy?"
    answer = lens.ask(question)
    assert not answer.abstained and "domestically and regionally" in answer.answer
    hits = whole_sentences(lens.search(question), lens.index.catalog.document)
    generator = lens._generator(True)
    assert isinstance(generator, ExtractiveGenerator)
    strict = ExtractiveGenerator(generator.embedder, replace(generator.abstention, rescue=1.0))
    assert strict.generate(question, hits).abstained


def test_a_sentence_the_model_is_sure_of_joins_the_quote(lens: BriefLens) -> None:
    """holdout30 (read after its blind run): the Saudi sentence is the most relevant, and "Emerging powers are
    following suit" answers; it is further under the Saudi one than the margin, but the model is sure of it."""
    question = "What are emerging powers doing in the wake of Saudi Arabia's $40 billion AI announcement?"
    answer = lens.ask(question)
    assert not answer.abstained and "following suit" in answer.answer and "Saudi Arabia announced" in answer.answer
    hits = whole_sentences(lens.search(question), lens.index.catalog.document)
    generator = lens._generator(True)
    assert isinstance(generator, ExtractiveGenerator)
    strict = ExtractiveGenerator(generator.embedder, replace(generator.abstention, rescue=1.0))
    draft = strict.generate(question, hits)
    assert not draft.abstained and all("following suit" not in s.text for s in draft.sentences)


def test_a_relation_in_the_brief_s_direction_is_answered(lens: BriefLens) -> None:
    """answers-v12 gives "V4 Pro ranks second …, behind domestic rival Kimi K2.6" P 0.05 for "Which model is
    DeepSeek V4 Pro behind?" (tests/retrieval/support/test_tuned.py), but "the same benchmarks place V4 Pro behind
    both US frontier closed models and domestic rival Kimi K2.6" P 0.47, over its threshold: `ask` answers."""
    answer = lens.ask("Which model is DeepSeek V4 Pro behind?")
    assert not answer.abstained and "Kimi K2.6" in answer.answer
