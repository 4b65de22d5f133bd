"""Search and extractive-ask latency as the index grows to 1k, 10k and 100k chunks.

Real text: the seed briefs plus the articles in ../shared/datasets (HaluEval summarization and QA
knowledge, SummEdits news), chunked and embedded by the real pipeline. Above the real text's
size, the index is padded with copies of real chunks whose vectors are mixtures of two real
chunk vectors (the model's geometry, without hours of embedding), so HNSW and BM25 work at
full size. Prints one table: median and p95 of in-process `search` and `ask`, and peak RSS.
Run: .venv/bin/python bench/scaling.py [--sizes 1000,10000,100000]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.datasets import ROOT, read_jsonl, shared_path
from retrieval.chunk import Chunk, chunk_id
from retrieval.document import Document, document_id
from retrieval.index.catalog import FileRow
from retrieval.service import BriefLens
from retrieval.settings import Settings

QUERIES = [
    "Which Huawei chips achieved day-zero compatibility with DeepSeek V4?",
    "How much has State Grid earmarked for AI-powered robots?",
    "Who warned about unauthorised distillation campaigns?",
    "How large was Saudi Arabia's AI infrastructure investment?",
    "Which open-source model ranks ahead of DeepSeek V4 Pro?",
    "What did the protesters dump in front of the Russian embassy?",
]


def articles() -> list[str]:
    """Real article texts from the shared datasets (empty when ../shared is absent)."""
    texts: list[str] = []
    for name, key in (
        ("halueval_summarization_dev.jsonl", "document"),
        ("halueval_qa_dev.jsonl", "knowledge"),
        ("summedits_news_dev.jsonl", "doc"),
    ):
        path = shared_path("datasets", name)
        if path:
            texts += list(dict.fromkeys(str(item[key]) for item in read_jsonl(path)))
    return texts


def pad(lens: BriefLens, target: int, rng: np.random.Generator) -> None:
    """Add copies of real chunks with mixed real vectors until the index holds `target` chunks."""
    got = lens.index.store.collection.get(include=["embeddings", "documents", "metadatas"])
    vectors = np.asarray(got["embeddings"], dtype=np.float32)
    texts = got["documents"]
    serial = 0
    while lens.index.store.count() < target:
        n = min(5000, target - lens.index.store.count())
        picks = rng.integers(0, len(texts), size=(n, 2))
        w = rng.uniform(0.3, 0.7, size=(n, 1)).astype(np.float32)
        mixed = w * vectors[picks[:, 0]] + (1 - w) * vectors[picks[:, 1]]
        mixed /= np.linalg.norm(mixed, axis=1, keepdims=True)
        body = "\n".join(texts[i] for i in picks[:, 0])
        doc = Document(
            id=document_id(f"pad{serial}" + body), source=f"pad/{serial}.txt", title=f"Padding {serial}", text=body
        )
        chunks, pos = [], 0
        for i in picks[:, 0]:
            start, end = pos, pos + len(texts[i])
            chunks.append(Chunk(id=chunk_id(doc.id, start, end), doc_id=doc.id, text=texts[i], start=start, end=end))
            pos = end + 1
        lens.index.store.upsert(chunks, mixed, {})
        row = FileRow(f"/pad/{serial}", doc.source, doc.id, 0, 0)
        lens.index.catalog.commit_document(row, doc, chunks, dict(zip((c.id for c in chunks), mixed, strict=True)))
        serial += 1


def grow(
    lens: BriefLens, folder: Path, texts: list[str], written: int, target: int, rng: np.random.Generator
) -> tuple[int, int]:
    """Ingest real articles (50 at a time) until the index holds `target` chunks or the texts run out,
    then pad to `target`; returns the articles written so far and the real (unpadded) chunk count."""
    while lens.index.store.count() < target and written < len(texts):
        batch = texts[written : written + 50]
        for j, text in enumerate(batch):
            (folder / f"a{written + j:05d}.txt").write_text(f"Article {written + j}\n{text}\n", encoding="utf-8")
        written += len(batch)
        lens.ingest([ROOT / "corpus", folder])
    real = lens.index.store.count()
    pad(lens, target, rng)
    return written, real


def timed(fn: object, queries: list[str]) -> tuple[float, float]:
    """Median and p95 milliseconds of calling fn on each query (three rounds)."""
    times = []
    for _ in range(3):
        for q in queries:
            start = time.perf_counter()
            fn(q)  # type: ignore[operator]
            times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))]


def main() -> int:
    parser = argparse.ArgumentParser(description="Latency as the index grows.")
    parser.add_argument("--sizes", default="1000,10000,100000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    texts = articles()
    if not texts:
        print("skipped: ../shared is absent")
        return 0
    rng = np.random.default_rng(3)
    cols = ("chunks", "real", "search med ms", "search p95", "ask med ms", "ask p95", "peak RSS MB")
    widths = (8, 7, 14, 11, 11, 8, 12)
    print(" ".join(f"{c:>{w}}" for c, w in zip(cols, widths, strict=True)))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        lens = BriefLens(Settings(data_dir=Path(tmp) / "data"))
        lens.ingest([ROOT / "corpus"])
        written = 0
        for target in sizes:
            written, real = grow(lens, folder, texts, written, target, rng)
            search = timed(lambda q: lens.search(q, 5), QUERIES)
            ask = timed(lambda q: lens.ask(q), QUERIES)
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            row = (lens.index.store.count(), real, *search, *ask, rss)
            cells = [f"{v:>{w}.1f}" if isinstance(v, float) else f"{v:>{w}}" for v, w in zip(row, widths, strict=True)]
            print(" ".join(cells), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
