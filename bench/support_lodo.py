"""Leave-one-domain-out for the judge's support model over the 7 non-news SummEdits domains; print the table.

For each domain d, a model continued from the shipped support-v2 (`train_nli.py --init`) on the SummEdits claim
pairs of the other six domains (bench/support_data.py --summedits) plus `--replay` of v2's own claim pairs drawn
with the seed (so the FactCC-style edits it learned are not forgotten), scored on d only. Row d's claims form and
threshold are fitted on the other six domains' out-of-fold features (each scored by the model that left it out);
support-v2, which never read SummEdits, is fitted on its own features of the other six. Then a model of all seven
domains is scored on SummEdits news dev (never trained on) with the form fitted on all seven out-of-fold feature
sets, beside v2 with the form fitted on its seven; --halueval adds HaluEval's validation halves. The rule written
before session 30 trained any fold, and its result: docs/support-model.md (support-v5).
Resumable: pairs, checkpoints, weights and features are kept under --work and .brieflens/support; run again to
continue. Trains for up to about 8 x 8 minutes on 2 cores; never run in CI.
Run: .venv/bin/python bench/support_lodo.py [--work .brieflens/lodo] [--replay 1500] [--max-minutes 110]
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.datasets import print_table, shared_path
from bench.fit_support_judge import sets
from bench.fit_tuned_judge import (
    MODEL_ALONE,
    Domains,
    auc,
    bacc,
    features,
    fit_on,
    item_scores,
    qa_train,
    show,
    threshold_on,
)
from bench.support_data import build
from retrieval.index.embedders import make_embedder
from retrieval.settings import Settings
from retrieval.support.contradiction import ContradictionModel
from retrieval.support.judge import OfflineJudge
from retrieval.support.model_judge import PREMISE
from retrieval.support.tuned import SUPPORT, TunedModel
from retrieval.support.tuned_judge import ANSWERS_FORM, Form, TunedJudge

ROOT = Path(__file__).resolve().parents[1]
DOMAINS = ("ectsum", "podcast", "qmsumm", "sales_call", "sales_email", "samsum", "scitldr")
ALL = "all"  # the fold that leaves no domain out: the model a ship would use
NEWS = "SummEdits news (dev)"
SUMM, QA = "HaluEval summ (val half)", "HaluEval QA (val half)"
EVERYTHING = Form(1.0 / 3, 1.0 / 3, True)  # both models scored for every claim, as bench/fit_tuned_judge.py


def fold_pairs(pairs: list[dict[str, Any]], held: str | None, replay: int, seed: int) -> list[dict[str, Any]]:
    """The SummEdits claim pairs of every domain but `held`, plus `replay` of the other claim pairs (seeded)."""
    own = [p for p in pairs if p["task"] == "claim" and "domain" not in p]
    kept = [p for p in pairs if p.get("domain") not in (None, held)]
    return kept + random.Random(seed).sample(own, min(replay, len(own)))


def write_pairs(path: Path, pairs: list[dict[str, Any]]) -> None:
    """Pairs as JSON lines, the way bench/train_nli.py reads them."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in pairs), encoding="utf-8")


def weights_of(work: Path, fold: str) -> Path:
    """Where a fold's trained weights land."""
    return work / fold / f"support-v5-{fold}.safetensors"


def train(work: Path, fold: str, pairs: list[dict[str, Any]], args: argparse.Namespace) -> bool:
    """Train (or resume) one fold's model; True once its weights exist."""
    out = work / fold
    if weights_of(work, fold).exists():
        return True
    held = None if fold == ALL else fold
    data = out / "train.jsonl"
    if not data.exists():
        write_pairs(data, fold_pairs(pairs, held, args.replay, args.seed))
    command = [sys.executable, str(ROOT / "bench" / "train_nli.py"), "--task", "support", "--init", str(SUPPORT)]
    command += ["--layers", "4", "--epochs", "1", "--seed", str(args.seed), "--name", f"support-v5-{fold}"]
    command += ["--work", str(out), "--out", str(out), "--max-minutes", str(args.max_minutes)]
    print(f"training fold {fold} ({sum(1 for _ in data.open())} pairs)", file=sys.stderr, flush=True)
    started = time.time()
    with (out / "train.log").open("a") as log:
        subprocess.run(command, check=True, stdout=log, stderr=subprocess.STDOUT)
    print(f"fold {fold}: {time.time() - started:.0f} s", file=sys.stderr, flush=True)
    return weights_of(work, fold).exists()


def cells(tag: str, feats: list[Any], labels: list[bool], fit: Domains) -> dict[str, Any]:
    """A model's cells of a row: the form and threshold fitted on `fit`, their AUC and balanced accuracy on these
    items, and the model alone's AUC."""
    form, threshold = fit_on(fit)
    values = item_scores(feats, form)
    return {
        f"{tag} form": f"{show(form)}; {threshold:.4f}",
        f"{tag} AUC": auc(labels, values[0]),
        f"{tag} BAcc": bacc(values, labels, threshold),
        f"{tag} alone AUC": auc(labels, item_scores(feats, MODEL_ALONE)[0]),
    }


def halueval_rows(
    data: dict[str, list[dict[str, Any]]],
    shipped: dict[str, tuple[Path, Domains]],
    feats: Callable[[Path, str, list[dict[str, Any]]], tuple[list[Any], list[bool]]],
    judge_of: Callable[[Path, Form], TunedJudge],
) -> list[dict[str, Any]]:
    """HaluEval's validation halves for each model as it would ship: summaries with the claims form fitted on the
    SummEdits domains, answers with the answers form at the threshold fitted on HaluEval QA's training half."""
    summ: dict[str, Any] = {"set": SUMM + ", form fitted on the 7 SummEdits domains", "items": len(data[SUMM])}
    qa: dict[str, Any] = {"set": QA + ", answers form, threshold from its training half", "items": len(data[QA])}
    train = qa_train(None)
    for tag, (weights, family) in shipped.items():
        summ |= cells(tag, *feats(weights, SUMM, data[SUMM]), family)
        answers = judge_of(weights, ANSWERS_FORM)
        name = f"answers-{weights.stem}-{PREMISE}"  # bench/fit_tuned_judge.py's cache names: its features are shared
        fit = features("HaluEval QA (train half)", train, answers, name)
        threshold = threshold_on({"qa": (fit, [bool(i["label"]) for i in train])}, ANSWERS_FORM)
        labels = [bool(i["label"]) for i in data[QA]]
        values = item_scores(features(QA, data[QA], answers, name), ANSWERS_FORM)
        qa |= {
            f"{tag} form": f"answers form; {threshold:.4f}",
            f"{tag} AUC": auc(labels, values[0]),
            f"{tag} BAcc": bacc(values, labels, threshold),
        }  # no "alone" cell: the answers form is the model alone (with the veto)
    return [summ, qa]


def main() -> int:
    """Train the folds, cache their features, print the leave-one-domain-out table and news dev."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=ROOT / ".brieflens" / "lodo")
    parser.add_argument("--replay", type=int, default=1500, help="v2's own claim pairs mixed into every fold")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--max-minutes", type=float, default=110.0, help="per training run; run again to resume")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON, not a table")
    parser.add_argument("--halueval", action="store_true", help="also score HaluEval's validation halves (v2, v5)")
    args = parser.parse_args()
    if shared_path("datasets") is None:
        print("../shared/datasets is absent: nothing to train or score")
        return 0
    all_pairs = args.work / "train.jsonl"
    if not all_pairs.exists():
        write_pairs(all_pairs, build(args.seed, domains=frozenset(DOMAINS)))
    pairs = [json.loads(line) for line in all_pairs.read_text(encoding="utf-8").splitlines()]
    for fold in (*DOMAINS, ALL):
        if not train(args.work, fold, pairs, args):
            print(f"fold {fold} stopped at its time budget: run again to resume")
            return 0
    settings = Settings()
    rules = OfflineJudge.from_settings(settings, make_embedder(settings))
    nli = ContradictionModel()

    def judge_of(weights: Path, form: Form) -> TunedJudge:
        """The tuned judge over these support weights, with the shared rules and NLI model."""
        return TunedJudge(rules, TunedModel(weights), nli, form, 0.5)

    def feats(weights: Path, name: str, items: list[dict[str, Any]]) -> tuple[list[Any], list[bool]]:
        judge = judge_of(weights, EVERYTHING)
        return features(name, items, judge, f"{weights.stem}-{PREMISE}"), [bool(i["label"]) for i in items]

    data = sets(None)
    names = [f"SummEdits {d}" for d in DOMAINS]
    v2: Domains = {n: feats(SUPPORT, n, data[n]) for n in names}
    oof: Domains = {n: feats(weights_of(args.work, d), n, data[n]) for n, d in zip(names, DOMAINS, strict=True)}
    rows: list[dict[str, Any]] = []
    for name in names:
        row: dict[str, Any] = {"set": name, "items": len(data[name])}
        for tag, family in (("v2", v2), ("v5", oof)):
            rest = {n: v for n, v in family.items() if n != name}
            row |= cells(tag, *family[name], rest)
        rows.append(row)
    mean = {"set": "mean of the 7 held-out domains", "items": sum(r["items"] for r in rows)}
    mean |= {k: sum(r[k] for r in rows) / len(rows) for k in rows[0] if k.endswith(("AUC", "BAcc"))}
    rows.append(mean)
    news: dict[str, Any] = {"set": NEWS + ", form fitted on all 7", "items": len(data[NEWS])}
    for tag, weights, family in (("v2", SUPPORT, v2), ("v5", weights_of(args.work, ALL), oof)):
        news |= cells(tag, *feats(weights, NEWS, data[NEWS]), family)
    rows.append(news)
    if args.halueval:
        rows += halueval_rows(data, {"v2": (SUPPORT, v2), "v5": (weights_of(args.work, ALL), oof)}, feats, judge_of)
    if args.json:
        print(json.dumps(rows, indent=1))
        return 0
    columns = list(rows[0])
    print_table(columns, [[r.get(c, "") for c in columns] for r in rows])
    print("Each domain's row: v5 = the model that left that domain out; forms and thresholds fitted on the other six")
    print("domains' out-of-fold features. News dev: v5 = the model of all seven; v2 never read SummEdits.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
