"""The Draft page's logic without Streamlit: hand edits applied to a draft under a citation rule, and export bytes.

The edit rule: the edit area holds one sentence per line. A line whose text, after whitespace and typographic-quote
normalisation, equals a drafted sentence (of any subsection) keeps that sentence and its citations, since its quote
still says exactly that. Any other line is the writer's own text: it is exported with no citation and marked
EDITED, because nothing has checked it against the briefs. Deleting or reordering lines keeps the rest verified.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from retrieval.answer import AnswerSentence
from retrieval.textnorm import normalize
from retrieval.writing.draft import ReportDraft, Subsection, sources
from retrieval.writing.export import FLAG_NOTES, Block, Exportable, export, from_draft, from_summary
from retrieval.writing.summarize import Summary

EDITED = "[edited, not verified]"
EDITED_NOTE = "Edited: {n} of these sentences were written or changed by hand and are not verified against the briefs."
MIME = {
    ".md": "text/markdown",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def paragraph_text(sub: Subsection) -> str:
    """A subsection's sentences as the edit area's starting text: one sentence per line."""
    return "\n".join(s.text for s in sub.sentences)


def apply_edit(text: str, drafted: Iterable[AnswerSentence]) -> tuple[AnswerSentence, ...]:
    """The edit area's lines as sentences: a line equal to a drafted sentence keeps its citations; others don't."""
    known = {normalize(s.text): s for s in drafted}
    out: list[AnswerSentence] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        kept = known.get(normalize(line))
        if kept is not None:
            out.append(kept)
        else:
            # No citation at all: a marker next to changed words would claim a support nobody checked.
            out.append(AnswerSentence(text=f"{line.strip()} {EDITED}", citations=(), supported=False, support=0.0))
    return tuple(out)


def unverified(sentences: Iterable[AnswerSentence]) -> int:
    """How many sentences carry no citation (hand-written or changed ones)."""
    return sum(1 for s in sentences if not s.citations)


def _note(sentences: Sequence[AnswerSentence]) -> str:
    """The block's warnings: the source flag recomputed from what is still cited, and the count of edited lines."""
    briefs = {c.doc_id for s in sentences for c in s.citations}
    flag = "no source" if not briefs else "single source" if len(briefs) == 1 else None
    notes = [FLAG_NOTES[flag]] if flag else []
    if n := unverified(sentences):
        notes.append(EDITED_NOTE.format(n=n))
    return " ".join(notes)


def edited_export(draft: ReportDraft, edits: Mapping[int, str]) -> Exportable:
    """The draft as an export, each subsection's text replaced by its edit (when it has one) under the edit rule."""
    drafted = [s for sub in draft.subsections for s in sub.sentences]
    blocks: list[Block] = []
    for i, sub in enumerate(draft.subsections):
        sentences = apply_edit(edits[i], drafted) if i in edits else sub.sentences
        blocks.append(Block(sub.heading, _note(sentences), sentences))
    # Sources list only what the edited text still cites: a deleted sentence's quote is no longer used.
    used = sources(s for b in blocks for s in b.sentences)
    return replace(from_draft(draft), blocks=tuple(blocks), sources=used)


def summary_title(summary: Summary, brief_title: str | None = None) -> str:
    """A heading for an exported summary: the brief's title or the topic."""
    if summary.topic:
        return f"Summary: {summary.topic}"
    return f"Summary of {brief_title}" if brief_title else "Summary"


def summary_export(summary: Summary, title: str) -> Exportable:
    """A summary as an export (no edits: summaries are shown as drafted)."""
    return from_summary(summary, title)


def file_stem(title: str) -> str:
    """A safe file name stem from a title: lowercase words joined by hyphens."""
    stem = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60].rstrip("-")
    return stem or "brieflens"


def export_bytes(doc: Exportable, suffix: str) -> bytes:
    """The export in the given format (.md or .docx), written by retrieval.writing.export to a temp file, read back."""
    with tempfile.TemporaryDirectory(prefix="brieflens-export-") as folder:
        path = export(doc, Path(folder) / f"export{suffix}")
        return path.read_bytes()


def downloads(doc: Exportable, stem: str) -> dict[str, bytes]:
    """File name -> bytes, for each export format."""
    return {f"{stem}{suffix}": export_bytes(doc, suffix) for suffix in MIME}
