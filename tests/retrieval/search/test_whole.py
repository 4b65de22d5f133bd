"""Whole sentences: a chunk that cuts a long sentence is widened to it before an answer quotes it."""

from __future__ import annotations

from retrieval.chunk import ScoredChunk
from retrieval.document import Document, document_id
from retrieval.ingest.chunking import chunk_document
from retrieval.search.whole import MAX_SENTENCE_CHARS, whole_sentences
from retrieval.sentences import split_sentences

LONG = (
    "The emergence of Kimi outperforming DeepSeek on benchmarks, combined with Qwen expanding through enterprise "
    "partnerships, signals that the frontier is no longer concentrated in one or two labs."
)
TEXT = f"Top line.\nShort opening sentence here. {LONG} A short closing sentence follows."


def words(texts: list[str]) -> list[int]:
    """One token per word: the long sentence (28 words) is stored in pieces of at most 10."""
    return [len(t.split()) for t in texts]


def _doc(text: str = TEXT) -> Document:
    return Document(id=document_id(text), source="x.txt", title="", text=text)


def _hits(doc: Document, limit: int = 10) -> list[ScoredChunk]:
    return [ScoredChunk(chunk=c, score=1.0) for c in chunk_document(doc, words, limit, 0)]


def test_a_piece_of_a_long_sentence_is_widened_to_the_whole_sentence() -> None:
    doc = _doc()
    at = TEXT.index(LONG)
    cut = [h for h in _hits(doc) if h.chunk.start < at + len(LONG) and h.chunk.end > at]
    assert len(cut) >= 2 and not any(LONG in h.chunk.text for h in cut)  # the chunker cut it
    for hit in whole_sentences(cut, {doc.id: doc}.get):
        assert LONG in hit.chunk.text
        assert doc.text[hit.chunk.start : hit.chunk.end] == hit.chunk.text
        assert [hit.chunk.text[a:b] for a, b in split_sentences(hit.chunk.text)].count(LONG) == 1


def test_a_chunk_of_whole_sentences_is_left_alone_and_its_document_never_read() -> None:
    doc = _doc()
    whole = [h for h in _hits(doc, limit=40) if h.chunk.text.endswith(".") and h.chunk.text[0].isupper()]
    assert whole

    def never(doc_id: str) -> Document:
        raise AssertionError(f"read {doc_id}")

    assert whole_sentences(whole, never) == whole


def test_a_sentence_too_long_to_quote_stays_in_pieces() -> None:
    run_on = " ".join(["word"] * (MAX_SENTENCE_CHARS // 4)) + "."
    doc = _doc(f"Opening sentence here. {run_on}")
    pieces = [h for h in _hits(doc, limit=50) if "word word" in h.chunk.text]
    assert whole_sentences(pieces, {doc.id: doc}.get) == pieces


def test_a_missing_or_changed_document_leaves_the_hit_as_it_is() -> None:
    doc = _doc()
    pieces = [h for h in _hits(doc) if h.chunk.text in LONG]
    assert pieces
    assert whole_sentences(pieces, lambda _: None) == pieces
    changed = _doc(TEXT.replace("Short opening", "A changed opening"))
    assert whole_sentences(pieces, lambda _: changed) == pieces
