"""Summaries: every sentence a verbatim cited quote, non-redundant, grouped by section; topic summaries abstain."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from retrieval.errors import DocumentNotFound, QueryError
from retrieval.search.filters import FilterSpec
from retrieval.service import BriefLens
from retrieval.writing.summarize import Summary
from tests.conftest import CORPUS


def assert_verbatim(lens: BriefLens, summary: Summary) -> None:
    """Each sentence is its one citation's quote, character for character, found at its offsets in the brief."""
    assert summary.sentences
    for sentence in summary.sentences:
        assert sentence.citations, sentence.text
        for c in sentence.citations:
            doc = lens.index.catalog.document(c.doc_id)
            assert doc is not None
            assert doc.text[c.start : c.end] == c.quote
            assert sentence.text == c.quote


@pytest.mark.parametrize("path", sorted(CORPUS.iterdir()), ids=lambda p: p.stem)
def test_seed_brief_summary_is_verbatim_and_cited(lens: BriefLens, path: Path) -> None:
    summary = lens.summarize(ref=path.name, bullets=8)
    assert not summary.abstained and 1 <= len(summary.sentences) <= 8
    assert_verbatim(lens, summary)
    starts = [s.citations[0].start for s in summary.sentences]
    assert starts == sorted(starts), "one brief's summary reads in text order"
    assert len(set(starts)) == len(starts)


def test_summary_groups_by_section_and_section_filter(lens: BriefLens) -> None:
    summary = lens.summarize(ref="000_e770148319605323", sections=("Key Developments", "Signals & Trends"))
    assert [s.section for s in summary.sections] == ["Key Developments", "Signals & Trends"]
    for block in summary.sections:
        assert all(s.citations[0].section.startswith(block.section) for s in block.sentences)
    only = lens.summarize(ref="000_e770148319605323", filters=FilterSpec(section="signals & trends"))
    assert {s.section for s in only.sections} == {"Signals & Trends"}


def test_summary_skips_headings_and_is_not_redundant(lens: BriefLens) -> None:
    summary = lens.summarize(ref="000_e770148319605323", bullets=10)
    doc = lens.document("000_e770148319605323")
    titles = {s.title for s in doc.sections}
    assert not any(s.text in titles for s in summary.sentences)
    vectors = lens.index.embedder.embed([s.text for s in summary.sentences])
    sims = vectors @ vectors.T
    assert float((sims - 2 * np.eye(len(sims))).max()) < 0.9


def test_topic_summary_cites_retrieved_briefs_and_abstains_off_topic(lens: BriefLens) -> None:
    summary = lens.summarize(topic="model distillation", bullets=6)
    assert not summary.abstained and len(summary.sentences) <= 6
    assert_verbatim(lens, summary)
    assert sum("distill" in s.text.lower() for s in summary.sentences) >= len(summary.sentences) // 2
    assert lens.summarize(topic="banana bread baking temperatures").abstained


def test_summarize_rejects_bad_input(lens: BriefLens) -> None:
    with pytest.raises(DocumentNotFound):
        lens.summarize(ref="no-such-brief")
    with pytest.raises(QueryError):
        lens.summarize(topic="   ")
    with pytest.raises(QueryError):
        lens.summarize()
