"""Optional reranking with a cross-encoder loaded from a local directory (never downloaded)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Protocol

from retrieval.chunk import ScoredChunk
from retrieval.errors import ModelError


class Reranker(Protocol):
    """Reorders candidate chunks for a query, best first, returning at most k with new scores."""

    def rerank(self, query: str, hits: list[ScoredChunk], k: int) -> list[ScoredChunk]:
        """Rerank retrieved chunks."""
        ...


class CrossEncoderReranker:
    """A sentence-transformers CrossEncoder from a local path; scores each (query, chunk) pair."""

    def __init__(self, path: Path, batch_size: int = 16) -> None:
        if not path.is_dir():
            raise ModelError(f"reranker path {path} is not a directory; BriefLens never downloads models")
        self.path = path
        self.batch_size = batch_size
        self._model: Any = None

    def _load(self) -> Any:
        """Load the cross-encoder once, offline."""
        if self._model is None:
            os.environ["HF_HUB_OFFLINE"] = "1"
            from sentence_transformers import CrossEncoder

            try:
                self._model = CrossEncoder(str(self.path), device="cpu")
            except (OSError, ValueError) as e:
                raise ModelError(f"cannot load the cross-encoder at {self.path}: {e}") from e
        return self._model

    def rerank(self, query: str, hits: list[ScoredChunk], k: int) -> list[ScoredChunk]:
        """Score every candidate with the cross-encoder and keep the k best."""
        if not hits:
            return []
        scores = self._load().predict([(query, h.chunk.text) for h in hits], batch_size=self.batch_size)
        ranked = sorted(zip(hits, scores, strict=True), key=lambda pair: float(pair[1]), reverse=True)
        return [hit.model_copy(update={"score": float(score)}) for hit, score in ranked[:k]]
