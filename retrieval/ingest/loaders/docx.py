"""Word (.docx) loader: paragraphs as lines, Heading/Title styles as sections; zip bombs refused."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from retrieval.errors import LoadError
from retrieval.ingest.loaders.base import Extracted
from retrieval.ingest.structure import Heading, build_sections

# A .docx is a zip: refuse archives that inflate past this, whatever their size on disk.
MAX_UNCOMPRESSED = 200 * 2**20


def _check_zip(data: bytes, name: str) -> None:
    """Refuse non-zip data and archives whose declared uncompressed size is absurd."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as e:
        raise LoadError("not a valid .docx (bad zip)") from e
    if total > MAX_UNCOMPRESSED:
        raise LoadError(f".docx inflates to {total / 2**20:.0f} MB; refused as a possible zip bomb")


def load_docx(data: bytes, path: Path) -> Extracted:
    """Extract paragraph text; heading styles give sections, the Title style or core title the title."""
    _check_zip(data, path.name)
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except (KeyError, ValueError, zipfile.BadZipFile, OSError) as e:
        raise LoadError(f"unreadable .docx ({type(e).__name__})") from e
    lines: list[str] = []
    headings: list[Heading] = []
    title = (document.core_properties.title or "").strip()
    offset = 0
    for paragraph in document.paragraphs:
        line = paragraph.text.strip()
        if not line:
            continue
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        if style == "Title" and not title:
            title = line
        elif style.startswith("Heading"):
            level = int(style.split()[-1]) if style.split()[-1].isdigit() else 1
            headings.append(Heading(line, level, offset, offset + len(line)))
        lines.append(line)
        offset += len(line) + 1
    text = "\n".join(lines) + "\n"
    return Extracted(
        text=text, title=title or (lines[0] if lines else ""), sections=build_sections(headings, len(text))
    )
