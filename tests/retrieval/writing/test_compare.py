"""Compare: side-by-side statements per brief, and a planted disagreement on a figure is flagged."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from retrieval.index.embedding import SentenceTransformerEmbedder
from retrieval.service import BriefLens
from retrieval.settings import Settings
from retrieval.writing.compare import figures, names

GRID_A = (
    "---\ntitle: Grid Automation Watch\ndate: 2026-02-01\n---\n# Grid Automation Watch\n\n## Infrastructure\n\n"
    "State Grid Corporation has earmarked {a} to deploy AI-powered inspection robots across power substations. "
    "The programme covers high-voltage line maintenance and substation inspection in several provinces.\n"
)
GRID_B = (
    "---\ntitle: Power Sector Monitor\ndate: 2026-02-15\n---\n# Power Sector Monitor\n\n## Robots\n\n"
    "State Grid Corporation has committed {b} to roll out AI-powered inspection robots at power substations. "
    "Officials say the robots will take over routine inspection work within three years.\n"
)
OTHER = (
    "---\ntitle: Chip Notes\ndate: 2026-01-10\n---\n# Chip Notes\n\n## Chips\n\n"
    "Huawei shipped new Ascend accelerators to cloud providers this quarter, according to supply chain sources.\n"
)


def _lens(
    tmp_path: Path, make_settings: Callable[..., Settings], embedder: SentenceTransformerEmbedder, a: str, b: str
) -> BriefLens:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "grid_a.md").write_text(GRID_A.format(a=a), encoding="utf-8")
    (corpus / "grid_b.md").write_text(GRID_B.format(b=b), encoding="utf-8")
    (corpus / "chips.md").write_text(OTHER, encoding="utf-8")
    lens = BriefLens(make_settings(), embedder)
    lens.ingest([corpus])
    return lens


def test_planted_figure_disagreement_is_flagged(
    tmp_path: Path, make_settings: Callable[..., Settings], embedder: SentenceTransformerEmbedder
) -> None:
    lens = _lens(tmp_path, make_settings, embedder, "6.8 billion yuan", "9.2 billion yuan")
    try:
        result = lens.compare("State Grid robots investment")
        assert {c.title for c in result.columns} >= {"Grid Automation Watch", "Power Sector Monitor"}
        assert len(result.disagreements) == 1
        d = result.disagreements[0]
        assert "State Grid Corporation" in d.subject
        assert {d.first_figures, d.second_figures} == {("6.8 billion yuan",), ("9.2 billion yuan",)}
        for c in (d.first, d.second):
            doc = lens.index.catalog.document(c.doc_id)
            assert doc is not None and doc.text[c.start : c.end] == c.quote
    finally:
        lens.close()


def test_agreeing_figures_are_not_flagged(
    tmp_path: Path, make_settings: Callable[..., Settings], embedder: SentenceTransformerEmbedder
) -> None:
    lens = _lens(tmp_path, make_settings, embedder, "6.8 billion yuan", "6.8 billion yuan")
    try:
        result = lens.compare("State Grid robots investment")
        assert len(result.columns) >= 2 and result.disagreements == ()
    finally:
        lens.close()


def test_compare_seed_corpus_columns_are_cited(lens: BriefLens) -> None:
    result = lens.compare("model distillation")
    assert len(result.columns) == 2 and not result.abstained
    for column in result.columns:
        assert 1 <= len(column.sentences) <= 4
        assert all(s.citations[0].doc_id == column.doc_id for s in column.sentences)
        assert all(s.text == s.citations[0].quote for s in column.sentences), "compared sentences are verbatim"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It earmarked 6.8 billion yuan for robots.", [("6.8", "yuan billion")]),
        ("Signalling occurred in 95 percent of wargames.", [("95", "percent")]),
        ("MatX raised $500 million last year.", [("500", "$ million")]),
        ("Across 21 matchups the models escalated.", [("21", "matchups")]),
        ("The 1963 hotline agreement still stands.", []),
    ],
)
def test_figures(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(f.value, f.unit) for f in figures(text)] == expected


def test_names_drop_sentence_initial_function_words() -> None:
    assert names("The State Grid Corporation and Kimi K2.6 lead.") == {"State Grid Corporation", "Kimi K2.6"}
