"""Synthesis answers over the ingested seed briefs: every sentence cited with the document's text at its offsets."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from retrieval.answer import Answer
from retrieval.search.filters import FilterSpec
from retrieval.service import BriefLens
from retrieval.settings import Settings
from retrieval.streaming import AnswerEvent

GEO = "Geopolitics & Sovereign Positioning"
BIG = "Big Picture Brief"


def assert_quotes_exact(lens: BriefLens, answer: Answer) -> None:
    assert not answer.abstained and answer.sentences
    for sentence in answer.sentences:
        assert sentence.citations, sentence.text
        for c in sentence.citations:
            doc = lens.index.catalog.document(c.doc_id)
            assert doc is not None and c.quote and doc.text[c.start : c.end] == c.quote
            assert c.chunk_id in lens.index.catalog.chunk_ids(c.doc_id)


def test_companies_both_briefs_mention_are_each_cited_in_both(lens: BriefLens) -> None:
    answer = lens.ask("Which companies do both briefs mention?")
    assert answer.kind == "aggregation"
    assert_quotes_exact(lens, answer)
    named = {s.text.split(" is named")[0]: s for s in answer.sentences}
    assert {"DeepSeek", "Nvidia", "Moonshot"} <= set(named)
    assert not {"China", "Chinese", "AI", "Western"} & set(named)  # places and generic words are not companies
    for name, sentence in named.items():
        assert {c.title for c in sentence.citations} == {GEO, BIG}
        assert all(name in c.quote for c in sentence.citations)


def test_which_briefs_mention_a_name(lens: BriefLens) -> None:
    answer = lens.ask("Which briefs mention Anthropic?")
    assert_quotes_exact(lens, answer)
    assert [c.title for c in answer.citations] == [BIG] and "Anthropic" in answer.citations[0].quote
    assert lens.ask("Which briefs mention Zhongguancun?").abstained


def test_last_updated_cites_the_updated_line(lens: BriefLens) -> None:
    answer = lens.ask("When was the Big Picture Brief last updated?")
    assert answer.kind == "metadata" and "Mar 1, 2026" in answer.answer
    assert_quotes_exact(lens, answer)
    assert [c.quote for c in answer.citations] == ["Updated Mar 1, 2026"]


def test_sources_count_cites_the_sources_line(lens: BriefLens) -> None:
    answer = lens.ask("How many sources does the brief on military AI and distillation rest on?")
    assert "29" in answer.answer and [c.quote for c in answer.citations] == ["Sources (29)"]


def test_metadata_a_brief_does_not_state_abstains(lens: BriefLens) -> None:
    # The Geopolitics brief prints no Updated line: say so rather than borrow the other brief's date.
    answer = lens.ask("When was the Geopolitics & Sovereign Positioning brief last updated?")
    assert answer.kind == "metadata" and answer.abstained and not answer.citations


def test_sections_are_cited_at_their_headings(lens: BriefLens) -> None:
    answer = lens.ask("What sections does the Geopolitics & Sovereign Positioning brief have?")
    assert_quotes_exact(lens, answer)
    assert [c.quote for c in answer.citations][:3] == ["Top Line", "Key Developments", "Signals & Trends"]


def test_labelled_list_is_answered_item_by_item(lens: BriefLens) -> None:
    answer = lens.ask("What risks does the Big Picture Brief list for autonomous systems?")
    assert answer.kind == "list"
    assert_quotes_exact(lens, answer)
    text = answer.answer
    assert "Autonomous escalation" in text and "Proliferation of hardware" in text and "talent" in text
    starts = [c.start for c in answer.citations]
    assert starts == sorted(starts)  # source order


def test_a_list_just_under_the_bar_is_answered_when_the_answer_model_is_sure(lens: BriefLens) -> None:
    """The proliferation sentence sits 0.13 under the relevance bar; the answer model gives it P 0.97."""
    question = "Which kinds of autonomous systems are proliferating, according to the brief?"
    answer = lens.ask(question)
    assert answer.kind == "list"
    assert_quotes_exact(lens, answer)
    assert "drones, space assets, and maritime vessels" in answer.answer
    # Without the rescue the same passages give an abstention.
    strict = replace(lens.synthesis, abstention=replace(lens.synthesis.abstention, rescue=1.0))
    assert strict.answer("list", question, lens.search(question)).abstained


def test_a_reason_the_answer_model_finds_nowhere_abstains(lens: BriefLens) -> None:
    """Relevant sentences about Huawei's chips are no reason for a delay the briefs never mention."""
    question = "Why did Huawei delay the Ascend 950PR launch?"
    answer = lens.ask(question)
    assert answer.kind == "why" and answer.abstained and not answer.citations
    # The rules alone, without the answer model, would have answered it.
    loose = replace(lens.synthesis, abstention=replace(lens.synthesis.abstention, model=None))
    assert not loose.answer("why", question, lens.search(question)).abstained


def test_a_reason_in_a_sentence_that_never_names_the_subject_is_rescued(lens: BriefLens) -> None:
    """holdout25 (read): "The paper is a pre-print …" never names Payne; the answer model is sure it gives the
    reason, as it may for a lookup's sentence held back by the name check; without the rescue, no answer."""
    question = "Why does it matter that Kenneth Payne's wargaming paper has not been peer reviewed?"
    answer = lens.ask(question)
    assert answer.kind == "why" and not answer.abstained
    assert_quotes_exact(lens, answer)
    assert "matters for policy interpretation" in answer.answer
    strict = replace(lens.synthesis, abstention=replace(lens.synthesis.abstention, rescue=1.0))
    assert strict.answer("why", question, lens.search(question)).abstained


def test_why_answer_links_sentences_in_source_order(lens: BriefLens) -> None:
    answer = lens.ask("Why could the US distillation crackdown benefit the stronger Chinese AI players?")
    assert answer.kind == "why" and 2 <= len(answer.sentences) <= 3
    assert_quotes_exact(lens, answer)
    assert "reduced competition" in answer.answer


def test_comparison_routes_to_compare(lens: BriefLens) -> None:
    answer = lens.ask("How do the two briefs frame model distillation differently?")
    assert answer.kind == "comparison"
    assert_quotes_exact(lens, answer)
    assert {c.title for c in answer.citations} == {GEO, BIG}


def test_lookups_keep_kind_lookup(lens: BriefLens) -> None:
    answer = lens.ask("How much has State Grid earmarked for AI-powered robots?")
    assert answer.kind == "lookup" and "6.8 billion yuan" in answer.answer


def test_entity_index_follows_reingest_and_removal(tmp_path: Path, embedder: object, corpus_copy: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path / "data", corpus_dir=corpus_copy)  # type: ignore[call-arg]
    lens = BriefLens(settings, embedder)  # type: ignore[arg-type]
    try:
        lens.ingest([corpus_copy])
        assert "Moonshot" in lens.ask("Which companies do both briefs mention?").answer
        geo = corpus_copy / "000_e770148319605323.txt"
        geo.write_text(geo.read_text(encoding="utf-8").replace("Moonshot", "Lunar"), encoding="utf-8")
        lens.ingest([corpus_copy])
        answer = lens.ask("Which companies do both briefs mention?")
        assert "Moonshot" not in answer.answer and "DeepSeek" in answer.answer
        assert_quotes_exact(lens, answer)
        lens.remove("004_65154c0ccd00f957.txt")
        assert lens.ask("Which briefs mention Anthropic?").abstained
    finally:
        lens.close()


def test_unanswerable_synthesis_questions_abstain(lens: BriefLens) -> None:
    for question in (
        "What risks does the Big Picture Brief list for quantum computing?",  # a labelled list, the wrong subject
        "What is the title of the brief on sourdough bread?",  # no brief is about it
        "Which people do both briefs mention?",  # no person is named in both
        "Why did DeepSeek's chief executive resign?",
    ):
        answer = lens.ask(question)
        assert answer.abstained and not answer.citations, question


def test_most_often_names_the_top_name_with_its_count(lens: BriefLens) -> None:
    answer = lens.ask("Which company is mentioned most often across the briefs?")
    assert_quotes_exact(lens, answer)
    assert answer.sentences[0].text.startswith("DeepSeek is named most often")
    assert {c.title for c in answer.citations} == {GEO, BIG}


def test_streamed_synthesis_answer_is_the_asked_one(lens: BriefLens) -> None:
    from retrieval.streaming import AnswerEvent, SentenceEvent

    question = "When was the Big Picture Brief last updated?"
    events = list(lens.ask_stream(question))
    final = events[-1]
    assert isinstance(final, AnswerEvent) and final.answer == lens.ask(question)
    assert [e.sentence.text for e in events if isinstance(e, SentenceEvent)] == [s.text for s in final.answer.sentences]


def test_cited_passages_are_among_the_contexts(lens: BriefLens) -> None:
    # Metadata is read from the whole brief: the passage holding "Updated …" is shown though retrieval missed it.
    answer = lens.ask("When was the Big Picture Brief last updated?")
    by_id = {c.chunk_id: c for c in answer.contexts}
    for citation in answer.citations:
        context = by_id[citation.chunk_id]
        assert context.start <= citation.start < citation.end <= context.end and citation.quote in context.text


def test_filters_scope_answers_read_from_whole_briefs(lens: BriefLens) -> None:
    """--doc limits names across briefs and metadata to the chosen brief, as it limits retrieval."""
    geo = next(i.doc_id for i in lens.index.catalog.documents().values() if i.title == GEO)
    within = FilterSpec(docs=(geo,))
    everywhere = lens.ask("Which companies do both briefs mention?")
    assert {c.title for c in everywhere.citations} == {GEO, BIG}
    scoped = lens.ask("Which briefs mention Moonshot?", filters=within)
    assert_quotes_exact(lens, scoped)
    assert {c.title for c in scoped.citations} == {GEO}
    # Anthropic is named only in the other brief: within this one the corpus does not say.
    assert lens.ask("Which briefs mention Anthropic?", filters=within).abstained
    assert lens.ask("When was the Big Picture Brief last updated?", filters=within).abstained
    last = list(lens.ask_stream("Which briefs mention Anthropic?", filters=within))[-1]
    assert isinstance(last, AnswerEvent) and last.answer.abstained
    compared = lens.ask("How do the two briefs frame model distillation differently?", filters=within)
    assert compared.kind == "comparison" and not compared.abstained
    assert {c.title for c in compared.citations} == {GEO}
