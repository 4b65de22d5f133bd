"""The Embedder contract: fixed-size float32 unit vectors, in input order, the same for the same text."""

from __future__ import annotations

import numpy as np

from retrieval.index.embedding import Embedder

TEXTS = (
    "Huawei's Ascend chips achieved day-zero compatibility with DeepSeek V4.",
    "State Grid earmarked 6.8 billion yuan for AI-powered robots.",
    "A short one.",
)


class EmbedderContract:
    """Subclass it and provide a `subject` fixture: the embedder under test."""

    def test_vectors_have_one_row_per_text_of_the_stated_dimension(self, subject: Embedder) -> None:
        vectors = subject.embed(list(TEXTS))
        assert vectors.shape == (len(TEXTS), subject.dimension) and subject.dimension > 0
        assert vectors.dtype == np.float32

    def test_vectors_are_unit_length(self, subject: Embedder) -> None:
        norms = np.linalg.norm(subject.embed(list(TEXTS)), axis=1)
        assert np.allclose(norms, 1.0, atol=1e-4)

    def test_same_call_same_vectors(self, subject: Embedder) -> None:
        assert np.array_equal(subject.embed(list(TEXTS)), subject.embed(list(TEXTS)))

    def test_order_is_kept(self, subject: Embedder) -> None:
        forward, backward = subject.embed(list(TEXTS)), subject.embed(list(reversed(TEXTS)))
        assert np.allclose(forward, backward[::-1], atol=1e-4)

    def test_empty_input_gives_an_empty_matrix(self, subject: Embedder) -> None:
        vectors = subject.embed([])
        assert vectors.shape == (0, subject.dimension) and vectors.dtype == np.float32

    def test_tokens_are_counted_per_text(self, subject: Embedder) -> None:
        counts = subject.count_tokens(list(TEXTS))
        assert len(counts) == len(TEXTS) and all(n > 0 for n in counts) and subject.max_tokens > 0
        assert subject.name
