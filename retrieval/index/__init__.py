"""The index: the Chroma store, the catalog (SQLite or PostgreSQL) and the embedder, opened together from Settings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from retrieval.chunk import Chunk
from retrieval.errors import IndexStateError
from retrieval.index.catalog import Catalog, manifest_id
from retrieval.index.embedders import make_embedder
from retrieval.index.embedding import Embedder, Vectors
from retrieval.index.store import ChunkStore, open_client
from retrieval.settings import Settings

DEFAULT_EMBEDDER = "sentence-transformers"

# Bump when chunking changes in a way that changes chunk spans, so old indexes re-embed.
CHUNKER_VERSION = 5

# The stored embedding id while a switch of back-end is under way: some vectors old, some new.
MIXED = "mixed"


@dataclass
class Index:
    """Everything that persists: vectors in Chroma, what is indexed (and each chunk's vector) in the catalog."""

    settings: Settings
    catalog: Catalog
    embedder: Embedder
    _store: ChunkStore | None = None

    @property
    def store(self) -> ChunkStore:
        """The Chroma collection, opened on first use: a query on a small index never needs it, and
        importing chromadb and opening its client is ~0.6 s of CPU at every CLI start (measured)."""
        if self._store is None:
            s = self.settings
            client = open_client(s.data_dir, s.chroma_url, s.chroma_timeout_s)
            self._store = ChunkStore(client, s.collection, s.embedding_model, manifest_id(self.catalog))
        return self._store

    def exact_search(
        self, vector: Vectors, k: int, doc_ids: Sequence[str] | None = None, sections: Sequence[str] | None = None
    ) -> list[tuple[Chunk, float]] | None:
        """Exact nearest chunks from the catalog's vectors when the index is small enough and every chunk's
        vector is stored there; None means: ask Chroma. Exact search finds what HNSW finds at these sizes
        (recall@10 1.000 measured against it), scores being the same cosine."""
        if self.settings.chroma_url:
            return None  # a server is opened at start anyway, and its clients expect it to answer
        chunks, vectors = self.catalog.vector_coverage()
        if chunks == 0 or chunks > self.settings.exact_search_max_chunks or vectors != chunks:
            return None
        return self.catalog.exact_search(vector, k, doc_ids, sections)

    def nearest(
        self, vector: Vectors, k: int, doc_ids: Sequence[str] | None = None, sections: Sequence[str] | None = None
    ) -> list[tuple[Chunk, float]]:
        """Nearest chunks: exact search where it applies, else Chroma's."""
        hits = self.exact_search(vector, k, doc_ids, sections)
        return self.store.query(vector, k, doc_ids, sections) if hits is None else hits

    @property
    def embedding_id(self) -> str:
        """Which vectors the settings make: the model, and the back-end when it is not the fp32 default
        (so indexes built before back-ends existed keep their signature and are not re-embedded)."""
        s = self.settings
        return s.embedding_model if s.embedder == DEFAULT_EMBEDDER else f"{s.embedding_model}@{s.embedder}"

    @property
    def signature(self) -> str:
        """What the chunk vectors depend on; a change means every document must be re-embedded."""
        s = self.settings
        return (
            f"{self.embedding_id}|tokens={s.chunk_max_tokens}|overlap={s.chunk_overlap_sentences}"
            f"|headers={s.embed_headers}|chunker={CHUNKER_VERSION}"
        )

    def stored_embedding_id(self) -> str | None:
        """Which vectors the index holds: MIXED during an unfinished switch of back-end, None when empty."""
        stored = self.catalog.get_meta("embedding")
        if stored is None:
            # Indexes from before this key: the signature's first field names the vectors.
            signature = self.catalog.get_meta("signature")
            stored = signature.split("|", 1)[0] if signature else None
        return stored

    def check_vectors(self) -> None:
        """Refuse to compare query vectors of one back-end with index vectors of another."""
        stored = self.stored_embedding_id()
        if stored is not None and stored != self.embedding_id:
            what = "partly re-embedded (an ingest was interrupted)" if stored == MIXED else f"built with {stored!r}"
            raise IndexStateError(
                f"the index is {what}; settings ask for {self.embedding_id!r}",
                help="run `brieflens ingest` to re-embed it with the current settings",
            )

    def close(self) -> None:
        """Release the catalog connection."""
        self.catalog.close()


def open_catalog(settings: Settings) -> Catalog:
    """The catalog the settings name: PostgreSQL when BRIEFLENS_CATALOG_URL is set, else SQLite in the data dir."""
    if settings.catalog_url is not None:
        from retrieval.index.pg_catalog import PgCatalog

        return PgCatalog(settings.catalog_url.get_secret_value(), settings.collection)
    from retrieval.index.sqlite_catalog import SqliteCatalog

    return SqliteCatalog(settings.data_dir / f"{settings.collection}.manifest.sqlite")


def open_index(settings: Settings, embedder: Embedder | None = None) -> Index:
    """Open (creating if needed) the index described by `settings`."""
    embedder = embedder or make_embedder(settings)
    catalog = open_catalog(settings)
    index = Index(settings=settings, catalog=catalog, embedder=embedder)
    # Chroma's collection metadata refuses another model when it opens; with Chroma opened lazily the
    # manifest says it first (the stored id is "model" or "model@back-end").
    stored = index.stored_embedding_id()
    model = stored.split("@", 1)[0] if stored not in (None, MIXED) else None
    if model is not None and model != settings.embedding_model:
        catalog.close()
        raise IndexStateError(
            f"collection {settings.collection!r} was built with {model!r}, "
            f"settings ask for {settings.embedding_model!r}"
        )
    if settings.chroma_url:
        index.store  # noqa: B018 -- a server that cannot be reached is reported when the index opens
    return index
