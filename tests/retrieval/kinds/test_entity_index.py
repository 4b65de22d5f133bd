"""The entity cache: one extraction per brief text, kept across questions scoped to other briefs."""

from __future__ import annotations

import pytest

from retrieval.kinds import entity_index
from retrieval.kinds.briefs import load_briefs
from retrieval.kinds.entity_index import EntityIndex
from retrieval.service import BriefLens


def test_a_scoped_question_keeps_the_other_briefs_entities(lens: BriefLens) -> None:
    """Asking within one brief does not drop the other's entities: they are the same object when asked again."""
    briefs = load_briefs(lens.index.catalog, None)
    assert len(briefs) == 2
    index = EntityIndex()
    first = index.of(briefs)
    assert "Moonshot" in first[0].spans and "Moonshot" in first[1].spans
    assert index.of(briefs[:1])[0] is first[0]
    assert index.of(briefs[1:])[0] is first[1]


def test_the_least_recently_asked_briefs_age_out(lens: BriefLens, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the bound, the brief asked longest ago is recomputed (a new object) and the recent one is kept."""
    briefs = load_briefs(lens.index.catalog, None)
    monkeypatch.setattr(entity_index, "CACHED_BRIEFS", 1)
    index = EntityIndex()
    a = index.of(briefs[:1])[0]
    b = index.of(briefs[1:])[0]
    assert index.of(briefs[1:])[0] is b
    again = index.of(briefs[:1])[0]
    assert again is not a and again == a
