"""A bounded cache of text vectors in front of an Embedder: answer sentences recur across questions."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from retrieval.index.embedding import Embedder, Progress, Vectors


class CachedEmbedder:
    """Embeds only the texts it has not seen recently; same text, same vector (the Embedder contract)."""

    def __init__(self, inner: Embedder, max_entries: int) -> None:
        self.inner = inner
        self.name = inner.name
        self.max_entries = max_entries
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()  # API and UI sessions answer on several threads at once
        self.hits = 0
        self.misses = 0

    @property
    def dimension(self) -> int:
        """Vector size of the wrapped model."""
        return self.inner.dimension

    @property
    def max_tokens(self) -> int:
        """Input limit of the wrapped model."""
        return self.inner.max_tokens

    def embed(self, texts: Sequence[str], progress: Progress | None = None) -> Vectors:
        """Vectors for texts, in order: cached ones reused, the rest embedded in one call."""
        with self._lock:
            found = {t: self._vectors[t] for t in set(texts) if t in self._vectors}
            for t in found:
                self._vectors.move_to_end(t)
        missing = list(dict.fromkeys(t for t in texts if t not in found))
        if missing:
            fresh = self.inner.embed(missing, progress)
            with self._lock:
                for text, vector in zip(missing, fresh, strict=True):
                    self._vectors[text] = vector
                    found[text] = vector
                while len(self._vectors) > self.max_entries:
                    self._vectors.popitem(last=False)
        self.hits += len(texts) - len(missing)
        self.misses += len(missing)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.vstack([found[t] for t in texts]).astype(np.float32, copy=False)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """The wrapped model's word-piece counts."""
        return self.inner.count_tokens(texts)
