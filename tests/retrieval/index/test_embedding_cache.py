"""The sentence-vector cache: same vectors as the model, only unseen texts embedded, bounded, thread-safe."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from retrieval.index.embedding import Progress, SentenceTransformerEmbedder, Vectors
from retrieval.index.embedding_cache import CachedEmbedder
from retrieval.service import BriefLens


class Counting:
    """A real embedder that records what it was asked to embed."""

    def __init__(self, inner: SentenceTransformerEmbedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.dimension = inner.dimension
        self.max_tokens = inner.max_tokens
        self.calls: list[list[str]] = []

    def embed(self, texts: Sequence[str], progress: Progress | None = None) -> Vectors:
        self.calls.append(list(texts))
        return self.inner.embed(texts, progress)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return self.inner.count_tokens(texts)


def test_cached_vectors_equal_the_model_and_only_misses_are_embedded(embedder: SentenceTransformerEmbedder) -> None:
    counting = Counting(embedder)
    cache = CachedEmbedder(counting, max_entries=3)
    first = cache.embed(["alpha chips", "beta models", "alpha chips"])
    np.testing.assert_allclose(first, embedder.embed(["alpha chips", "beta models", "alpha chips"]), atol=1e-5)
    assert counting.calls == [["alpha chips", "beta models"]]
    second = cache.embed(["beta models", "gamma grid"])
    assert counting.calls[-1] == ["gamma grid"]
    np.testing.assert_array_equal(second[0], first[1])
    cache.embed(["delta wargames"])  # over the bound: the least recently used ("alpha chips") goes
    cache.embed(["alpha chips"])
    assert counting.calls[-1] == ["alpha chips"]
    assert cache.embed([]).shape == (0, embedder.dimension)


def test_concurrent_callers_get_their_own_vectors(embedder: SentenceTransformerEmbedder) -> None:
    cache = CachedEmbedder(embedder, max_entries=50)
    texts = [f"sentence number {i % 12}" for i in range(60)]
    with ThreadPoolExecutor(4) as pool:
        vectors = list(pool.map(lambda t: cache.embed([t])[0], texts))
    for text, vector in zip(texts, vectors, strict=True):
        np.testing.assert_allclose(vector, embedder.embed([text])[0], atol=1e-5)


def test_repeated_question_answers_identically_from_the_cache(lens: BriefLens) -> None:
    question = "Which Huawei chips achieved day-zero compatibility with DeepSeek V4?"
    first = lens.ask(question)
    cache = lens.generator.embedder  # type: ignore[attr-defined]
    assert isinstance(cache, CachedEmbedder)
    misses = cache.misses
    assert lens.ask(question) == first
    assert cache.misses == misses  # nothing re-embedded
