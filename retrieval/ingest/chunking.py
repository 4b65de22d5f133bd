"""Structure-aware chunking: section, then paragraph, then sentence, with sentence overlap."""

# Not LangChain's text splitters: they strip whitespace and recover start offsets with str.find, which
# picks the wrong span when a passage repeats; citations need text[start:end] == chunk.text by construction
# (property-tested), and cuts on our sentence and section boundaries.

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from retrieval.chunk import Chunk, chunk_id
from retrieval.document import Document
from retrieval.sentences import split_sentences

TokenCounter = Callable[[Sequence[str]], list[int]]


@dataclass(frozen=True)
class _Unit:
    """A sentence (or a piece of an over-long one) with its paragraph and token count."""

    start: int
    end: int
    tokens: int
    paragraph: int


def embedding_text(title: str, section: str, text: str, headers: bool = True) -> str:
    """What the embedder sees for a chunk: the passage, optionally after its brief's title and section."""
    if not headers:
        return text
    leaf = section.rsplit(" > ", 1)[-1]
    return "\n".join(part for part in (title, leaf, text) if part)


def _segments(doc: Document) -> list[tuple[int, int, str]]:
    """Split the body at every heading; headings themselves are carried as the section, not as text."""
    cuts = sorted({doc.body_start} | {s.start for s in doc.sections if s.start >= doc.body_start})
    heading_ends = {s.start: s.end for s in doc.sections}
    segments: list[tuple[int, int, str]] = []
    for i, cut in enumerate(cuts):
        end = cuts[i + 1] if i + 1 < len(cuts) else len(doc.text)
        start = heading_ends.get(cut, cut) if cut in heading_ends else cut
        # A heading's own span runs to its next sibling; its text ends at the line break.
        line_end = doc.text.find("\n", cut)
        if cut in heading_ends:
            start = line_end + 1 if 0 <= line_end < end else end
        body = doc.text[start:end].strip()
        # The title line alone before the first heading is metadata, not a passage; a section
        # whose text happens to equal the title is still a passage.
        if body and not (cut not in heading_ends and body == doc.title):
            segments.append((start, end, doc.section_at(cut)))
    if not segments and doc.text[doc.body_start :].strip():
        # A one-line note (or headings only): its title is all it says, and any non-empty text must be findable.
        segments.append((doc.body_start, len(doc.text), doc.section_at(doc.body_start)))
    return segments


def _paragraph_ids(text: str, spans: list[tuple[int, int]]) -> list[int]:
    """Number sentences by paragraph: a line break between two sentences starts a new paragraph."""
    ids: list[int] = []
    current = 0
    for i, (start, _) in enumerate(spans):
        if i and "\n" in text[spans[i - 1][1] : start]:
            current += 1
        ids.append(current)
    return ids


def _split_long(text: str, start: int, end: int, limit: int, count: TokenCounter) -> list[tuple[int, int, int]]:
    """Cut an over-long sentence at word boundaries into pieces of at most `limit` tokens."""
    words: list[tuple[int, int]] = []
    pos = start
    for word in text[start:end].split():
        at = text.index(word, pos)
        words.append((at, at + len(word)))
        pos = at + len(word)
    sizes = count([text[a:b] for a, b in words])
    pieces: list[tuple[int, int, int]] = []
    first, total = 0, 0
    for i, size in enumerate(sizes):
        if total + size > limit and i > first:
            pieces.append((words[first][0], words[i - 1][1], total))
            first, total = i, 0
        total += size
    pieces.append((words[first][0], words[-1][1], total))
    return pieces


def _units(doc: Document, start: int, end: int, limit: int, count: TokenCounter) -> list[_Unit]:
    """Sentences of a segment with token counts; over-long sentences are cut into pieces."""
    spans = split_sentences(doc.text, start, end)
    sizes = count([doc.text[a:b] for a, b in spans])
    units: list[_Unit] = []
    for (a, b), size, para in zip(spans, sizes, _paragraph_ids(doc.text, spans), strict=True):
        if size <= limit:
            units.append(_Unit(a, b, size, para))
        else:
            units.extend(_Unit(x, y, n, para) for x, y, n in _split_long(doc.text, a, b, limit, count))
    return units


def _pack(units: list[_Unit], limit: int, overlap: int) -> list[tuple[int, int]]:
    """Group units into windows of at most `limit` tokens, preferring paragraph boundaries."""
    windows: list[tuple[int, int]] = []
    i = 0
    while i < len(units):
        j, total = i, 0
        while j < len(units) and total + units[j].tokens <= limit:
            total += units[j].tokens
            j += 1
        j = max(j, i + 1)
        splits_paragraph = j < len(units) and units[j].paragraph == units[j - 1].paragraph
        if splits_paragraph:
            boundary = max((k for k in range(i + 1, j) if units[k].paragraph != units[k - 1].paragraph), default=i)
            if boundary > i:
                j, splits_paragraph = boundary, False
        windows.append((i, j))
        if j >= len(units):
            break
        # Overlap only where a paragraph is cut, so the sentence before the cut keeps its context.
        i = j - overlap if splits_paragraph and overlap and j - overlap > i else j
    return windows


def chunk_document(
    doc: Document, count: TokenCounter, max_tokens: int, overlap: int = 1, model_limit: int = 256, headers: bool = True
) -> list[Chunk]:
    """Chunk a document so that every chunk, with its header, fits the embedding model."""
    chunks: list[Chunk] = []
    for seg_start, seg_end, section in _segments(doc):
        header = count([embedding_text(doc.title, section, "", headers)])[0] if headers else 0
        limit = max(16, min(max_tokens, model_limit - header - 4))
        units = _units(doc, seg_start, seg_end, limit, count)
        for i, j in _pack(units, limit, overlap):
            start, end = units[i].start, units[j - 1].end
            chunks.append(
                Chunk(
                    id=chunk_id(doc.id, start, end),
                    doc_id=doc.id,
                    text=doc.text[start:end],
                    start=start,
                    end=end,
                    section=section,
                )
            )
    return chunks
