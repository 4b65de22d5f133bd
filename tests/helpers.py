"""Builders for test inputs: Markdown briefs with front matter, and real PDF and Word files, made on the fly."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path


def write_brief(folder: Path, name: str, title: str, date: str, source: str, body: str) -> None:
    """A Markdown brief with title, date and publisher (`source`) in its front matter, and one heading."""
    front = f'---\ntitle: "{title}"\ndate: {date}\nsource: "{source}"\n---\n'
    (folder / name).write_text(f"{front}# {title}\n\n{body}\n", encoding="utf-8")


def make_pdf(pages: list[list[str]]) -> bytes:
    """A valid PDF with one text line per entry on each page (Helvetica), built by hand."""
    objects: list[bytes] = []
    page_ids = [3 + 2 * i for i in range(len(pages))]
    font_id = 3 + 2 * len(pages)
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    kids = " ".join(f"{p} 0 R" for p in page_ids)
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    for i, lines in enumerate(pages):
        ops = ["BT", "/F1 11 Tf", "14 TL", "72 740 Td"]
        for line in lines:
            escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ops.append(f"({escaped}) Tj T*")
        ops.append("ET")
        stream = "\n".join(ops).encode("latin-1")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {page_ids[i] + 1} 0 R "
            f"/Resources << /Font << /F1 {font_id} 0 R >> >> >>".encode()
        )
        objects.append(b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(f"{n} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def make_docx(path: Path, title: str, sections: list[tuple[str, list[str]]]) -> None:
    """A real .docx with a Title paragraph, Heading 1 sections and body paragraphs."""
    import docx

    document = docx.Document()
    document.add_paragraph(title, style="Title")
    for heading, paragraphs in sections:
        document.add_heading(heading, level=1)
        for text in paragraphs:
            document.add_paragraph(text)
    document.save(str(path))


def make_zip_bomb_docx(path: Path, inflated_mb: int = 300) -> None:
    """A .docx-named zip whose one member inflates to `inflated_mb` MB of zeros."""
    block = b"\0" * 2**20
    with (
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open("word/document.xml", "w", force_zip64=True) as member,
    ):
        for _ in range(inflated_mb):
            member.write(block)
