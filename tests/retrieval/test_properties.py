"""Property tests (hypothesis): offsets of chunks, sentences and located quotes hold for any text."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from retrieval.citation import Citation
from retrieval.document import Document, document_id
from retrieval.errors import LoadError
from retrieval.index.embedding import SentenceTransformerEmbedder
from retrieval.ingest.chunking import chunk_document
from retrieval.ingest.loaders.text import load_markdown, load_text
from retrieval.sentences import split_sentences
from retrieval.textnorm import locate, normalize
from retrieval.verify import verify_citation

PIECES = [
    "The", "minister", "said", "Huawei", "U.S.", "Mr.", "e.g.", "3.5", "$40", "billion", "chips", "ok",
    ". ", "? ", "! ", "… ", ", ", " ", "  ", "\n", "\n\n", "\r\n", "\t", "- ", "• ", "* ", '"', "“", "”", "’",
    "(", ")", "Top Line\n", "# Heading\n", "## Sub\n", "Key Developments\n", "é", "漢字", "🙂", "\u00a0", "—",
]  # fmt: skip
# Brief-like text from the pieces above, or any Unicode at all.
texts = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=120).map("".join),
    st.text(max_size=400),
    st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=6)), max_size=60).map("".join),
)
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def as_document(text: str, markdown: bool = False) -> Document:
    """Load `text` the way ingest does (newlines normalised, title and headings found)."""
    try:
        extracted = (load_markdown if markdown else load_text)(text.encode("utf-8", "surrogatepass"), Path("x"))
    except LoadError:
        assume(False)
        raise
    return Document(
        id=document_id(extracted.text),
        source="x",
        title=extracted.title or "x",
        text=extracted.text,
        sections=extracted.sections,
        body_start=extracted.body_start,
    )


@FAST
@given(texts, st.booleans(), st.integers(min_value=16, max_value=80), st.integers(min_value=0, max_value=2))
def test_chunks_are_exact_slices_that_cover_the_body(
    embedder: SentenceTransformerEmbedder, text: str, markdown: bool, max_tokens: int, overlap: int
) -> None:
    doc = as_document(text, markdown)
    chunks = chunk_document(doc, embedder.count_tokens, max_tokens, overlap, embedder.max_tokens, False)
    covered = bytearray(len(doc.text))
    for chunk in chunks:
        assert 0 <= chunk.start < chunk.end <= len(doc.text)
        assert doc.text[chunk.start : chunk.end] == chunk.text
        assert chunk.text == chunk.text.strip()
        covered[chunk.start : chunk.end] = b"\1" * (chunk.end - chunk.start)
    assert len({c.id for c in chunks}) == len(chunks)
    assert [c.start for c in chunks] == sorted(c.start for c in chunks)
    # Everything a reader would call content is in some chunk: heading lines and a lone title line
    # are carried as metadata instead, and bullet markers are trimmed.
    skipped = bytearray(len(doc.text))
    for section in doc.sections:
        end = doc.text.find("\n", section.start)
        end = len(doc.text) if end < 0 else end
        skipped[section.start : end] = b"\1" * (end - section.start)
    first_heading = min((s.start for s in doc.sections if s.start >= doc.body_start), default=len(doc.text))
    if doc.text[doc.body_start : first_heading].strip() == doc.title:
        skipped[doc.body_start : first_heading] = b"\1" * (first_heading - doc.body_start)
    for i in range(doc.body_start, len(doc.text)):
        if doc.text[i].isalnum() and not covered[i] and not skipped[i]:
            raise AssertionError(f"character {i} ({doc.text[i]!r}) is in no chunk")


@FAST
@given(texts)
def test_sentences_are_ordered_trimmed_slices_covering_the_words(text: str) -> None:
    spans = split_sentences(text)
    last = 0
    covered = bytearray(len(text))
    for start, end in spans:
        assert last <= start < end <= len(text)
        piece = text[start:end]
        assert piece == piece.strip() and piece
        covered[start:end] = b"\1" * (end - start)
        last = end
    for i, ch in enumerate(text):
        if ch.isalnum():
            assert covered[i], (i, ch)


@FAST
@given(texts, st.integers(min_value=0, max_value=10_000), st.integers(min_value=0, max_value=10_000))
def test_sentences_of_a_range_stay_in_the_range(text: str, a: int, b: int) -> None:
    start, end = sorted((a % (len(text) + 1), b % (len(text) + 1)))
    for s, e in split_sentences(text, start, end):
        assert start <= s < e <= end


@FAST
@given(texts, st.data())
def test_locate_finds_any_slice_and_its_normalised_form(text: str, data: st.DataObject) -> None:
    assume(text.strip())
    start = data.draw(st.integers(min_value=0, max_value=len(text) - 1))
    end = data.draw(st.integers(min_value=start + 1, max_value=len(text)))
    quote = text[start:end]
    span = locate(quote, text, hint=data.draw(st.integers(min_value=0, max_value=len(text))))
    if not quote.strip():
        assert span is None
        return
    assert span is not None and text[span[0] : span[1]] == quote  # an exact quote is found exactly
    # A quote re-typed with other whitespace and straight quotes is found at a span that normalises equal.
    retyped = normalize(quote)
    found = locate(retyped, text)
    assert found is not None and normalize(text[found[0] : found[1]]) == retyped


@FAST
@given(texts, st.text(min_size=1, max_size=40), st.integers(min_value=-5, max_value=500))
def test_verified_citations_always_quote_the_document_exactly(text: str, quote: str, start: int) -> None:
    doc = Document(id="d", source="x", title="t", text=text)
    citation = Citation(
        doc_id="d", chunk_id="c", source="x", title="t", quote=quote, start=start, end=start + len(quote)
    )
    checked = verify_citation(citation, doc)
    if checked is not None:
        assert text[checked.start : checked.end] == checked.quote and checked.quote.strip()
    elif quote.strip() and quote in text:
        raise AssertionError("a verbatim quote was rejected")
