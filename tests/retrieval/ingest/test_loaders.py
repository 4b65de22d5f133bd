"""Loaders: every format gives text, title, date and sections; bad files give one clear LoadError."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest

from retrieval.errors import LoadError
from retrieval.ingest.loaders import load_document
from tests.helpers import make_docx, make_pdf, make_zip_bomb_docx

MB = 2**20


def write(path: Path, data: bytes | str) -> Path:
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def test_text_keeps_the_original_text_and_finds_structure(tmp_path: Path) -> None:
    src = write(tmp_path / "brief.txt", "My Brief\r\nTop Line\r\nA finding here.\r\nUpdated Mar 1, 2026\r\n")
    doc = load_document(src, "brief.txt", MB)
    assert doc.text == src.read_text(encoding="utf-8")  # text mode: CRLF -> LF, as readers see it
    assert doc.title == "My Brief"
    assert doc.date == dt.date(2026, 3, 1)
    assert [s.title for s in doc.sections] == ["Top Line"]


def test_same_text_same_id(tmp_path: Path) -> None:
    a = load_document(write(tmp_path / "a.txt", "Title\nBody text here."), "a.txt", MB)
    b = load_document(write(tmp_path / "b.txt", "Title\nBody text here."), "b.txt", MB)
    assert a.id == b.id and len(a.id) == 64


def test_markdown_front_matter(tmp_path: Path) -> None:
    src = write(
        tmp_path / "note.md",
        "---\ntitle: Chips and Models\ndate: 2025-12-24\nurl: https://example.org/x\n---\n"
        "# Heading One\n\nA paragraph of text.\n\n## Sub\n\nMore text.\n",
    )
    doc = load_document(src, "note.md", MB)
    assert doc.title == "Chips and Models"
    assert doc.date == dt.date(2025, 12, 24)
    assert doc.url == "https://example.org/x"
    assert [s.path for s in doc.sections] == ["Heading One", "Heading One > Sub"]
    assert doc.text[: doc.body_start].startswith("---") and doc.text[doc.body_start :].startswith("# Heading One")


def test_html_visible_text_title_and_headings(tmp_path: Path) -> None:
    src = write(
        tmp_path / "page.html",
        "<html><head><title>Grid Robots</title><script>alert('x')</script></head><body>"
        "<h1>State Grid</h1><p>State Grid earmarked <b>6.8 billion yuan</b>.</p>"
        "<h2>Risks</h2><p>Attack surface shrinks.</p></body></html>",
    )
    doc = load_document(src, "page.html", MB)
    assert doc.title == "Grid Robots"
    assert "State Grid earmarked 6.8 billion yuan." in doc.text
    assert "alert" not in doc.text
    assert [s.path for s in doc.sections] == ["State Grid", "State Grid > Risks"]


def test_pdf_pages_are_kept(tmp_path: Path) -> None:
    src = write(tmp_path / "r.pdf", make_pdf([["Hardware Report", "Page one text."], ["Page two text."]]))
    doc = load_document(src, "r.pdf", MB)
    assert "Page one text." in doc.text and "Page two text." in doc.text
    assert doc.page_at(doc.text.index("Page two")) == 2
    assert doc.page_at(doc.text.index("Page one")) == 1


def test_docx_title_and_headings(tmp_path: Path) -> None:
    src = tmp_path / "w.docx"
    make_docx(src, "Sovereignty Memo", [("Overview", ["Chips matter."]), ("Outlook", ["Models matter too."])])
    doc = load_document(src, "w.docx", MB)
    assert doc.title == "Sovereignty Memo"
    assert [s.title for s in doc.sections] == ["Overview", "Outlook"]
    section = doc.sections[1]
    assert doc.text[section.start : section.start + len("Outlook")] == "Outlook"


def test_non_utf8_is_decoded_with_a_warning(tmp_path: Path) -> None:
    src = write(tmp_path / "latin.txt", "Caf\xe9 brief\nR\xe9sum\xe9 of events.".encode("cp1252"))
    doc = load_document(src, "latin.txt", MB)
    assert "Café brief" in doc.text
    assert any("decoded as cp1252" in w for w in doc.warnings)


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.md", b"  \n\n\t", "empty file"),
        ("binary.txt", bytes(range(256)) * 4, "binary file"),
        ("broken.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog", "unreadable PDF"),
        ("fake.docx", b"this is not a zip", "not a valid .docx"),
        ("notes.xyz", b"text", "unsupported file type"),
    ],
)
def test_bad_files_raise_one_line_load_errors(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    src = write(tmp_path / name, data)
    with pytest.raises(LoadError, match=reason) as info:
        load_document(src, name, MB)
    assert name in str(info.value) and "\n" not in str(info.value)


def test_size_limit(tmp_path: Path) -> None:
    src = write(tmp_path / "big.txt", "word " * 100_000)
    with pytest.raises(LoadError, match="too large"):
        load_document(src, "big.txt", 100_000)


def test_zip_bomb_docx_is_refused(tmp_path: Path) -> None:
    src = tmp_path / "bomb.docx"
    make_zip_bomb_docx(src, inflated_mb=210)
    assert src.stat().st_size < MB
    with pytest.raises(LoadError, match="zip bomb"):
        load_document(src, "bomb.docx", 10 * MB)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="cannot read"):
        load_document(tmp_path / "gone.txt", "gone.txt", MB)


def test_damaged_pdf_is_one_brieflens_warning_not_pypdf_output(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    pdf = make_pdf([["Sonar Report", "Towed arrays detect quiet submarines at long range."]])
    src = write(tmp_path / "damaged.pdf", pdf.replace(b"startxref\n", b"startxref\n9"))
    with caplog.at_level(logging.DEBUG):
        doc = load_document(src, "damaged.pdf", MB)
    assert "Towed arrays" in doc.text
    assert len(doc.warnings) == 1 and doc.warnings[0].startswith("damaged.pdf: damaged PDF")
    assert not [r for r in caplog.records if r.name.startswith("pypdf")]
    captured = capfd.readouterr()
    assert "pypdf" not in captured.err + captured.out
