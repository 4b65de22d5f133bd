"""Fit the tuned judge (support model trained here, blended with the rules) leave-one-domain-out; print the table.

Per claim: p = P(supported) from weights/support-v2 against the claim's aligned evidence (the judge's own
alignment, retrieval/support/tuned_judge.py), r = the rules' score before any check, v = a failed targeted
check. Claim score = p^w * r^(1 - w), times 0.3 when v and the veto is on; item score = its lowest claim
score. The form (w, veto) and the threshold are chosen on the 7 non-news SummEdits domains only: for each
domain, on the other six, then scored on it. SummEdits news dev and the HaluEval validation halves are never
used for any choice; their rows use the form and threshold fitted on all seven domains (what ships), plus,
for HaluEval, a 2-fold cross-fitted threshold on the set itself (a bound on what a per-set threshold buys).
Features are cached in .brieflens/support/tuned-<set>-<n>.json (delete to recompute).
Run: .venv/bin/python bench/fit_tuned_judge.py [--limit N] [--weights PATH]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.datasets import shared_path
from bench.fit_support_judge import CACHE, sets
from eval.calibrate import cross_fit, fit_threshold
from eval.metrics import balanced_accuracy, roc_auc
from retrieval.index.embedders import make_embedder
from retrieval.settings import Settings
from retrieval.support.claims import split_claims
from retrieval.support.judge import VETO_FACTOR, OfflineJudge
from retrieval.support.model_judge import blend
from retrieval.support.tuned import SUPPORT, TunedModel
from retrieval.support.tuned_judge import supported

WEIGHTS = [round(0.1 * i, 1) for i in range(11)]
FORMS = [(w, veto) for veto in (False, True) for w in WEIGHTS]
# Per claim: (P(supported), rules score before the veto, vetoed).
Claim = tuple[float, float, bool]
Domains = dict[str, tuple[list[list[Claim]], list[bool]]]


def features(name: str, items: list[dict[str, Any]], rules: OfflineJudge, model: TunedModel, tag: str) -> list[Any]:
    """Per item: its claims' features, cached on disk by set name, size and model."""
    slug = name.replace(" ", "_").replace("(", "").replace(")", "")
    path = CACHE / f"tuned-{tag}-{slug}-{len(items)}.json"
    if path.exists():
        return list(json.loads(path.read_text()))
    started = time.time()
    out: list[list[Claim]] = []
    for item in items:
        claims = split_claims(item["text"])
        feats = rules.features(item["source"], claims, item["question"]) if claims else []
        probs = supported(model, claims, feats, item["question"])
        out.append([(p, rules.base(f), f.reason is not None) for p, f in zip(probs, feats, strict=True)])
    print(f"{name}: {len(items)} items in {time.time() - started:.0f} s", file=sys.stderr)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out))
    return out


def item_scores(feats: list[list[Claim]], w: float, veto: bool) -> list[float]:
    """Each item's lowest claim score under form (w, veto) (1.0 for an item with no claims)."""
    return [
        min((blend(1.0 - p, r, w) * (VETO_FACTOR if v and veto else 1.0) for p, r, v in claims), default=1.0)
        for claims in feats
    ]


def bacc(scores: list[float], labels: list[bool], threshold: float) -> float:
    """Balanced accuracy of score >= threshold as "faithful"."""
    return balanced_accuracy(labels, [s >= threshold for s in scores]) or 0.0


def threshold_on(domains: Domains, w: float, veto: bool) -> float:
    """The pooled best threshold over these domains under form (w, veto)."""
    scores = [v for f, _ in domains.values() for v in item_scores(f, w, veto)]
    return fit_threshold(scores, [v for _, y in domains.values() for v in y])


def fit_on(domains: Domains) -> tuple[float, bool, float]:
    """The form and pooled threshold with the best mean balanced accuracy over these domains."""
    best = (-1.0, 0.0, False, 0.0)
    for w, veto in FORMS:
        t = threshold_on(domains, w, veto)
        mean = sum(bacc(item_scores(f, w, veto), y, t) for f, y in domains.values()) / len(domains)
        if mean > best[0] + 1e-9:
            best = (mean, w, veto, t)
    return best[1], best[2], best[3]


def main() -> int:
    """Cache features, fit the form leave-one-domain-out and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="items per set (0: all)")
    parser.add_argument("--weights", type=Path, default=SUPPORT, help="a bench/train_nli.py --task support model")
    args = parser.parse_args()
    if shared_path("datasets") is None:
        print("../shared/datasets is absent: nothing to fit on")
        return 0
    settings = Settings()
    rules = OfflineJudge.from_settings(settings, make_embedder(settings))
    model = TunedModel(args.weights)
    data = {
        name: (features(name, items, rules, model, args.weights.stem), [bool(i["label"]) for i in items], items)
        for name, items in sets(args.limit or None).items()
    }
    train: Domains = {n: (f, y) for n, (f, y, _) in data.items() if n.startswith("SummEdits") and "news" not in n}
    w_all, veto_all, t_all = fit_on(train)
    print(f"shipped form (fitted on all 7 non-news domains): w = {w_all}, veto = {veto_all}, threshold = {t_all:.4f}")
    print("| set | items | w, veto (fitted elsewhere) | tuned AUC | BAcc | model alone AUC | BAcc | rules AUC | BAcc |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, (feats, labels, items) in data.items():
        rest = {n: v for n, v in train.items() if n != name}
        w, veto, _ = fit_on(rest)
        row = [name, str(len(labels)), f"{w}, {'veto' if veto else 'no veto'}"]
        for form in ((w, veto), (1.0, False), (0.0, True)):
            scores = item_scores(feats, *form)
            value = f"{bacc(scores, labels, threshold_on(rest, *form)):.3f}"
            if name.startswith("HaluEval"):
                # Also its own validation half, 2-fold cross-fitted (an item's two texts in one fold).
                folds = cross_fit(scores, labels, groups=[i["group"] for i in items])
                value += f" ({sum(folds) / len(folds):.3f})"
            row += [f"{roc_auc(labels, scores) or float('nan'):.3f}", value]
        print("| " + " | ".join(row) + " |")
    print("BAcc: threshold fitted on the non-news SummEdits domains (all seven, or the other six for a domain's row);")
    print("in brackets for HaluEval: 2-fold cross-fitted on the set itself. Rules: w = 0 with the veto (the baseline).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
