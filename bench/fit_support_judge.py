"""Fit how the support judge blends the contradiction model with the rules' score; print the LODO table.

Per claim: c = P(contradicted) from the packaged NLI model (retrieval/support/contradiction.py) against
the claim's aligned evidence, r = the rule-based judge's score (cosine/overlap blend), v = a failed
targeted check. Claim score = (1 - c)^w * r^(1 - w) * (0.3 if v else 1), a weighted geometric mean (it
beat the weighted arithmetic mean and a hard NLI veto on the same leave-one-domain-out means); item
score = its lowest claim score. w is chosen on the 7 non-news SummEdits domains only, leave-one-domain-out: for each
domain, w and the threshold are fitted on the other six, then scored on it. SummEdits news dev and
the HaluEval validation halves are never used for any choice.
Features are cached in .brieflens/support/features-<premise>-<set>.json (delete to recompute).
Run: .venv/bin/python bench/fit_support_judge.py [--limit N]
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.datasets import ROOT, cached_features, read_jsonl, shared_path
from bench.support_data import is_train
from eval.calibrate import cross_fit, fit_threshold
from eval.metrics import balanced_accuracy, roc_auc
from retrieval.index.embedders import make_embedder
from retrieval.settings import Settings
from retrieval.support.claims import split_claims
from retrieval.support.contradiction import ContradictionModel
from retrieval.support.judge import VETO_FACTOR, OfflineJudge
from retrieval.support.model_judge import PREMISE, blend, read_pair, stated

CACHE = ROOT / ".brieflens" / "support"
WEIGHTS = [round(0.1 * i, 1) for i in range(11)]
# Per claim: (P(contradicted), rules score before the veto, vetoed).
Claim = tuple[float, float, bool]


def sets(limit: int | None) -> dict[str, list[dict[str, Any]]]:
    """Labelled items by set: {source, text, question, label, group}."""
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in read_jsonl(shared_path("datasets", "summedits_other_domains.jsonl")):
        out[f"SummEdits {item['domain']}"].append(
            {"source": item["doc"], "text": item["summary"], "question": None, "label": item["label"] == 1}
        )
    for item in read_jsonl(shared_path("datasets", "summedits_news_dev.jsonl")):
        out["SummEdits news (dev)"].append(
            {"source": item["doc"], "text": item["summary"], "question": None, "label": item["label"] == 1}
        )
    for item in read_jsonl(shared_path("datasets", "halueval_summarization_dev.jsonl")):
        if not is_train(f"halueval-sum:{item['idx']}"):
            for key, label in (("right_summary", True), ("hallucinated_summary", False)):
                out["HaluEval summ (val half)"].append(
                    {
                        "source": item["document"],
                        "text": item[key],
                        "question": None,
                        "label": label,
                        "group": str(item["idx"]),
                    }
                )
    for item in read_jsonl(shared_path("datasets", "halueval_qa_dev.jsonl")):
        if not is_train(f"halueval-qa:{item['idx']}"):
            for key, label in (("right_answer", True), ("hallucinated_answer", False)):
                out["HaluEval QA (val half)"].append(
                    {
                        "source": item["knowledge"],
                        "text": item[key],
                        "question": item["question"],
                        "label": label,
                        "group": str(item["idx"]),
                    }
                )
    return {k: v[:limit] if limit else v for k, v in sorted(out.items())}


def features(name: str, items: list[dict[str, Any]], rules: OfflineJudge, model: ContradictionModel) -> list[Any]:
    """Per item: its claims' features, cached on disk by set name."""

    def claims_of(item: dict[str, Any]) -> list[Claim]:
        claims = split_claims(item["text"])
        feats = rules.features(item["source"], claims, item["question"]) if claims else []
        pairs = [read_pair(model, stated(c, item["question"]), f) for c, f in zip(claims, feats, strict=True)]
        contra = model.contradiction(pairs)
        return [(c, rules.base(f), f.reason is not None) for c, f in zip(contra, feats, strict=True)]

    slug = name.replace(" ", "_").replace("(", "").replace(")", "")
    return cached_features(CACHE / f"features-{PREMISE}-{slug}-{len(items)}.json", name, items, claims_of)


def item_scores(feats: list[list[Claim]], w: float) -> list[float]:
    """Each item's lowest claim score under blend weight w (1.0 for an item with no claims)."""
    return [min((blend(c, r, w) * (VETO_FACTOR if v else 1.0) for c, r, v in claims), default=1.0) for claims in feats]


def bacc(scores: list[float], labels: list[bool], threshold: float) -> float:
    """Balanced accuracy of score >= threshold as "faithful"."""
    return balanced_accuracy(labels, [s >= threshold for s in scores]) or 0.0


def fit_on(domains: dict[str, tuple[list[Any], list[bool]]]) -> tuple[float, float]:
    """The (w, threshold) with the best mean balanced accuracy over these domains, pooled threshold."""
    best = (-1.0, 0.0, 0.0)
    for w in WEIGHTS:
        scored = {d: (item_scores(f, w), y) for d, (f, y) in domains.items()}
        pooled_s = [v for s, _ in scored.values() for v in s]
        pooled_y = [v for _, y in scored.values() for v in y]
        t = fit_threshold(pooled_s, pooled_y)
        mean = sum(bacc(s, y, t) for s, y in scored.values()) / len(scored)
        if mean > best[0]:
            best = (mean, w, t)
    return best[1], best[2]


def threshold_on(domains: dict[str, tuple[list[Any], list[bool]]], w: float) -> float:
    """The pooled best threshold over these domains at blend weight w."""
    scores = [v for f, _ in domains.values() for v in item_scores(f, w)]
    return fit_threshold(scores, [v for _, y in domains.values() for v in y])


def main() -> int:
    """Cache features, fit the blend leave-one-domain-out and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()
    if shared_path("datasets") is None:
        print("../shared/datasets is absent: nothing to fit on")
        return 0
    settings = Settings()
    rules = OfflineJudge.from_settings(settings, make_embedder(settings))
    model = ContradictionModel()
    data = {
        name: (features(name, items, rules, model), [bool(i["label"]) for i in items], items)
        for name, items in sets(args.limit or None).items()
    }
    train = {n: (f, y) for n, (f, y, _) in data.items() if n.startswith("SummEdits") and "news" not in n}
    w_all, t_all = fit_on(train)
    print(f"shipped blend (fitted on all 7 non-news domains): w = {w_all}, threshold = {t_all:.4f}")
    head = "| set | items | w (fitted elsewhere) | blend AUC | BAcc | rules AUC | BAcc | NLI+checks AUC | BAcc |"
    print(head)
    print("|---|---|---|---|---|---|---|---|---|")
    for name, (feats, labels, items) in data.items():
        rest = {n: v for n, v in train.items() if n != name}
        w, _ = fit_on(rest)
        row = [name, str(len(labels)), f"{w}"]
        for weight in (w, 0.0, 1.0):
            scores = item_scores(feats, weight)
            if name.startswith("HaluEval"):
                # Its own validation half, 2-fold cross-fitted (an item's two texts in one fold).
                folds = cross_fit(scores, labels, groups=[i["group"] for i in items])
                value = sum(folds) / len(folds)
            else:
                value = bacc(scores, labels, threshold_on(rest, weight))
            row += [f"{roc_auc(labels, scores) or float('nan'):.3f}", f"{value:.3f}"]
        print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
