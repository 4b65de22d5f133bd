"""Embedding back-ends by the name BRIEFLENS_EMBEDDER takes, each built from Settings alone."""

from __future__ import annotations

from collections.abc import Callable

from retrieval.index.embedding import Embedder, SentenceTransformerEmbedder
from retrieval.index.onnx_embedding import OnnxInt8Embedder
from retrieval.settings import Settings


def sentence_transformers(settings: Settings) -> Embedder:
    """The default: the packaged fp32 model, bulk calls in the configured precision."""
    s = settings
    return SentenceTransformerEmbedder(
        s.embedding_model, s.embed_batch_size, s.embed_threads, s.local_cache_dir, s.embed_precision
    )


def onnx_int8(settings: Settings) -> Embedder:
    """The int8 back-end (onnxruntime is imported when it first encodes); `embed_precision` does not apply."""
    s = settings
    return OnnxInt8Embedder(s.embedding_model, s.embed_batch_size, s.embed_threads, s.local_cache_dir)


EMBEDDERS: dict[str, Callable[[Settings], Embedder]] = {
    "sentence-transformers": sentence_transformers,
    "onnx-int8": onnx_int8,
}


def make_embedder(settings: Settings) -> Embedder:
    """The embedder the settings name."""
    return EMBEDDERS[settings.embedder](settings)
