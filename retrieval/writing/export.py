"""Export summaries and drafts: Markdown with footnotes, Word .docx with numbered references."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from retrieval.answer import AnswerSentence
from retrieval.citation import Citation
from retrieval.errors import ExportError
from retrieval.textnorm import one_line
from retrieval.writing.draft import ReportDraft, Source, sources
from retrieval.writing.summarize import Summary

FORMATS = (".md", ".docx")
FLAG_NOTES = {
    "single source": "Flag: this subsection rests on a single brief; corroborate before relying on it.",
    "no source": "Flag: no passage in the corpus supports this subsection.",
}


@dataclass(frozen=True)
class Block:
    """A headed run of cited sentences, with an optional warning note."""

    heading: str
    note: str
    sentences: tuple[AnswerSentence, ...]


@dataclass(frozen=True)
class Exportable:
    """What every export format writes: a title, an intro line, blocks and the sources."""

    title: str
    intro: str
    blocks: tuple[Block, ...]
    sources: tuple[Source, ...]


def from_draft(draft: ReportDraft) -> Exportable:
    """A draft as blocks: one per subsection, flagged ones carrying their warning."""
    blocks = tuple(Block(s.heading, FLAG_NOTES[s.flag] if s.flag else "", s.sentences) for s in draft.subsections)
    return Exportable(draft.title, f"Guidance: {draft.guidance}" if draft.guidance else "", blocks, draft.sources)


def from_summary(summary: Summary, title: str) -> Exportable:
    """A summary as blocks: one per brief section."""
    blocks = tuple(
        Block(f"{s.title} — {s.section}" if s.section else s.title, "", s.sentences) for s in summary.sections
    )
    return Exportable(title, "", blocks, sources(summary.sentences))


def reference(n: int, c: Citation) -> str:
    """The text of reference n: the quote, the brief's title and date, and where the quote is."""
    dated = c.date or "undated"
    return f"“{one_line(c.quote)}” — {c.title}, {dated}. {c.source}, characters {c.start}–{c.end}."


def numbered(blocks: Sequence[Block]) -> list[Citation]:
    """Every citation in reading order; reference n is the n-th."""
    return [c for b in blocks for s in b.sentences for c in s.citations]


def to_markdown(doc: Exportable) -> str:
    """Markdown: headings, sentences with [^n] footnote markers, a Sources list and the footnotes."""
    lines = [f"# {doc.title}", ""]
    if doc.intro:
        lines += [f"_{doc.intro}_", ""]
    n = 0
    for block in doc.blocks:
        lines += [f"## {block.heading}", ""]
        if block.note:
            lines += [f"> **{block.note}**", ""]
        parts = []
        for sentence in block.sentences:
            marks = ""
            for _ in sentence.citations:
                n += 1
                marks += f"[^{n}]"
            parts.append(sentence.text + marks)
        if parts:
            lines += [" ".join(parts), ""]
    lines += ["## Sources", ""]
    for src in doc.sources:
        lines.append(f"- **{src.title}** ({src.date or 'undated'}) — `{src.source}`")
        lines += [f"  - “{one_line(q.quote)}”" for q in src.quotes]
    lines.append("")
    lines += [f"[^{i}]: {reference(i, c)}" for i, c in enumerate(numbered(doc.blocks), 1)]
    return "\n".join(lines) + "\n"


# Characters XML 1.0 forbids (C0 controls other than tab/newline/return, lone surrogates, U+FFFE/U+FFFF):
# a PDF's form feed or a title typed with a control character must not make the .docx export fail.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """Text with the characters a Word document cannot hold replaced by spaces."""
    return _NOT_XML.sub(" ", text)


def write_docx(doc: Exportable, path: Path) -> None:
    """Word: headings, sentences with superscript [n] markers, then numbered References and Sources."""
    import docx

    out = docx.Document()
    out.add_heading(xml_safe(doc.title), level=0)
    if doc.intro:
        out.add_paragraph().add_run(xml_safe(doc.intro)).italic = True
    n = 0
    for block in doc.blocks:
        out.add_heading(xml_safe(block.heading), level=1)
        if block.note:
            out.add_paragraph().add_run(xml_safe(block.note)).bold = True
        if not block.sentences:
            continue
        para = out.add_paragraph()
        for sentence in block.sentences:
            para.add_run(xml_safe(sentence.text))
            for _ in sentence.citations:
                n += 1
                para.add_run(f"[{n}]").font.superscript = True
            para.add_run(" ")
    out.add_heading("References", level=1)
    for i, c in enumerate(numbered(doc.blocks), 1):
        out.add_paragraph(xml_safe(f"[{i}] {reference(i, c)}"))
    out.add_heading("Sources", level=1)
    for src in doc.sources:
        out.add_paragraph(xml_safe(f"{src.title} ({src.date or 'undated'}) — {src.source}"), style="List Bullet")
        for q in src.quotes:
            out.add_paragraph(xml_safe(f"“{one_line(q.quote)}”"), style="List Bullet 2")
    out.save(str(path))


def export(doc: Exportable, path: Path) -> Path:
    """Write `doc` to `path` in the format its suffix names (.md or .docx)."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ExportError(f"cannot export to {path.name!r}: the file name must end in .md or .docx")
    try:
        if suffix == ".md":
            path.write_text(to_markdown(doc), encoding="utf-8")
        else:
            write_docx(doc, path)
    except OSError as e:
        raise ExportError(f"cannot write {path}: {e.strerror or e}") from e
    return path
