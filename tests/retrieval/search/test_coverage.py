"""Query coverage in the hybrid pick: a passage adding an uncovered part of the question beats a repeat."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from retrieval.index.embedding import SentenceTransformerEmbedder
from retrieval.search.coverage import QueryCoverage
from retrieval.service import BriefLens
from retrieval.settings import Settings
from tests.helpers import write_brief


def test_gains_shrink_as_picks_cover_the_question() -> None:
    coverage = QueryCoverage(
        "Did the Daily Planet report the lithium plant fire and the cobalt mine strike?",
        {
            "fire-1": "A fire broke out at the lithium plant overnight.",
            "fire-2": "The lithium plant fire burned for hours.",
            "strike": "Miners at the cobalt mine went on strike.",
            "other": "Bananas are yellow.",
        },
    )
    assert coverage.gain("other") == 0.0
    assert coverage.gain("missing") == 0.0
    first = coverage.gain("fire-2")
    assert 0.0 < first < 1.0
    coverage.take("fire-1")
    # fire-1 already covers lithium, plant and fire: fire-2 adds nothing, the strike passage all it had.
    assert coverage.gain("fire-2") == 0.0
    assert coverage.gain("strike") > 0.0
    coverage.take("strike")
    assert coverage.gain("strike") == 0.0


def test_rare_terms_weigh_more() -> None:
    passages = {f"p{i}": f"Interest rates rose in report {i}." for i in range(5)}
    passages["rare"] = "Interest rates and tariffs."
    coverage = QueryCoverage("interest rates and tariffs", passages)
    # "tariff" is in one candidate, "interest" and "rate" in all six.
    assert coverage.gain("rare") == 1.0
    assert coverage.gain("p0") < 0.5


def _corpus(folder: Path) -> None:
    """Five briefs on the battery plant fire, and one terse brief on the other half of the question."""
    folder.mkdir()
    for i in range(5):
        write_brief(
            folder,
            f"fire-{i}.md",
            f"Battery plant fire, update {i}",
            "2024-03-01",
            "Daily Planet",
            f"The fire at the lithium battery plant near the river burned through the night; firefighters "
            f"contained the battery plant fire by morning (update {i}).",
        )
    write_brief(
        folder,
        "union.md",
        "Labour news",
        "2024-03-01",
        "Daily Planet",
        "Dockworkers walked out over pay at the harbour.",
    )


@pytest.mark.parametrize("weight", [0.0, 1.0])
def test_uncovered_part_of_the_question_reaches_the_top(
    tmp_path: Path, make_settings: Callable[..., Settings], embedder: SentenceTransformerEmbedder, weight: float
) -> None:
    _corpus(tmp_path / "news")
    lens = BriefLens(make_settings(data_dir=tmp_path / f"w{weight}", coverage_weight=weight), embedder)
    lens.ingest([tmp_path / "news"])
    query = "Did the Daily Planet cover the battery plant fire near the river and the walkout at the harbour?"
    hits = lens.search(query, 2)
    names = [Path(h.source).name for h in hits]
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    if weight:
        # The first fire brief covers the fire: the harbour brief, adding the walkout, comes next.
        assert names[1] == "union.md"
    else:
        # Without coverage a second brief on the fire takes the other slot.
        assert names == ["fire-0.md", "fire-1.md"]
    lens.close()
