"""Retrieval quality by chunk size: evidence recall@k on the dev questions and on MultiHop-RAG.

A hit is a retrieved chunk containing the evidence (first 60 normalised characters of the quote
or fact). Prints one table; reads ../shared when present and skips cleanly otherwise.
Run: .venv/bin/python bench/retrieval_quality.py [--sizes 96,128,160,200] [-k 5]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.datasets import ROOT, multihop_corpus, read_jsonl, shared_path
from retrieval.service import BriefLens
from retrieval.settings import Settings
from retrieval.textnorm import normalize


def recall(lens: BriefLens, items: list[tuple[str, list[str]]], k: int) -> float:
    """Share of evidence snippets found in the top-k chunks of their question."""
    found = total = 0
    for question, evidence in items:
        texts = [normalize(h.chunk.text).lower() for h in lens.search(question, k)]
        for snippet in evidence:
            total += 1
            found += any(normalize(snippet).lower()[:60] in t for t in texts)
    return found / max(1, total)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="96,128,160,200")
    parser.add_argument("-k", type=int, default=5)
    args = parser.parse_args()
    dev_path = shared_path("eval", "dev_questions.jsonl")
    if dev_path is None:
        print("skipped: ../shared is absent")
        return 0
    dev = [(i["question"], [e["quote"] for e in i["evidence"]]) for i in read_jsonl(dev_path) if i["evidence"]]
    print(
        f"{'max tokens':>10} {'dev recall@' + str(args.k):>14} {'multihop recall@' + str(args.k):>19} {'chunks':>7} {'ingest s':>9}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        queries = multihop_corpus(Path(tmp) / "mh")
        multihop = [(q["question"], [e["fact"] for e in q["evidence"]]) for q in queries if q["evidence"]]
        for size in [int(s) for s in args.sizes.split(",")]:
            lens = BriefLens(Settings(data_dir=Path(tmp) / f"dev{size}", chunk_max_tokens=size))
            lens.ingest([ROOT / "corpus"])
            dev_recall = recall(lens, dev, args.k)
            lens.close()
            lens = BriefLens(Settings(data_dir=Path(tmp) / f"mh{size}", chunk_max_tokens=size))
            start = time.perf_counter()
            lens.ingest([Path(tmp) / "mh"])
            seconds = time.perf_counter() - start
            chunks = lens.index.store.count()
            mh_recall = recall(lens, multihop, args.k) if multihop else float("nan")
            lens.close()
            print(f"{size:>10} {dev_recall:>14.3f} {mh_recall:>19.3f} {chunks:>7} {seconds:>9.1f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
