"""Chunks are exact spans of their document, fit the model, and cover the body."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from retrieval.document import Document, document_id
from retrieval.index.embedding import SentenceTransformerEmbedder
from retrieval.ingest.chunking import chunk_document, embedding_text
from retrieval.ingest.loaders import load_document
from retrieval.sentences import split_sentences

CORPUS = Path(__file__).resolve().parents[3] / "corpus"


def words(texts: Sequence[str]) -> list[int]:
    """A stand-in token counter for property tests: one token per word, at least one."""
    return [max(1, len(t.split())) for t in texts]


def plain(text: str) -> Document:
    return Document(id=document_id(text), source="x.txt", title="", text=text)


def test_seed_briefs_chunk_within_the_model_limit(embedder: SentenceTransformerEmbedder) -> None:
    for path in sorted(CORPUS.glob("*.txt")):
        doc = load_document(path, path.name, 2**24)
        chunks = chunk_document(doc, embedder.count_tokens, 200, 1, embedder.max_tokens)
        assert chunks
        for chunk in chunks:
            assert doc.text[chunk.start : chunk.end] == chunk.text
            header_and_text = embedding_text(doc.title, chunk.section, chunk.text)
            assert embedder.count_tokens([header_and_text])[0] + 2 <= embedder.max_tokens
        sections = {c.section for c in chunks}
        assert any("Key Developments" in s or "Distillation Bypassing" in s for s in sections)


def test_ids_are_content_derived_and_stable() -> None:
    doc = plain("First sentence here. Second sentence here.\nThird line here.")
    first = chunk_document(doc, words, 5, 1)
    again = chunk_document(doc, words, 5, 1)
    assert [c.id for c in first] == [c.id for c in again]
    assert len({c.id for c in first}) == len(first)


def test_long_paragraph_is_split_with_sentence_overlap() -> None:
    text = " ".join(f"Sentence number {i} is here." for i in range(12))
    chunks = chunk_document(plain(text), words, 12, 1)
    assert len(chunks) > 2
    for a, b in itertools.pairwise(chunks):
        assert b.start < a.end  # the last sentence of one chunk opens the next


def test_over_long_sentence_is_cut_at_words() -> None:
    text = " ".join(["word"] * 100) + "."
    chunks = chunk_document(plain(text), words, 30, 0)
    assert len(chunks) >= 4
    assert all(len(c.text.split()) <= 30 for c in chunks)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from("abc XY.!?\n\t•"), max_size=80), max_size=12))
def test_any_text_chunks_into_exact_spans_covering_every_sentence(parts: list[str]) -> None:
    text = "\n".join(parts)
    doc = plain(text)
    chunks = chunk_document(doc, words, 8, 1)
    for chunk in chunks:
        assert text[chunk.start : chunk.end] == chunk.text
    covered = [(c.start, c.end) for c in chunks]
    for a, b in split_sentences(text):
        assert any(s <= a and b <= e for s, e in covered) or any(s < b and a < e for s, e in covered)
