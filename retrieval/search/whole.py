"""Widen retrieved chunks that cut a sentence to whole sentences, so that an answer quotes a sentence, not a piece.

A chunk holds at most `chunk_max_tokens` word pieces (64 by default), so a longer sentence is stored in pieces
(retrieval/ingest/chunking._split_long): 4% of SQuAD's sentences and 2 of the seed briefs' 113. Quoted as it
was retrieved, "… signals that China's AI frontier is no longer concentrated in one or two" lost the answer
("labs"), and the piece after it ("labs. This internal …") opened with a fragment too short to quote.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from retrieval.chunk import Chunk, ScoredChunk
from retrieval.document import Document
from retrieval.sentences import split_sentences

# A sentence longer than this stays in its pieces: a run-on list is no quote either way.
MAX_SENTENCE_CHARS = 1500
# How far either side of a chunk its sentence is looked for (wider than any sentence kept whole).
_REACH = 2 * MAX_SENTENCE_CHARS
# A chunk that ends on a sentence's final mark (closing quotes and brackets allowed) and opens with a capital,
# digit, quote or bullet cuts nothing: its document is not read.
_ENDS = re.compile(r"[.!?…:;][\"'”’)\]]*\s*$")
_OPENS = re.compile(r"^\s*[\"'“‘(\[•\-–—*A-Z0-9]")


def cuts_sentence(chunk: Chunk) -> bool:
    """Whether the chunk may start or end inside a sentence (then its document is read to tell)."""
    return _ENDS.search(chunk.text) is None or _OPENS.match(chunk.text) is None


def widened(chunk: Chunk, text: str) -> Chunk:
    """The chunk grown to the whole sentences its two ends fall in (an end stays where its sentence is too long)."""
    start, end = chunk.start, chunk.end
    for a, b in split_sentences(text, max(0, chunk.start - _REACH), min(len(text), chunk.end + _REACH)):
        if b - a <= MAX_SENTENCE_CHARS:
            start = a if a <= chunk.start < b else start
            end = b if a < chunk.end <= b else end
    if (start, end) == (chunk.start, chunk.end):
        return chunk
    # The id stays the stored chunk's: it names what was retrieved; start, end and text stay consistent.
    return chunk.model_copy(update={"start": start, "end": end, "text": text[start:end]})


def whole_sentences(hits: Sequence[ScoredChunk], document: Callable[[str], Document | None]) -> list[ScoredChunk]:
    """The hits, each cut sentence made whole from its document (read once per document)."""
    docs: dict[str, Document | None] = {}
    out: list[ScoredChunk] = []
    for hit in hits:
        chunk = hit.chunk
        if cuts_sentence(chunk):
            if chunk.doc_id not in docs:
                docs[chunk.doc_id] = document(chunk.doc_id)
            doc = docs[chunk.doc_id]
            if doc is not None and doc.text[chunk.start : chunk.end] == chunk.text:
                grown = widened(chunk, doc.text)
                hit = hit if grown is chunk else hit.model_copy(update={"chunk": grown})
        out.append(hit)
    return out
