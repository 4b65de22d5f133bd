"""Drafts: a 3–6 subsection outline, cited paragraphs, single-source flags, and exports whose citations resolve."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from retrieval.draft import ReportDraft
from retrieval.errors import ExportError
from retrieval.export import export, from_draft, from_summary, to_markdown
from retrieval.filters import FilterSpec
from retrieval.service import BriefLens
from retrieval.textnorm import normalize

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
        assert normalize(doc.text[int(m["a"]) : int(m["b"])]) == m["quote"]


def test_summary_exports_and_bad_paths(lens: BriefLens, tmp_path: Path) -> None:
    summary = lens.summarize(ref="004_65154c0ccd00f957", bullets=4)
    path = export(from_summary(summary, "Summary"), tmp_path / "s.md")
    assert path.read_text(encoding="utf-8").count("[^") == 2 * len(summary.sentences)
    with pytest.raises(ExportError):
        export(from_summary(summary, "Summary"), tmp_path / "s.pdf")
    with pytest.raises(ExportError):
        export(from_summary(summary, "Summary"), tmp_path / "missing" / "s.docx")
