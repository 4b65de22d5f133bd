"""Filters restrict retrieval by brief, path glob, section and publication date."""

from __future__ import annotations

import datetime as dt

import pytest

from retrieval.errors import DocumentNotFound, QueryError
from retrieval.search.filters import FilterSpec
from retrieval.service import BriefLens

DATED = "004_65154c0ccd00f957.txt"  # "Updated Mar 1, 2026"
UNDATED = "000_e770148319605323.txt"


def names(lens: BriefLens, query: str, spec: FilterSpec, k: int = 8) -> set[str]:
    return {h.source.rsplit("/", 1)[-1] for h in lens.search(query, k, spec)}


def test_doc_and_source_glob(lens: BriefLens) -> None:
    assert names(lens, "distillation", FilterSpec(docs=(DATED,))) == {DATED}
    assert names(lens, "distillation", FilterSpec(sources=("*000_*",))) == {UNDATED}
    assert lens.search("distillation", 5, FilterSpec(sources=("*.pdf",))) == []


def test_section_filter(lens: BriefLens) -> None:
    hits = lens.search("distillation", 8, FilterSpec(section="signals & trends"))
    assert hits and all(h.chunk.section.startswith("Signals & Trends") for h in hits)


def test_date_filters(lens: BriefLens) -> None:
    assert names(lens, "distillation", FilterSpec(since=dt.date(2026, 1, 1))) == {DATED}
    assert names(lens, "distillation", FilterSpec(until=dt.date(2026, 2, 1))) == set()
    # --as-of drops briefs published later but keeps undated ones.
    assert names(lens, "distillation", FilterSpec(as_of=dt.date(2026, 2, 1))) == {UNDATED}
    assert names(lens, "distillation", FilterSpec(as_of=dt.date(2026, 3, 1))) == {DATED, UNDATED}


def test_answers_respect_filters(lens: BriefLens) -> None:
    answer = lens.ask(
        "Which Huawei chips achieved day-zero compatibility with DeepSeek V4?", None, FilterSpec(docs=(DATED,))
    )
    assert all(c.source.endswith(DATED) for c in answer.citations)
    assert "950PR" not in answer.answer


def test_bad_filters(lens: BriefLens) -> None:
    with pytest.raises(DocumentNotFound):
        lens.search("x", 5, FilterSpec(docs=("missing.txt",)))
    with pytest.raises(QueryError, match="after --until"):
        lens.search("x", 5, FilterSpec(since=dt.date(2026, 2, 1), until=dt.date(2026, 1, 1)))


def test_a_unique_prefix_of_the_file_name_names_a_brief(lens: BriefLens) -> None:
    """The `documents` table shows file names; their start is what people type (`--doc 000`, `show 004`)."""
    assert names(lens, "distillation", FilterSpec(docs=("000",))) == {UNDATED}
    assert lens.document("004").source.endswith(DATED)
    assert lens.document("004_6515").source.endswith(DATED)
    with pytest.raises(DocumentNotFound, match="matches several documents"):
        lens.document("0")
    with pytest.raises(DocumentNotFound, match="matches no indexed document"):
        lens.document("999")
