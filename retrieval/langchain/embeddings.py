"""LangChain adapters: our packaged embedding model as a langchain_core Embeddings."""

from __future__ import annotations

from langchain_core.embeddings import Embeddings

from retrieval.index.embedding import Embedder


class BriefLensEmbeddings(Embeddings):
    """Wraps a BriefLens Embedder so LangChain (e.g. langchain_chroma.Chroma) can use the same vectors."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages."""
        return [[float(x) for x in row] for row in self.embedder.embed(texts)]

    def embed_query(self, text: str) -> list[float]:
        """Embed a query (the model is symmetric: no query prefix)."""
        return [float(x) for x in self.embedder.embed([text])[0]]
