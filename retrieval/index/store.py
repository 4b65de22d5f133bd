"""The Chroma side of the index: chunk vectors, texts and spans, upserted and deleted by chunk id."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

from retrieval.chunk import Chunk
from retrieval.errors import ConfigError, IndexStateError, StoreError
from retrieval.index.catalog import nothing_to_search
from retrieval.index.embedding import Vectors


def _server_address(url: str) -> tuple[str, int, bool]:
    """Host, port and TLS flag of a Chroma server URL; a URL without scheme or host is a ConfigError."""
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise ConfigError(f"BRIEFLENS_CHROMA_URL must look like http://HOST:PORT, got {url!r}")
    try:
        port = parsed.port or (443 if parsed.scheme == "https" else 8000)
    except ValueError as e:
        raise ConfigError(f"BRIEFLENS_CHROMA_URL has an invalid port: {url!r}") from e
    return parsed.hostname, port, parsed.scheme == "https"


def _http_client(url: str, timeout: float) -> Any:
    """A chromadb.HttpClient whose every request times out (Chroma's own default is to wait forever)."""
    import chromadb
    import httpx
    from chromadb.config import Settings as ChromaSettings

    host, port, ssl = _server_address(url)
    base = f"{'https' if ssl else 'http'}://{host}:{port}"
    # Our own bounded heartbeat first: the client's constructor calls the server with no timeout.
    try:
        httpx.get(f"{base}/api/v2/heartbeat", timeout=timeout).raise_for_status()
        client = chromadb.HttpClient(host=host, port=port, ssl=ssl, settings=ChromaSettings(anonymized_telemetry=False))
    except (httpx.HTTPError, ValueError) as e:
        raise StoreError(f"cannot reach the Chroma server at {base} ({type(e).__name__}: {e})") from e
    session = getattr(getattr(client, "_server", None), "_session", None)
    if isinstance(session, httpx.Client):
        session.timeout = httpx.Timeout(timeout)
    return client


def open_client(data_dir: Path, url: str | None, timeout: float = 30.0) -> Any:
    """A Chroma client: HTTP when a server URL is set (the scale-out path), else persistent on disk."""
    if url:
        return _http_client(url, timeout)
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    data_dir.mkdir(parents=True, exist_ok=True)
    # Absolute: Chroma caches clients by path string, so a relative path would outlive a chdir.
    return chromadb.PersistentClient(
        path=str((data_dir / "chroma").resolve()), settings=ChromaSettings(anonymized_telemetry=False)
    )


@contextmanager
def _calls(action: str) -> Iterator[None]:
    """Turn a lost, timed-out or failing Chroma server into a StoreError naming the action."""
    # Imported here, as chromadb is: a query answered from the catalog's vectors never needs either.
    import httpx
    from chromadb.errors import ChromaError

    try:
        yield
    except (httpx.TransportError, ConnectionError, ChromaError) as e:
        raise StoreError(f"the vector store failed while {action} ({type(e).__name__}: {e})") from e


class ChunkStore:
    """One Chroma collection holding our own embeddings (never Chroma's default embedding function)."""

    def __init__(self, client: Any, name: str, embedding_model: str, manifest: str | None = None) -> None:
        self.client = client
        with _calls("opening the collection"):
            self.collection = client.get_or_create_collection(
                name=name,
                embedding_function=None,
                configuration={"hnsw": {"space": "cosine"}},
                metadata={"embedding_model": embedding_model},
            )
        built_with = (self.collection.metadata or {}).get("embedding_model")
        if built_with and built_with != embedding_model:
            raise IndexStateError(
                f"collection {name!r} was built with {built_with!r}, settings ask for {embedding_model!r}"
            )
        if manifest is not None:
            self._claim(name, manifest)
        with _calls("reading the batch size"):
            self.max_batch = int(getattr(client, "get_max_batch_size", lambda: 5000)())

    def _claim(self, name: str, manifest: str) -> None:
        """Record which manifest writes this collection; refuse one written by another (two catalogs would disagree)."""
        metadata = dict(self.collection.metadata or {})
        owner = metadata.get("manifest")
        if owner == manifest:
            return
        if owner is not None:
            raise IndexStateError(
                f"collection {name!r} is written by another BriefLens data directory (manifest {owner}); "
                "two data directories on one collection would serve passages the other has deleted",
                help="give each data directory its own collection (BRIEFLENS_COLLECTION), "
                "or point every server at the same data directory",
            )
        metadata["manifest"] = manifest
        with _calls("claiming the collection"):
            self.collection.modify(metadata=metadata)

    def count(self) -> int:
        """Number of chunks in the collection."""
        with _calls("counting chunks"):
            return int(self.collection.count())

    def upsert(self, chunks: Sequence[Chunk], vectors: Vectors, dates: dict[str, int]) -> None:
        """Write chunks and vectors in batches no larger than the server accepts."""
        for i in range(0, len(chunks), self.max_batch):
            part = chunks[i : i + self.max_batch]
            with _calls("writing chunks"):
                self._upsert(part, vectors[i : i + self.max_batch], dates)

    def _upsert(self, part: Sequence[Chunk], vectors: Vectors, dates: dict[str, int]) -> None:
        """One upsert request."""
        self.collection.upsert(
            ids=[c.id for c in part],
            embeddings=vectors,
            documents=[c.text for c in part],
            metadatas=[
                {
                    "doc_id": c.doc_id,
                    "start": c.start,
                    "end": c.end,
                    "section": c.section,
                    "date": dates.get(c.doc_id, 0),
                }
                for c in part
            ],
        )

    def delete(self, ids: Iterable[str]) -> None:
        """Delete chunks by id; unknown ids are ignored."""
        id_list = list(ids)
        for i in range(0, len(id_list), self.max_batch):
            with _calls("deleting chunks"):
                self.collection.delete(ids=id_list[i : i + self.max_batch])

    def vectors(self, ids: Sequence[str]) -> dict[str, Vectors]:
        """The stored vectors of some chunks, by id (unknown ids are left out)."""
        with _calls("reading vectors"):
            got = self.collection.get(ids=list(ids), include=["embeddings"])
        return {cid: np.asarray(v, dtype=np.float32) for cid, v in zip(got["ids"], got["embeddings"], strict=True)}

    def chunks(self, ids: Sequence[str]) -> list[tuple[Chunk, Vectors]]:
        """Stored chunks with their vectors, by id (unknown ids are left out): what a copy to another store needs."""
        with _calls("reading chunks"):
            got = self.collection.get(ids=list(ids), include=["documents", "metadatas", "embeddings"])
        records = zip(got["ids"], got["documents"], got["metadatas"], got["embeddings"], strict=True)
        return [(_chunk(cid, text, meta), np.asarray(v, dtype=np.float32)) for cid, text, meta, v in records]

    def ids(self) -> set[str]:
        """Every chunk id in the collection (for consistency checks)."""
        with _calls("listing chunk ids"):
            return set(self.collection.get(include=[])["ids"])

    def query(
        self,
        vector: Vectors,
        k: int,
        doc_ids: Sequence[str] | None = None,
        sections: Sequence[str] | None = None,
    ) -> list[tuple[Chunk, float]]:
        """Nearest chunks by cosine similarity, optionally restricted to some documents and sections."""
        # No count() first: Chroma (1.x) answers fewer than k, or none from an empty collection, by itself,
        # and at 100k chunks the count was ~10 ms of every search.
        if nothing_to_search(k, doc_ids, sections):
            return []
        clauses: list[dict[str, Any]] = []
        if doc_ids is not None:
            clauses.append({"doc_id": {"$in": list(doc_ids)}})
        if sections is not None:
            clauses.append({"section": {"$in": list(sections)}})
        where: dict[str, Any] | None = None
        if clauses:
            where = clauses[0] if len(clauses) == 1 else {"$and": clauses}
        with _calls("searching"):
            result = self.collection.query(
                query_embeddings=[vector.tolist()],
                n_results=k,
                where=where,
                include=["documents", "metadatas", "distances"],
            )
        hits: list[tuple[Chunk, float]] = []
        for cid, text, meta, dist in zip(
            result["ids"][0],
            result["documents"][0],
            result["metadatas"][0],
            result["distances"][0],
            strict=True,
        ):
            hits.append((_chunk(cid, text, meta), 1.0 - float(dist)))
        return hits


def _chunk(cid: str, text: str | None, meta: Any) -> Chunk:
    """A Chunk from one Chroma record: its id, document text and metadata."""
    return Chunk(
        id=cid,
        doc_id=str(meta["doc_id"]),
        text=text or "",
        start=int(meta["start"]),
        end=int(meta["end"]),
        section=str(meta.get("section", "")),
    )
