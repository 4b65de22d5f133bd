"""The index: the Chroma store, the SQLite manifest and the embedder, opened together from Settings."""

from __future__ import annotations

from dataclasses import dataclass

from retrieval.catalog import Catalog
from retrieval.embedding import EMBEDDERS, Embedder
from retrieval.settings import Settings
from retrieval.store import ChunkStore, open_client

# Bump when chunking changes in a way that changes chunk spans, so old indexes re-embed.
CHUNKER_VERSION = 5


@dataclass
class Index:
    """Everything that persists: vectors in Chroma, what is indexed in the catalog."""

    settings: Settings
    catalog: Catalog
    store: ChunkStore
    embedder: Embedder

    @property
    def signature(self) -> str:
        """What the chunk vectors depend on; a change means every document must be re-embedded."""
        s = self.settings
        return (
            f"{s.embedding_model}|tokens={s.chunk_max_tokens}|overlap={s.chunk_overlap_sentences}"
            f"|headers={s.embed_headers}|chunker={CHUNKER_VERSION}"
        )

    def close(self) -> None:
        """Release the catalog connection."""
        self.catalog.close()


def open_index(settings: Settings, embedder: Embedder | None = None) -> Index:
    """Open (creating if needed) the index described by `settings`."""
    embedder = embedder or EMBEDDERS[settings.embedder](
        settings.embedding_model, settings.embed_batch_size, settings.embed_threads
    )
    client = open_client(settings.data_dir, settings.chroma_url, settings.chroma_timeout_s)
    store = ChunkStore(client, settings.collection, settings.embedding_model)
    catalog = Catalog(settings.data_dir / f"{settings.collection}.manifest.sqlite")
    return Index(settings=settings, catalog=catalog, store=store, embedder=embedder)
