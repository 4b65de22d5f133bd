"""Calibrate and measure the offline faithfulness judge on labelled sets; print one table.

Sets (read from ../shared when present, skipped cleanly when absent): SummEdits news dev (133
summaries), HaluEval QA (1,000 items -> 2,000 knowledge/answer pairs, judged as question + answer),
HaluEval summarization (300 -> 600 pairs) and ../shared/eval/dev_summaries.jsonl (per-sentence labels).
Balanced accuracy is out of sample: the threshold is fitted on one half of a set and scored on the
other (2-fold cross-fitting, 20 repeats, paired items kept together); the 95% range is over those
splits. The default threshold is then fitted on all sets at once (mean balanced accuracy, every set
weighing the same) and each set's balanced accuracy at that one threshold is shown beside it.
Seconds per item are measured on a sample with an empty cache (the source is embedded fresh).
Run: .venv/bin/python bench/judge.py
With `--judge llm` (bench/judge_llm.py): the LLM judge beside the offline judge on a bounded sample.
"""

from __future__ import annotations

import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.datasets import ROOT, read_jsonl, shared_path
from eval.calibrate import cross_fit, interval
from eval.metrics import balanced_accuracy, roc_auc
from retrieval.index.embedding import SentenceTransformerEmbedder
from retrieval.settings import Settings
from retrieval.support.claims import split_claims
from retrieval.support.judge import Features, OfflineJudge

TIMED = 25


@dataclass(frozen=True)
class Item:
    """One labelled text to judge against its source (label True = faithful)."""

    source: str
    text: str | list[str]
    question: str | None
    label: bool
    group: str


def load_sets() -> dict[str, list[Item]]:
    """Every labelled set found under ../shared."""
    sets: dict[str, list[Item]] = {}
    path = shared_path("datasets", "summedits_news_dev.jsonl")
    if path:
        sets["SummEdits news"] = [
            Item(r["doc"], r["summary"], None, r["label"] == 1, str(r["id"])) for r in read_jsonl(path)
        ]
    path = shared_path("datasets", "halueval_qa_dev.jsonl")
    if path:
        sets["HaluEval QA"] = [
            Item(r["knowledge"], r[key], r["question"], key == "right_answer", str(r["idx"]))
            for r in read_jsonl(path)
            for key in ("right_answer", "hallucinated_answer")
        ]
    path = shared_path("datasets", "halueval_summarization_dev.jsonl")
    if path:
        sets["HaluEval summ."] = [
            Item(r["document"], r[key], None, key == "right_summary", str(r["idx"]))
            for r in read_jsonl(path)
            for key in ("right_summary", "hallucinated_summary")
        ]
    path = shared_path("eval", "dev_summaries.jsonl")
    if path:
        sets["dev_summaries"] = [
            Item(
                (ROOT / "corpus" / r["doc"]).read_text(encoding="utf-8"),
                [s["text"] for s in r["sentences"]],
                None,
                bool(r["faithful"]),
                r["id"],
            )
            for r in read_jsonl(path)
        ]
    return sets


def features(judge: OfflineJudge, items: list[Item]) -> list[list[Features]]:
    """Claim features of every item, with all sources embedded in one batched pass first."""
    judge.cache.prime([i.source for i in items])
    return [judge.features(i.source, split_claims(i.text), i.question) for i in items]


def item_scores(judge: OfflineJudge, feats: list[list[Features]]) -> tuple[list[float], list[bool]]:
    """Item score (lowest claim score) and whether a targeted check vetoed a claim."""
    scores = [min((judge.score(f) for f in fs), default=1.0) for fs in feats]
    vetoed = [any(f.reason for f in fs) for fs in feats]
    return scores, vetoed


def seconds_per_item(embedder: SentenceTransformerEmbedder, items: list[Item], weight: float) -> float:
    """Median wall time of a full judgement with an empty cache, on an evenly spaced sample."""
    step = max(1, len(items) // TIMED)
    times = []
    for item in items[::step][:TIMED]:
        judge = OfflineJudge(embedder, 0.5, weight)
        started = time.perf_counter()
        judge.judge(item.source, item.text, item.question)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def fit_global(results: dict[str, tuple[list[float], list[bool], list[bool]]]) -> float:
    """One threshold for every set: the grid value with the best mean balanced accuracy over sets."""
    best, best_mean = 0.5, -1.0
    for step in range(200, 951, 5):
        cut = step / 1000
        baccs = [
            balanced_accuracy(labels, [s >= cut and not v for s, v in zip(scores, vetoed, strict=True)]) or 0.0
            for scores, vetoed, labels in results.values()
        ]
        if statistics.fmean(baccs) > best_mean + 1e-9:
            best, best_mean = cut, statistics.fmean(baccs)
    return best


def dev_sentences(judge: OfflineJudge, items: list[Item], feats: list[list[Features]], threshold: float) -> str:
    """Planted errors found and supported sentences flagged, sentence by sentence, on dev_summaries."""
    path = shared_path("eval", "dev_summaries.jsonl")
    assert path is not None
    labels = [s["supported"] for r in read_jsonl(path) for s in r["sentences"]]
    flags = [judge.score(f) < threshold or f.reason is not None for fs in feats for f in fs]
    found = sum(flag for flag, ok in zip(flags, labels, strict=True) if not ok)
    false = sum(flag for flag, ok in zip(flags, labels, strict=True) if ok)
    return (
        f"dev_summaries sentences: {found}/{labels.count(False)} planted errors found, "
        f"{false}/{labels.count(True)} supported sentences flagged"
    )


def speed(embedder: SentenceTransformerEmbedder, weight: float) -> str:
    """Median time for a 3-sentence summary against a 5,000-character source, fresh and cached."""
    source = (ROOT / "corpus" / "000_e770148319605323.txt").read_text(encoding="utf-8")[:5000]
    summary = (
        "The White House threatened action against Chinese distillation of US frontier models. "
        "Huawei's Ascend chips were compatible with DeepSeek V4 from day zero. "
        "State Grid earmarked 6.8 billion yuan for AI-powered robots."
    )
    fresh, cached = [], []
    judge = OfflineJudge(embedder, 0.5, weight)
    for _ in range(7):
        judge = OfflineJudge(embedder, 0.5, weight)
        started = time.perf_counter()
        judge.judge(source, summary)
        fresh.append(time.perf_counter() - started)
    for _ in range(7):
        started = time.perf_counter()
        judge.judge(source, summary)
        cached.append(time.perf_counter() - started)
    fresh_s, cached_s = statistics.median(fresh), statistics.median(cached)
    return f"3 sentences vs 5,000 chars: median {fresh_s:.3f} s fresh, {cached_s:.3f} s cached"


def main() -> int:
    """Measure every available set and print the table."""
    sets = load_sets()
    if not sets:
        print("skipped: ../shared is absent")
        return 0
    settings = Settings(_env_file=None)
    embedder = SentenceTransformerEmbedder(
        settings.embedding_model,
        settings.embed_batch_size,
        settings.embed_threads,
        precision=settings.embed_precision,
    )
    weight = settings.judge_cosine_weight
    results: dict[str, tuple[list[float], list[bool], list[bool]]] = {}
    rows = []
    dev_feats: list[list[Features]] = []
    for name, items in sets.items():
        judge = OfflineJudge(embedder, 0.5, weight, cache_size=len(items) + 1)
        feats = features(judge, items)
        scores, vetoed = item_scores(judge, feats)
        labels = [i.label for i in items]
        results[name] = (scores, vetoed, labels)
        folds = cross_fit(scores, labels, vetoed, [i.group for i in items])
        lo, hi = interval(folds)
        auc = roc_auc(labels, scores) or 0.0
        rows.append((name, len(items), statistics.fmean(folds), lo, hi, auc, seconds_per_item(embedder, items, weight)))
        if name == "dev_summaries":
            dev_feats = feats
    cut = fit_global(results)
    print(
        f"offline judge (cosine weight {weight}); default threshold fitted on all sets: {cut:.3f} "
        f"(settings: {settings.judge_threshold:.3f})\n"
    )
    print(f"| set | n | BAcc (2-fold out of sample) | 95% range | BAcc @ {cut:.3f} | ROC-AUC | median s/item |")
    print("|---|---|---|---|---|---|---|")
    for name, n, bacc, lo, hi, auc, secs in rows:
        scores, vetoed, labels = results[name]
        at = balanced_accuracy(labels, [s >= cut and not v for s, v in zip(scores, vetoed, strict=True)]) or 0.0
        print(f"| {name} | {n} | {bacc:.3f} | {lo:.3f}–{hi:.3f} | {at:.3f} | {auc:.3f} | {secs:.3f} |")
    print()
    if dev_feats:
        print(dev_sentences(OfflineJudge(embedder, cut, weight), sets["dev_summaries"], dev_feats, cut))
    print(speed(embedder, weight))
    return 0


if __name__ == "__main__":
    if sys.argv[1:3] == ["--judge", "llm"]:
        from bench.judge_llm import main as main_llm

        raise SystemExit(main_llm(sys.argv[3:]))
    raise SystemExit(main())
