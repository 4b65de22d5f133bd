"""Seconds to judge a 3-sentence summary against a ~5,000-character source: each judge, same items, one table.

Items: the first 20 SummEdits documents of at least 2,500 characters (the 4 news ones first), cut to 5,000
characters at a sentence end, each with a 3-sentence summary made of its first, middle and last sentence.
Each judge is built once (model loaded), then every item is judged with a cold source cache (a new source
each time) and again warm. With --as-answers the three sentences are judged as the answer to a question (the
half of a kind-aware judge that the faithfulness gate and `check --question` use).
Run: .venv/bin/python bench/judge_speed.py [--judges rules,support] [--items 20] [--as-answers]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.datasets import read_jsonl, shared_path
from retrieval.index.embedders import make_embedder
from retrieval.sentences import split_sentences
from retrieval.settings import Settings
from retrieval.support.judges import make_judge

SOURCE_CHARS = 5000
# Any question routes the claims to a judge's answers half; its words only steer the alignment.
QUESTION = "What does the source report?"


def items(n: int) -> list[tuple[str, list[str]]]:
    """(source, three claims) pairs from distinct SummEdits news documents."""
    docs: list[str] = []
    for name in ("summedits_news_dev.jsonl", "summedits_other_domains.jsonl"):
        path = shared_path("datasets", name)
        rows = read_jsonl(path) if path else []
        docs += [d for d in dict.fromkeys(r["doc"] for r in rows) if len(d) >= SOURCE_CHARS // 2 and d not in docs]
    out = []
    for doc in docs[:n]:
        spans = [(a, b) for a, b in split_sentences(doc) if b <= SOURCE_CHARS]
        source = doc[: spans[-1][1]] if spans else doc[:SOURCE_CHARS]
        picks = [spans[0], spans[len(spans) // 2], spans[-1]] if len(spans) >= 3 else spans
        out.append((source, [source[a:b] for a, b in picks]))
    return out


def main() -> int:
    """Print median and worst seconds per judge, cold and warm."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--judges", default="rules,support")
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--as-answers", action="store_true", help="judge the sentences as an answer to a question")
    args = parser.parse_args()
    cases = items(args.items)
    question = QUESTION if args.as_answers else None
    if not cases:
        print("../shared/datasets is absent: nothing to time")
        return 0
    kind = f"answers to {QUESTION!r}" if question else "summaries"
    sizes = [len(s) for s, _ in cases]
    print(f"{len(cases)} items ({kind}), sources of {min(sizes)}-{max(sizes)} chars")
    print("| judge | cold median s | cold max s | warm median s |")
    print("|---|---|---|---|")
    for name in args.judges.split(","):
        settings = Settings(judge=name)
        judge = make_judge(settings, make_embedder(settings))
        judge.judge("Warm-up source sentence.", "Warm-up claim.")
        timings: dict[str, list[float]] = {"cold": [], "warm": []}
        for source, claims in cases:
            for kind in ("cold", "warm"):
                started = time.perf_counter()
                judge.judge(source, claims, question)
                timings[kind].append(time.perf_counter() - started)
        cold, warm = timings["cold"], timings["warm"]
        print(f"| {name} | {statistics.median(cold):.3f} | {max(cold):.3f} | {statistics.median(warm):.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
