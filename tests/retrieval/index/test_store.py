"""Chroma's approximate (HNSW) search agrees with exact cosine search on real embeddings."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from retrieval.chunk import Chunk
from retrieval.index.embedding import SentenceTransformerEmbedder
from retrieval.index.store import ChunkStore, open_client
from retrieval.sentences import split_sentences
from tests.conftest import CORPUS


def test_hnsw_recall_at_10_against_exact_search(tmp_path: Path, embedder: SentenceTransformerEmbedder) -> None:
    texts = []
    for path in sorted(CORPUS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        texts += [text[a:b] for a, b in split_sentences(text) if b - a > 30]
    real = embedder.embed(texts)
    # Real sentence vectors, plus mixtures of pairs of them, give a 6,000-vector collection whose
    # geometry is that of the model's space (beyond Chroma's brute-force threshold of 1,000).
    rng = np.random.default_rng(7)
    pairs = rng.integers(0, len(real), size=(6000 - len(real), 2))
    weights = rng.uniform(0.2, 0.8, size=(len(pairs), 1)).astype(np.float32)
    mixed = weights * real[pairs[:, 0]] + (1 - weights) * real[pairs[:, 1]]
    vectors = np.vstack([real, mixed]).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    store = ChunkStore(open_client(tmp_path, None), "hnsw-check", embedder.name)
    chunks = [Chunk(id=f"c{i}", doc_id="d", text=f"t{i}", start=i, end=i + 1) for i in range(len(vectors))]
    store.upsert(chunks, vectors, {})
    queries = embedder.embed([f"{t} (paraphrased question)" for t in texts[:60]])
    hits = total = 0
    for query in queries:
        exact = {f"c{i}" for i in np.argsort(-(vectors @ query))[:10]}
        approx = {chunk.id for chunk, _ in store.query(query, 10)}
        hits += len(exact & approx)
        total += 10
    assert hits / total >= 0.98
