"""The Draft page, run by AppTest against a real index of the seed corpus; and its edit rule."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import docx
import pytest
from streamlit.testing.v1 import AppTest

from app.ui import draft as page
from app.ui.drafting import EDITED, apply_edit, edited_export, file_stem, paragraph_text
from app.ui.markup import text_html
from retrieval.answer import AnswerSentence
from retrieval.citation import Citation
from retrieval.index.embedding import SentenceTransformerEmbedder
from retrieval.service import BriefLens
from retrieval.settings import Settings
from retrieval.writing.draft import ReportDraft, Subsection
from retrieval.writing.export import to_markdown
from tests.app.test_ui import html_of, open_app
from tests.app.ui_support import build_index, export

TITLE = "Model distillation and export controls"
FOOTNOTE = re.compile(r"^\[\^(\d+)\]: “(.*)” — .*? (\S+), characters (\d+)–(\d+)\.$", re.M)


@pytest.fixture
def settings(
    make_settings: Callable[..., Settings],
    corpus_copy: Path,
    embedder: SentenceTransformerEmbedder,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> Iterator[Settings]:
    """An index of the seed briefs (plus a brief holding markup), handed to the app through BRIEFLENS_* vars."""
    built = make_settings()
    build_index(built, corpus_copy, embedder)
    export(built, monkeypatch)
    monkeypatch.chdir(tmp_path)
    yield built


@pytest.fixture
def texts(settings: Settings, embedder: SentenceTransformerEmbedder) -> Iterator[dict[str, str]]:
    """Each indexed brief's text by its source path, read through a second facade over the same index."""
    lens = BriefLens(settings, embedder)
    try:
        yield {info.source: lens.document(info.doc_id).text for info in lens.documents()}
    finally:
        lens.close()


def outline_or_draft(at: AppTest, label: str) -> AppTest:
    at.text_input(key="draft_title").set_value(TITLE)
    at.button(key="draft_outline_btn" if label == "Outline" else "draft_btn").click().run()
    assert not at.exception, at.exception
    return at


def body_and_footnotes(md: str) -> tuple[str, list[tuple[int, str, str, int, int]]]:
    notes = [(int(n), quote, src, int(a), int(b)) for n, quote, src, a, b in FOOTNOTE.findall(md)]
    return md.split("\n[^1]:", 1)[0], notes


def assert_footnotes_resolve(md: str, texts: dict[str, str]) -> int:
    """Every [^n] marker has a definition whose quote is the cited brief's text at the stated offsets."""
    body, notes = body_and_footnotes(md)
    markers = [int(n) for n in re.findall(r"\[\^(\d+)\](?!:)", body)]
    assert markers and markers == list(range(1, len(markers) + 1))
    assert [n for n, *_ in notes] == markers
    for _, quote, source, start, end in notes:
        assert texts[source][start:end] == quote  # verbatim, typographic quotes too
    return len(markers)


def test_outline_shows_three_to_six_subsections_with_flags(settings: Settings) -> None:
    at = outline_or_draft(open_app("draft"), "Outline")
    outline: ReportDraft = at.session_state[page.OUTLINE]
    assert outline.outline_only and 3 <= len(outline.subsections) <= 6
    page_html = html_of(at)
    for i, sub in enumerate(outline.subsections, 1):
        assert f"<h5>{text_html(f'{i}. {sub.heading}')}</h5>" in page_html
    badges = [str(m.value) for m in at.markdown if "badge[" in str(m.value)]
    assert len(badges) == sum(1 for s in outline.subsections if s.flag)
    assert not [b for b in at.button if b.key and b.key.startswith("draft-cite-")]  # an outline has no text yet


def test_draft_shows_cited_sentences_flags_and_downloads(settings: Settings, texts: dict[str, str]) -> None:
    at = outline_or_draft(open_app("draft"), "Draft")
    result: ReportDraft = at.session_state[page.RESULT]
    assert 3 <= len(result.subsections) <= 6 and result.citations
    page_html = html_of(at)
    for sub in result.subsections:
        for sentence in sub.sentences:
            assert sentence.citations and text_html(sentence.text) in page_html
    markers = [b for b in at.button if b.key and b.key.startswith("draft-cite-")]
    assert [b.label for b in markers] == [f"[{n}]" for n in range(1, len(result.citations) + 1)]
    flags = [s.flag for s in result.subsections if s.flag]
    badges = [str(m.value) for m in at.markdown if "badge[" in str(m.value)]
    assert len(badges) == len(flags) and all(f in b for f, b in zip(flags, badges, strict=True))
    assert flags, "the seed corpus has two briefs: some subsection should rest on one of them"

    at.button(key="draft-cite-1").click().run()
    first = result.citations[0]
    assert f'<mark class="bl-quote">{text_html(first.quote)}</mark>' in html_of(at)

    files = at.session_state[page.DRAFT_FILES]
    assert sorted(files) == [f"{file_stem(TITLE)}.docx", f"{file_stem(TITLE)}.md"]
    assert [d.label for d in at.get("download_button")] == ["Download .md", "Download .docx"]
    md = files[f"{file_stem(TITLE)}.md"].decode()
    assert md.startswith(f"# {TITLE}") and assert_footnotes_resolve(md, texts) == len(result.citations)
    assert EDITED not in md and "> **Flag: this subsection rests on a single brief" in md
    word = docx.Document(io.BytesIO(files[f"{file_stem(TITLE)}.docx"]))
    paragraphs = [p.text for p in word.paragraphs]
    assert paragraphs[0] == TITLE and "References" in paragraphs
    assert sum(1 for p in paragraphs if re.match(r"\[\d+\] “", p)) == len(result.citations)


def test_an_edit_reaches_the_export_marked_unverified(settings: Settings, texts: dict[str, str]) -> None:
    at = outline_or_draft(open_app("draft"), "Draft")
    result: ReportDraft = at.session_state[page.RESULT]
    i, sub = next((i, s) for i, s in enumerate(result.subsections) if len(s.sentences) >= 2)
    changed = sub.sentences[0].text.rstrip(".") + ", analysts say."
    lines = [changed, *(s.text for s in sub.sentences[1:])]
    area = at.text_area(key=f"draft_edit_1_{i}")
    assert area.value == paragraph_text(sub)
    area.set_value("\n".join(lines)).run()
    assert not at.exception, at.exception
    assert at.session_state[page.EDITS] == {i: "\n".join(lines)}
    assert any("1 edited line(s)" in str(c.value) for c in at.caption) and not at.warning
    at.switch_page("pages/chat.py").run()
    at.switch_page("pages/draft.py").run()
    assert at.text_area(key=f"draft_edit_1_{i}").value == "\n".join(lines)  # edits outlive a page switch

    md = at.session_state[page.DRAFT_FILES][f"{file_stem(TITLE)}.md"].decode()
    assert f"{changed} {EDITED} " in md  # no footnote marker follows the edited sentence
    assert "Edited: 1 of these sentences" in md
    n = assert_footnotes_resolve(md, texts)
    assert n == len(result.citations) - len(sub.sentences[0].citations)
    for kept in sub.sentences[1:]:
        assert re.search(re.escape(kept.text) + r"\[\^\d+\]", md)
    word = docx.Document(io.BytesIO(at.session_state[page.DRAFT_FILES][f"{file_stem(TITLE)}.docx"]))
    assert any(f"{changed} {EDITED}" in p.text for p in word.paragraphs)


def test_summarize_a_brief_shows_cited_bullets(settings: Settings, texts: dict[str, str]) -> None:
    at = open_app("draft")
    brief = next(o for o in at.selectbox(key="summary_doc").options if "Geopolitics" in o)
    at.selectbox(key="summary_doc").select(brief)
    at.number_input(key="summary_bullets").set_value(5)
    at.button(key="summary_btn").click().run()
    assert not at.exception, at.exception
    summary, title = at.session_state[page.SUMMARY]
    assert not summary.abstained and 1 <= len(summary.sentences) <= 5 and title.startswith("Summary of ")
    page_html = html_of(at)
    for sentence in summary.sentences:
        assert sentence.citations and f"• {page.sentence_html(sentence.text)}" in page_html
    markers = [b for b in at.button if b.key and b.key.startswith("summary-cite-")]
    assert len(markers) == len(summary.citations)
    at.button(key="summary-cite-1").click().run()
    assert f'<mark class="bl-quote">{text_html(summary.citations[0].quote)}</mark>' in html_of(at)
    md = at.session_state[page.SUMMARY_FILES][f"{file_stem(title)}.md"].decode()
    assert assert_footnotes_resolve(md, texts) == len(summary.citations)


def test_summarize_a_topic_the_corpus_lacks_abstains(settings: Settings) -> None:
    at = open_app("draft")
    at.radio(key="summary_mode").set_value(page.TOPIC).run()
    at.text_input(key="summary_topic").set_value("Reykjavik population census")
    at.button(key="summary_btn").click().run()
    assert at.session_state[page.SUMMARY][0].abstained
    assert "The corpus does not say." in html_of(at) and not at.get("download_button")


# --- The edit rule ---


def cited(text: str, doc: str = "d1") -> AnswerSentence:
    c = Citation(doc_id=doc, chunk_id="c", source=f"{doc}.txt", title=doc, quote=text, start=0, end=len(text))
    return AnswerSentence(text=text, citations=(c,))


def test_edit_rule_keeps_unchanged_lines_and_marks_changed_ones() -> None:
    a, b = cited("Exports rose 5 percent."), cited("Imports fell.", "d2")
    kept = apply_edit("  Imports  fell.\n\nExports rose 50 percent.\nExports rose 5 percent.", [a, b])
    assert kept[0] is b and kept[2] is a  # whitespace changes and reordering keep the citation
    assert kept[1].text == f"Exports rose 50 percent. {EDITED}" and not kept[1].citations and not kept[1].supported


def test_edited_export_recomputes_flags_and_sources() -> None:
    a, b = cited("Exports rose 5 percent."), cited("Imports fell.", "d2")
    draft = ReportDraft(title="T", subsections=(Subsection(heading="H", doc_ids=("d1", "d2"), sentences=(a, b)),))
    doc = edited_export(draft, {0: "Imports fell.\nMy own view."})
    block = doc.blocks[0]
    assert block.note.startswith("Flag: this subsection rests on a single brief") and "Edited: 1" in block.note
    assert [s.doc_id for s in doc.sources] == ["d2"]
    assert "Imports fell.[^1] My own view. [edited, not verified]" in to_markdown(doc)
    assert edited_export(draft, {}).blocks[0].note == ""
