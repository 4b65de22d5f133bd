"""Titles, publication dates and headings of plain-text briefs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from retrieval.ingest.structure import build_sections, find_date, find_title, parse_date, plain_headings

CORPUS = Path(__file__).resolve().parents[3] / "corpus"


def test_parse_date_formats() -> None:
    assert parse_date("Mar 1, 2026") == dt.date(2026, 3, 1)
    assert parse_date("1 March 2026") == dt.date(2026, 3, 1)
    assert parse_date("2026-03-01") == dt.date(2026, 3, 1)
    assert parse_date("Sept. 9, 2025") == dt.date(2025, 9, 9)
    assert parse_date("soon") is None


def test_only_labelled_dates_count() -> None:
    assert find_date("The 1963 hotline agreement. Met on March 3, 2020 in talks.") is None
    assert find_date("Body.\nUpdated Mar 1, 2026\n") == dt.date(2026, 3, 1)
    assert find_date("Published: 2025-11-02\nText") == dt.date(2025, 11, 2)


def test_seed_brief_000_sections() -> None:
    text = (CORPUS / "000_e770148319605323.txt").read_text(encoding="utf-8")
    title, span = find_title(text)
    assert title == "Geopolitics & Sovereign Positioning"
    sections = build_sections(plain_headings(text, 0, span), len(text))
    top = [s.title for s in sections if s.level == 1]
    assert top[:3] == ["Top Line", "Key Developments", "Signals & Trends"]
    nested = next(s for s in sections if s.title.startswith("Huawei-DeepSeek"))
    assert nested.path.startswith("Key Developments > ") and nested.level == 2
    for section in sections:
        assert text[section.start :].startswith(section.title)


def test_seed_brief_004_date_and_sections() -> None:
    text = (CORPUS / "004_65154c0ccd00f957.txt").read_text(encoding="utf-8")
    assert find_date(text) == dt.date(2026, 3, 1)
    titles = [s.title for s in build_sections(plain_headings(text, 0, find_title(text)[1]), len(text))]
    assert "Distillation Bypassing Export Controls" in titles
    assert "Implications:" not in titles
