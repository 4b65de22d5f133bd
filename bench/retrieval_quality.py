"""Retrieval quality by configuration: evidence recall@k and MRR on the dev questions and MultiHop-RAG.

A hit is a retrieved chunk containing the evidence (first 60 normalised characters of the quote
or fact). Each configuration is retriever:max_tokens:headers (headers = embed the title and section
before the chunk). Prints one table; reads ../shared when present and skips cleanly otherwise.
Run: .venv/bin/python bench/retrieval_quality.py [--configs hybrid:64:0,dense:64:0] [-k 5]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.datasets import ROOT, multihop_corpus, read_jsonl, shared_path
from retrieval.service import BriefLens
from retrieval.settings import Settings
from retrieval.textnorm import normalize


def recall(lens: BriefLens, items: list[tuple[str, list[str]]], k: int) -> tuple[float, float]:
    """Share of evidence snippets in the top-k chunks of their question, and their MRR within 30."""
    found = 0
    reciprocal = 0.0
    total = 0
    for question, evidence in items:
        texts = [normalize(h.chunk.text).lower() for h in lens.search(question, 30)]
        for snippet in evidence:
            total += 1
            needle = normalize(snippet).lower()[:60]
            rank = next((i for i, t in enumerate(texts, 1) if needle in t), None)
            found += rank is not None and rank <= k
            reciprocal += 1 / rank if rank else 0.0
    return found / max(1, total), reciprocal / max(1, total)


def main() -> int:
    parser = argparse.ArgumentParser(description="Retrieval quality by configuration.")
    parser.add_argument("--configs", default="hybrid:64:0,dense:64:0,hybrid:128:0,hybrid:200:1,dense:200:1")
    parser.add_argument("-k", type=int, default=5)
    args = parser.parse_args()
    dev_path = shared_path("eval", "dev_questions.jsonl")
    if dev_path is None:
        print("skipped: ../shared is absent")
        return 0
    dev = [(i["question"], [e["quote"] for e in i["evidence"]]) for i in read_jsonl(dev_path) if i["evidence"]]
    ours = read_jsonl(ROOT / "tests" / "data" / "questions.jsonl")
    dev += [(q["question"], [q["evidence"]]) for q in ours if q.get("evidence")]
    k = args.k
    print(f"{'config':<16} {f'dev R@{k}':>9} {'dev MRR':>8} {f'multihop R@{k}':>14} {'MH MRR':>7} {'chunks':>7}")
    with tempfile.TemporaryDirectory() as tmp:
        queries = multihop_corpus(Path(tmp) / "mh")
        multihop = [(q["question"], [e["fact"] for e in q["evidence"]]) for q in queries if q["evidence"]]
        for config in args.configs.split(","):
            retriever, size, headers = config.split(":")
            options = {"retriever": retriever, "chunk_max_tokens": int(size), "embed_headers": headers == "1"}
            lens = BriefLens(Settings(data_dir=Path(tmp) / f"dev-{config}", **options))
            lens.ingest([ROOT / "corpus"])
            dev_r, dev_mrr = recall(lens, dev, k)
            lens.close()
            lens = BriefLens(Settings(data_dir=Path(tmp) / f"mh-{config}", **options))
            lens.ingest([Path(tmp) / "mh"])
            chunks = lens.index.store.count()
            mh_r, mh_mrr = recall(lens, multihop, k) if multihop else (float("nan"), float("nan"))
            lens.close()
            print(f"{config:<16} {dev_r:>9.3f} {dev_mrr:>8.3f} {mh_r:>14.3f} {mh_mrr:>7.3f} {chunks:>7}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
