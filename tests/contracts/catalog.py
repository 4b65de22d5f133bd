"""The Catalog contract: atomic commits, BM25 lexical search with filters, pending ids, and no stale reads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pytest

from retrieval.chunk import Chunk
from retrieval.document import Document
from retrieval.index.catalog import Catalog, FileRow

OpenCatalog = Callable[[], Catalog]


def brief(
    name: str, paragraphs: list[str], title: str = "", origin: str | None = None, day: dt.date | None = None
) -> tuple[FileRow, Document, list[Chunk]]:
    """A document with one chunk per paragraph, each in its own section."""
    text = "\n\n".join(paragraphs)
    doc = Document(id=f"doc-{name}", source=f"{name}.md", title=title or name, text=text, origin=origin, date=day)
    chunks, start = [], 0
    for i, para in enumerate(paragraphs):
        end = start + len(para)
        chunks.append(Chunk(id=f"{name}-{i}", doc_id=doc.id, text=para, start=start, end=end, section=f"Part {i}"))
        start = end + 2
    return FileRow(f"/briefs/{name}.md", doc.source, doc.id, len(text), 1), doc, chunks


def unit(seed: int) -> np.ndarray:
    """A unit vector of dimension 8."""
    v = np.random.default_rng(seed).normal(size=8).astype(np.float32)
    return (v / np.linalg.norm(v)).astype(np.float32)


def ids(hits: list[tuple[Chunk, float]]) -> list[str]:
    """The chunk ids of search hits, in order."""
    return [c.id for c, _ in hits]


class CatalogContract:
    """Subclass it and provide `opener`: a factory of new connections to one fresh, empty catalog."""

    @pytest.fixture
    def subject(self, opener: OpenCatalog) -> Catalog:
        return opener()

    def test_a_committed_document_reads_back(self, subject: Catalog) -> None:
        row, doc, chunks = brief(
            "a", ["Lithium prices rose.", "Cobalt fell."], origin="Harbor", day=dt.date(2024, 3, 1)
        )
        assert not subject.has_documents()
        subject.commit_document(row, doc, chunks)
        assert subject.has_documents() and subject.files() == {row.path: row}
        info = subject.documents()[doc.id]
        assert (info.title, info.date, info.source, info.n_chunks, info.origin) == (
            "a",
            "2024-03-01",
            "a.md",
            2,
            "Harbor",
        )
        assert subject.doc_infos([doc.id, "nope"]) == {doc.id: info}
        assert subject.document(doc.id) == doc and subject.document("nope") is None
        assert subject.chunk_spans(doc.id) == [(c.id, c.start, c.end) for c in chunks]
        assert sorted(subject.chunk_ids(doc.id)) == ["a-0", "a-1"] and subject.all_chunk_ids() == {"a-0", "a-1"}
        assert subject.publishers() == ["Harbor"] and subject.sections_like("part 1") == ("Part 1",)

    def test_meta_is_written_and_overwritten(self, subject: Catalog) -> None:
        assert subject.get_meta("signature") is None
        subject.set_meta("signature", "one")
        subject.set_meta("signature", "two")
        assert subject.get_meta("signature") == "two"

    def test_lexical_search_ranks_by_bm25(self, subject: Catalog) -> None:
        subject.commit_documents(
            [
                brief("rare", ["The tariff on gallium exports was raised sharply."]),
                brief("common", ["The tariff was discussed.", "The tariff again, and the tariff once more."]),
                brief("long", ["Gallium " + "filler words about unrelated matters " * 12]),
                brief("none", ["Nothing relevant here at all."]),
            ]
        )
        hits = subject.lexical_search(["gallium", "tariff"], 10)
        # Both terms beat one; a rare term in a short chunk beats it in a long one; absent terms never match.
        assert ids(hits)[0] == "rare-0" and "none-0" not in ids(hits)
        assert ids(hits).index("long-0") > ids(hits).index("rare-0")
        assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True) and all(s > 0 for _, s in hits)
        # Stemming: "exported" finds "exports"; repeated terms raise a chunk's score.
        assert ids(subject.lexical_search(["exported"], 5)) == ["rare-0"]
        tariff = ids(subject.lexical_search(["tariff"], 5))
        assert tariff.index("common-1") < tariff.index("common-0") and len(subject.lexical_search(["tariff"], 2)) == 2
        assert subject.lexical_search([], 5) == [] and subject.lexical_search(["zzzz"], 5) == []

    def test_metadata_is_matched_but_never_returned(self, subject: Catalog) -> None:
        subject.commit_documents(
            [
                brief("a", ["Prices of the metal rose."], title="Quarterly Lithium Outlook", origin="Harbor Ledger"),
                brief("b", ["Prices of grain rose in town."]),
            ]
        )
        hits = subject.lexical_search(["lithium", "outlook"], 5)
        assert ids(hits) == ["a-0"] and hits[0][0].text == "Prices of the metal rose."
        assert ids(subject.lexical_search(["ledger", "prices"], 5))[0] == "a-0"

    def test_lexical_filters(self, subject: Catalog) -> None:
        subject.commit_documents(
            [
                brief("a", ["Grain harvest news.", "Grain storage news."], origin="Reuters", day=dt.date(2024, 3, 13)),
                brief("b", ["Grain price news."], origin="Wired", day=dt.date(2023, 3, 13)),
                brief("c", ["Grain export news."], day=dt.date(2024, 5, 1)),
            ]
        )
        grain = ["grain"]
        assert set(ids(subject.lexical_search(grain, 10))) == {"a-0", "a-1", "b-0", "c-0"}
        assert set(ids(subject.lexical_search(grain, 10, doc_ids=["doc-a"]))) == {"a-0", "a-1"}
        assert ids(subject.lexical_search(grain, 10, sections=["Part 1"])) == ["a-1"]
        assert ids(subject.lexical_search(grain, 10, doc_ids=["doc-a", "doc-b"], sections=["Part 0"])) in (
            ["a-0", "b-0"],
            ["b-0", "a-0"],
        )
        assert ids(subject.lexical_search(grain, 10, origin="Wired")) == ["b-0"]
        assert set(ids(subject.lexical_search(grain, 10, day="2024-03-13"))) == {"a-0", "a-1"}
        assert set(ids(subject.lexical_search(grain, 10, day="-03-13"))) == {"a-0", "a-1", "b-0"}
        assert (
            subject.lexical_search(grain, 10, doc_ids=[]) == [] and subject.lexical_search(grain, 10, sections=[]) == []
        )

    def test_a_new_version_replaces_the_old_and_removal_forgets_it(self, subject: Catalog) -> None:
        row, doc, chunks = brief("a", ["Old text about copper."])
        subject.commit_document(row, doc, chunks)
        _, new_doc, new_chunks = brief("a2", ["New text about nickel."])
        subject.commit_document(FileRow(row.path, row.source, new_doc.id, 9, 2), new_doc, new_chunks)
        assert set(subject.documents()) == {new_doc.id} and subject.all_chunk_ids() == {"a2-0"}
        assert subject.lexical_search(["copper"], 5) == [] and ids(subject.lexical_search(["nickel"], 5)) == ["a2-0"]
        subject.remove_path(row.path)
        assert subject.files() == {} and subject.documents() == {} and not subject.all_chunk_ids()
        assert subject.lexical_search(["nickel"], 5) == [] and not subject.has_documents()

    def test_a_rename_moves_the_file_and_keeps_the_document(self, subject: Catalog) -> None:
        row, doc, chunks = brief("a", ["Text about zinc."])
        subject.commit_document(row, doc, chunks)
        moved = FileRow("/elsewhere/a.md", "elsewhere/a.md", doc.id, row.size, 5)
        subject.update_file(moved)
        assert subject.files() == {moved.path: moved} and subject.documents()[doc.id].source == "elsewhere/a.md"
        assert subject.all_chunk_ids() == {"a-0"}

    def test_a_failed_batch_commits_nothing(self, subject: Catalog) -> None:
        good, clash = brief("a", ["Alpha text."]), brief("b", ["Beta text."])
        bad = (clash[0], clash[1], [clash[2][0], clash[2][0]])  # one chunk id twice: the insert fails
        with pytest.raises(Exception, match=r"(?i)unique|duplicate"):
            subject.commit_documents([good, bad])
        assert subject.documents() == {} and subject.files() == {} and not subject.all_chunk_ids()
        assert subject.lexical_search(["alpha"], 5) == []
        subject.commit_documents([good])  # the connection is usable again
        assert set(subject.documents()) == {"doc-a"}

    def test_pending_ids_name_the_orphans(self, subject: Catalog) -> None:
        row, doc, chunks = brief("a", ["Text one.", "Text two."])
        subject.mark_pending(["a-0", "a-1", "gone-0", "gone-0"])
        subject.commit_document(row, doc, chunks)
        assert subject.orphans() == ["gone-0"]
        subject.clear_pending()
        assert subject.orphans() == []

    def test_vectors_are_stored_and_searched_exactly(self, subject: Catalog) -> None:
        row, doc, chunks = brief("a", ["One.", "Two.", "Three."])
        vectors = {c.id: unit(i) for i, c in enumerate(chunks)}
        subject.commit_document(row, doc, chunks, {k: v for k, v in vectors.items() if k != "a-2"})
        assert subject.vector_coverage() == (3, 2) and subject.chunks_without_vectors() == ["a-2"]
        subject.add_vectors({"a-2": vectors["a-2"]})
        assert subject.vector_coverage() == (3, 3) and subject.chunks_without_vectors() == []
        hits = subject.exact_search(vectors["a-1"], 2)
        assert ids(hits)[0] == "a-1" and hits[0][1] == pytest.approx(1.0, abs=1e-5) and len(hits) == 2
        assert ids(subject.exact_search(vectors["a-1"], 3, sections=["Part 2"])) == ["a-2"]
        assert subject.exact_search(vectors["a-1"], 3, doc_ids=[]) == []

    def test_another_connection_sees_every_commit_at_once(self, subject: Catalog, opener: OpenCatalog) -> None:
        other = opener()
        try:
            row, doc, chunks = brief("a", ["Zinc output grew."], origin="Harbor")
            # Warm every cache of the other connection on the empty catalog first.
            assert other.publishers() == [] and other.vector_coverage() == (0, 0)
            assert other.exact_search(unit(1), 3) == []
            subject.commit_document(row, doc, chunks, {"a-0": unit(1)})
            assert other.publishers() == ["Harbor"] and other.vector_coverage() == (1, 1)
            assert ids(other.exact_search(unit(1), 3)) == ["a-0"] and ids(other.lexical_search(["zinc"], 3)) == ["a-0"]
            subject.remove_path(row.path)
            assert other.publishers() == [] and other.vector_coverage() == (0, 0) and other.documents() == {}
            assert other.exact_search(unit(1), 3) == [] and other.lexical_search(["zinc"], 3) == []
        finally:
            other.close()
