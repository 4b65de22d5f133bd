"""Query facets (named publishers and dates) and document spread in hybrid retrieval, on a real index."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from retrieval.index.embedding import SentenceTransformerEmbedder
from retrieval.index.sqlite_catalog import SqliteCatalog
from retrieval.search.facets import Facet, query_days, query_facets, query_publishers
from retrieval.service import BriefLens
from retrieval.settings import Settings
from tests.helpers import write_brief

PUBLISHERS = ["The Independent - Life and Style", "Fortune", "Cnbc | World Business News Leader", "TechCrunch"]


def test_days_in_queries() -> None:
    query = "Between the report on 2023-11-24 and the one published on October 7th, 2023, and on 1st of March?"
    assert query_days(query) == ["2023-11-24", "2023-10-07", "-03-01"]
    assert query_days("Sept 31st, nothing on the 45 October") == []
    assert query_days("What changed in Q3 2024 at 10 percent?") == []


def test_publishers_in_queries() -> None:
    query = "Did The Independent and Cnbc | World Business News Leader agree, as TechCrunch said?"
    assert query_publishers(query, PUBLISHERS) == ["Cnbc | World Business News Leader", "TechCrunch", PUBLISHERS[0]]
    # Whole names only, case-sensitive: the common word is not the magazine.
    assert query_publishers("a fortune in TechCrunchy deals", PUBLISHERS) == []
    assert query_facets("Fortune on Dec 5", PUBLISHERS) == [Facet(publisher="Fortune"), Facet(day="-12-05")]


def test_publisher_names_sharing_a_start() -> None:
    publishers = [*PUBLISHERS, "The Independent - Sports", "The Age", "The Ages Review"]
    # The full name and its short form start at the same place: every publisher either names counts.
    assert query_publishers("The Independent - Life and Style said", publishers) == [
        "The Independent - Life and Style",
        "The Independent - Sports",
    ]
    assert query_publishers("The Ages Review, not The Ageless", publishers) == ["The Ages Review"]
    assert query_publishers("as The Age's editors said", publishers) == ["The Age"]
    assert query_publishers("nothing here", []) == []


def test_many_publishers_match_alike() -> None:
    # One scan for thousands of names: the same answer as matching each name on its own.
    publishers = [*PUBLISHERS, *(f"Outlet {i} Gazette" for i in range(3000))]
    query = "Did Outlet 12 Gazette and Outlet 1 Gazette agree with Fortune, unlike Outlet 1234 Gazettes?"
    assert query_publishers(query, publishers) == ["Fortune", "Outlet 1 Gazette", "Outlet 12 Gazette"]


def _news(folder: Path) -> None:
    """Eight near-identical Daily Planet pieces on a rate decision, and two terse pieces from other outlets."""
    folder.mkdir()
    for i in range(8):
        write_brief(
            folder,
            f"planet-{i}.md",
            f"Central bank holds interest rates, part {i}",
            f"2024-03-{10 + i}",
            "Daily Planet",
            "The central bank held interest rates steady on Wednesday, and the interest rate decision "
            f"surprised markets; analysts expect rate cuts next year (update {i}).",
        )
    write_brief(
        folder,
        "reuters.md",
        "Policy meeting notes",
        "2024-03-05",
        "Reuters",
        "Policymakers kept borrowing costs unchanged after the meeting.",
    )
    write_brief(
        folder,
        "wired.md",
        "Markets shrug",
        "2024-03-06",
        "Wired",
        "Traders barely reacted when the monetary authority paused.",
    )


def _top(lens: BriefLens, query: str, k: int) -> list[str]:
    return [Path(h.source).name for h in lens.search(query, k)]


def test_named_publishers_and_dates_reach_the_top(
    tmp_path: Path, make_settings: Callable[..., Settings], embedder: SentenceTransformerEmbedder
) -> None:
    _news(tmp_path / "news")
    query = "Did Reuters and Wired describe the central bank's interest rate decision the same way?"
    on = BriefLens(make_settings(data_dir=tmp_path / "on"), embedder)
    on.ingest([tmp_path / "news"])
    assert on.index.catalog.publishers() == ["Daily Planet", "Reuters", "Wired"]
    assert {"reuters.md", "wired.md"} <= set(_top(on, query, 4))
    # A day alone picks that day's brief out of the eight alike.
    assert _top(on, "What did the report published on March 13, 2024 say about the interest rate decision?", 1) == [
        "planet-3.md"
    ]
    off = BriefLens(make_settings(data_dir=tmp_path / "off", facet_weight=0.0, coverage_weight=0.0), embedder)
    off.ingest([tmp_path / "news"])
    # Without facets (and query coverage) the many alike pieces push at least one named outlet down.
    assert not {"reuters.md", "wired.md"} <= set(_top(off, query, 4))
    # Query coverage alone gets both in too: a publisher's name is among the terms a passage covers.
    covered = BriefLens(make_settings(data_dir=tmp_path / "covered", facet_weight=0.0), embedder)
    covered.ingest([tmp_path / "news"])
    assert {"reuters.md", "wired.md"} <= set(_top(covered, query, 4))
    on.close()
    off.close()
    covered.close()


def test_document_spread(
    tmp_path: Path, make_settings: Callable[..., Settings], embedder: SentenceTransformerEmbedder
) -> None:
    folder = tmp_path / "briefs"
    folder.mkdir()
    sections = "\n\n".join(
        f"## Plant {i}\n\nThe lithium battery recycling plant {i} reached a recycling capacity of {i * 10},000 "
        "tonnes of lithium batteries a year."
        for i in range(1, 7)
    )
    (folder / "long.md").write_text(f"# Lithium battery recycling capacity\n\n{sections}\n", encoding="utf-8")
    (folder / "short.md").write_text(
        "# Minerals\n\nCobalt prices fell. Some lithium battery recycling was also mentioned.\n", encoding="utf-8"
    )
    query = "lithium battery recycling capacity"
    spread = BriefLens(make_settings(data_dir=tmp_path / "spread"), embedder)
    spread.ingest([folder])
    hits = spread.search(query, 3)
    assert "short.md" in {Path(h.source).name for h in hits}
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    # A single-fact question's passages are not spread: the brief that states it fills the top k (`ask` reads these).
    assert {Path(h.source).name for h in spread.passages(query, 3)} == {"long.md"}
    # Questions that gather evidence across briefs keep the spread.
    listing = f"List the briefs on {query}."
    assert "short.md" in {Path(h.source).name for h in spread.passages(listing, 3)}
    crowded = BriefLens(make_settings(data_dir=tmp_path / "crowded", document_decay=1.0), embedder)
    crowded.ingest([folder])
    assert {Path(h.source).name for h in crowded.search(query, 3)} == {"long.md"}
    # With the lookup decay set to the search's, `ask` retrieves as `search` does: one retriever.
    same = BriefLens(make_settings(data_dir=tmp_path / "same", lookup_document_decay=0.3), embedder)
    assert same.lookup_retriever is same.retriever
    same.close()
    spread.close()
    crowded.close()


def test_old_manifest_gains_publishers(
    tmp_path: Path, make_settings: Callable[..., Settings], embedder: SentenceTransformerEmbedder
) -> None:
    _news(tmp_path / "news")
    lens = BriefLens(make_settings(), embedder)
    lens.ingest([tmp_path / "news"])
    path = lens.settings.data_dir / f"{lens.settings.collection}.manifest.sqlite"
    lens.close()
    db = sqlite3.connect(path)
    db.execute("DROP INDEX documents_origin")
    db.execute("ALTER TABLE documents DROP COLUMN origin")
    db.commit()
    db.close()
    catalog = SqliteCatalog(path)
    assert catalog.publishers() == ["Daily Planet", "Reuters", "Wired"]
    catalog.close()
