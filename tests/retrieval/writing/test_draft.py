"""Drafts: a 3–6 subsection outline, cited paragraphs, single-source flags, and exports whose citations resolve."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from retrieval.errors import ExportError
from retrieval.search.filters import FilterSpec
from retrieval.service import BriefLens
from retrieval.writing.draft import ReportDraft
from retrieval.writing.export import export, from_draft, from_summary, to_markdown

TITLE = "Model distillation and export controls"
REFERENCE = re.compile(
    r"“(?P<quote>.+)” — (?P<title>.+), (?P<date>[^,]+)\. (?P<source>\S+), characters (?P<a>\d+)–(?P<b>\d+)\.$"
)


@pytest.fixture(scope="module")
def draft(lens: BriefLens) -> ReportDraft:
    """The draft the issue asks to show, over the seed corpus."""
    return lens.draft(TITLE)


def test_outline_has_three_to_six_named_subsections(lens: BriefLens, draft: ReportDraft) -> None:
    assert 3 <= len(draft.subsections) <= 6
    headings = [s.heading for s in draft.subsections]
    assert len(set(headings)) == len(headings) and all(h.strip() for h in headings)
    outline = lens.draft(TITLE, outline_only=True)
    assert outline.outline_only and 3 <= len(outline.subsections) <= 6
    assert all(not s.sentences for s in outline.subsections)


def test_every_sentence_is_cited_and_flags_match_sources(lens: BriefLens, draft: ReportDraft) -> None:
    used = set()
    for sub in draft.subsections:
        cited = {c.doc_id for s in sub.sentences for c in s.citations}
        assert set(sub.doc_ids) == cited
        assert sub.flag == ("no source" if not cited else "single source" if len(cited) == 1 else None)
        for sentence in sub.sentences:
            c = sentence.citations[0]
            doc = lens.index.catalog.document(c.doc_id)
            assert doc is not None and doc.text[c.start : c.end] == c.quote
            assert sentence.text == c.quote, "a drafted sentence is its quote, typographic quotes included"
            assert (c.doc_id, c.start) not in used, "a quote is used once in a draft"
            used.add((c.doc_id, c.start))
    assert {q.start for src in draft.sources for q in src.quotes} == {s for _, s in used}


def test_one_brief_only_flags_every_subsection(lens: BriefLens) -> None:
    single = lens.draft(TITLE, filters=FilterSpec(docs=("004_65154c0ccd00f957",)))
    flags = [s.flag for s in single.subsections]
    assert "single source" in flags and set(flags) <= {"single source", "no source"}
    assert [src.doc_id[:6] for src in single.sources] == [lens.resolve_docs(["004_65154c0ccd00f957"])[0][:6]]


def test_off_topic_subsections_are_flagged_without_source(lens: BriefLens) -> None:
    off = lens.draft("Banana bread baking temperatures")
    assert off.subsections and all(s.flag == "no source" and not s.sentences for s in off.subsections)


def test_markdown_footnotes_resolve_to_verbatim_quotes(lens: BriefLens, draft: ReportDraft) -> None:
    text = to_markdown(from_draft(draft))
    body, _, notes = text.partition("\n[^1]: ")
    notes = "[^1]: " + notes
    markers = re.findall(r"\[\^(\d+)\](?!:)", body)
    definitions = dict(re.findall(r"^\[\^(\d+)\]: (.+)$", notes, flags=re.M))
    assert markers and markers == [str(i) for i in range(1, len(markers) + 1)]
    assert set(definitions) == set(markers)
    _check_references(lens, definitions.values())
    for sub in draft.subsections:
        assert f"## {sub.heading}" in body
        if sub.flag:
            assert "Flag:" in body.split(f"## {sub.heading}")[1].split("## ")[0]
    assert "## Sources" in body


def test_docx_opens_and_every_marker_resolves(lens: BriefLens, draft: ReportDraft, tmp_path: Path) -> None:
    import docx

    path = export(from_draft(draft), tmp_path / "draft.docx")
    document = docx.Document(str(path))
    texts = [p.text for p in document.paragraphs]
    refs_at = texts.index("References")
    markers = [r.text for p in document.paragraphs[:refs_at] for r in p.runs if r.font.superscript]
    references = {m.group(1): m.group(2) for t in texts[refs_at:] if (m := re.match(r"\[(\d+)\] (.+)$", t))}
    assert markers and [m.strip("[]") for m in markers] == [str(i) for i in range(1, len(markers) + 1)]
    assert set(references) == {m.strip("[]") for m in markers}
    assert len(markers) == len(draft.citations)
    _check_references(lens, references.values())
    assert "Sources" in texts[refs_at:]


def _check_references(lens: BriefLens, references: object) -> None:
    """Each reference carries the quote verbatim at its offsets in the named brief, with its title."""
    for ref in references:  # type: ignore[attr-defined]
        m = REFERENCE.match(ref)
        assert m, ref
        docs = {d.source: d for d in lens.documents()}
        info = docs[m["source"]]
        assert m["title"] == info.title and m["date"] == (info.date or "undated")
        doc = lens.index.catalog.document(info.doc_id)
        assert doc is not None
        assert doc.text[int(m["a"]) : int(m["b"])] == m["quote"], "the footnote quotes the source char for char"


def test_summary_exports_and_bad_paths(lens: BriefLens, tmp_path: Path) -> None:
    summary = lens.summarize(ref="004_65154c0ccd00f957", bullets=4)
    path = export(from_summary(summary, "Summary"), tmp_path / "s.md")
    assert path.read_text(encoding="utf-8").count("[^") == 2 * len(summary.sentences)
    with pytest.raises(ExportError):
        export(from_summary(summary, "Summary"), tmp_path / "s.pdf")
    with pytest.raises(ExportError):
        export(from_summary(summary, "Summary"), tmp_path / "missing" / "s.docx")


TITLES = (TITLE, "Hardware sovereignty: implications for export controls", "Military wargames and strategic stability")


@pytest.fixture(scope="module")
def drafts(lens: BriefLens) -> dict[str, tuple[ReportDraft, ReportDraft]]:
    """Outline and full draft of a few section titles over the seed corpus."""
    return {t: (lens.draft(t, outline_only=True), lens.draft(t)) for t in TITLES}


def _owner(lens: BriefLens) -> dict[str, str]:
    """The brief each chunk belongs to."""
    return {cid: d.doc_id for d in lens.documents() for cid, _, _ in lens.index.catalog.chunk_spans(d.doc_id)}


def test_every_outlined_subsection_is_written_from_its_passages(
    lens: BriefLens, drafts: dict[str, tuple[ReportDraft, ReportDraft]]
) -> None:
    owner = _owner(lens)
    for title, (outline, draft) in drafts.items():
        assert [(s.heading, s.passages, set(s.doc_ids), s.flag) for s in outline.subsections] == [
            (s.heading, s.passages, set(s.doc_ids), s.flag) for s in draft.subsections
        ], title
        for sub in draft.subsections:
            assert sub.passages and sub.sentences, f"{title}: {sub.heading} is outlined but not written"
            assert all(s.citations[0].chunk_id in sub.passages for s in sub.sentences)
            behind = {owner[p] for p in sub.passages}
            # Passages of two briefs: both are quoted (each brief's best sentence is kept).
            assert set(sub.doc_ids) == behind, f"{title}: {sub.heading}"


def test_headings_are_names_not_term_lists_and_distinct(
    lens: BriefLens, drafts: dict[str, tuple[ReportDraft, ReportDraft]]
) -> None:
    section_titles = {
        s.title for d in lens.documents() if (doc := lens.index.catalog.document(d.doc_id)) for s in doc.sections
    }
    for title, (_, draft) in drafts.items():
        headings = [s.heading for s in draft.subsections]
        assert len({h.lower() for h in headings}) == len(headings), title
        for h in headings:
            assert h in section_titles or ("," not in h and 2 <= len(h.split()) <= 4 and h[0].isupper()), h
            assert h not in {"Top Line", "Conclusion"}, "a structural heading names nothing"


def test_paragraphs_put_the_most_relevant_brief_first_then_text_order(
    drafts: dict[str, tuple[ReportDraft, ReportDraft]],
) -> None:
    for _, draft in drafts.values():
        for sub in draft.subsections:
            cites = [s.citations[0] for s in sub.sentences]
            blocks = list(dict.fromkeys(c.doc_id for c in cites))
            # One block per brief, each in the brief's text order.
            assert [c.doc_id for c in cites] == [d for d in blocks for c in cites if c.doc_id == d]
            for d in blocks:
                starts = [c.start for c in cites if c.doc_id == d]
                assert starts == sorted(starts)


def test_reading_order_follows_relevance_not_brief_ids() -> None:
    from retrieval.writing.draft import reading_order

    # Brief "b" holds the most relevant sentence, so it opens the paragraph although "a" sorts first.
    order = reading_order(["a", "b", "a", "b"], [10, 50, 5, 20], [0.4, 0.9, 0.5, 0.3])
    assert order == [3, 1, 2, 0]


def test_headings_from_sections_only_when_they_name_the_content() -> None:
    from retrieval.writing.outline import phrase

    texts = [
        "Western export controls target chips and model weights, not deployed models.",
        "Export controls on model weights are hard to enforce once weights are public.",
    ]
    weights = {"model": 1.0, "weights": 1.0, "western": 0.5, "chips": 0.5, "target": 0.5, "deployed": 0.5}
    name = phrase(texts, [1.0, 1.0], weights, set())
    assert name == "Model weights"
    other = phrase(texts, [1.0, 1.0], weights, {"model weights"})
    assert other and other.lower() != "model weights" and "," not in other


def test_mmr_keeps_the_seed_first() -> None:
    import numpy as np

    from retrieval.writing.salience import mmr

    vectors = np.eye(3, dtype=np.float32)
    assert mmr(np.array([0.9, 0.8, 0.1]), vectors, 2, 0.3, seed=[2]) == [2, 0]
