"""Validate the support model on labelled sets it never trained on; prints one table.

- SummEdits news dev and each of the 7 other SummEdits domains (never trained on): item score = the
  lowest sentence P(supported); the threshold for a domain is fitted on the other domains only.
- HaluEval summarisation and QA, validation halves (the halves bench/support_data.py did not train on):
  threshold by 2-fold cross-fitting inside the half.
- SQuAD 2.0, the held-out articles: a question's score = the best P(answers) over its paragraph's sentences.

Run: .venv/bin/python bench/support_eval.py [--judges model,nli,tuned,support,rules] [--tuned support-v2.safetensors]
     [--weights retrieval/support/weights/support-v1.safetensors | --checkpoint .brieflens/support/checkpoint-v1.pt]
     [--threads 2] [--limit N]  (`--judges nli --only summedits`: the NLI model rows of docs/support-model.md)
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch

from bench.datasets import read_jsonl, shared_path
from bench.support_data import SQUAD_VALIDATION, _literal, evidence_for, is_train, sentences, squad_articles
from bench.train_support import PREFIX, build_model, encode
from eval.calibrate import cross_fit, fit_threshold
from eval.metrics import balanced_accuracy, roc_auc

Scorer = Callable[[Sequence[tuple[str, str, str]]], list[float]]
# Item scores for summaries ({"doc", "summary"}) and for answers ((knowledge, question, answer)).
SummaryScorer = Callable[[list[dict[str, Any]]], list[float]]
AnswerScorer = Callable[[list[tuple[str, str, str]]], list[float]]


def judge_scorers(name: str) -> tuple[SummaryScorer, AnswerScorer]:
    """A registered judge (offline: the rules, today's default; support: the model behind the rules' checks)
    scoring whole items against their whole source, as `eval summaries` does."""
    from retrieval.index.embedders import make_embedder
    from retrieval.settings import Settings
    from retrieval.support.judges import make_judge

    settings = Settings(judge=name)
    judge = make_judge(settings, make_embedder(settings))

    def summaries(items: list[dict[str, Any]]) -> list[float]:
        return [judge.judge(i["doc"], i["summary"]).score for i in items]

    def answers(items: list[tuple[str, str, str]]) -> list[float]:
        return [judge.judge(k, a, q).score for k, q, a in items]

    return summaries, answers


def model_scorers(score: Scorer) -> tuple[SummaryScorer, AnswerScorer]:
    """The support model: summaries by their weakest sentence, answers as question + answer against the knowledge."""

    def answers(items: list[tuple[str, str, str]]) -> list[float]:
        return score([("claim", f"{q} {a}", " ".join(k.split())) for k, q, a in items])

    return (lambda items: summary_items(score, items)), answers


def scorer(args: argparse.Namespace) -> Scorer:
    """P(label 1) for (task, a, b) triples from the trained layers over the packaged base."""
    meta: dict[str, Any] = {"trained_layers": args.layers, "max_len": 128}
    if args.weights:
        from safetensors.torch import load_file

        state = {k: v.float() for k, v in load_file(args.weights).items()}
        meta = json.loads(Path(args.weights).with_suffix(".json").read_text())
    else:
        state = torch.load(args.checkpoint, weights_only=False)["model"]
    model, tokenizer = build_model(meta["trained_layers"], 0)
    model.load_state_dict(state, strict=False)
    model.eval()

    def batch(chunk: Sequence[tuple[str, str, str]]) -> list[float]:
        enc = encode(tokenizer, [(PREFIX[task] + a, b) for task, a, b in chunk], meta["max_len"])
        probs: list[float] = torch.sigmoid(model(*enc)).tolist()
        return probs

    return lambda items: by_length(items, 64, batch)


def nli_scorer() -> Scorer:
    """1 - P(contradicted) from the packaged NLI model (retrieval/support/contradiction.py), claim first."""
    from retrieval.support.contradiction import ContradictionModel

    model = ContradictionModel()

    def score(items: Sequence[tuple[str, str, str]]) -> list[float]:
        return [1.0 - p for p in model.contradiction([(a, b) for _, a, b in items])]

    return score


def tuned_scorer(weights: str) -> Scorer:
    """P("consistent") of the NLI model with the layers bench/train_nli.py --task support fine-tuned, claim first."""
    from safetensors.torch import load_file

    from bench.train_nli import build_model, tokenizer

    meta = json.loads(Path(weights).with_suffix(".json").read_text())
    model = build_model(meta["trained_layers"])
    model.load_state_dict({k: v.float() for k, v in load_file(weights).items()}, strict=False)
    model.eval()
    tok = tokenizer()

    def batch(chunk: Sequence[tuple[str, str, str]]) -> list[float]:
        enc = tok.encode_batch([(a, b) for _, a, b in chunk])
        ids = torch.tensor([e.ids for e in enc])
        mask = torch.tensor([e.attention_mask for e in enc])
        probs: list[float] = torch.softmax(model(input_ids=ids, attention_mask=mask).logits, -1)[:, 0].tolist()
        return probs

    return lambda items: by_length(items, 32, batch)


def by_length(
    items: Sequence[tuple[str, str, str]], size: int, batch: Callable[[Sequence[tuple[str, str, str]]], list[float]]
) -> list[float]:
    """Score (task, a, b) triples in batches of similar length (less padding), returned in input order."""
    order = sorted(range(len(items)), key=lambda i: len(items[i][1]) + len(items[i][2]))
    out = [0.0] * len(items)
    with torch.no_grad():
        for start in range(0, len(order), size):
            idx = order[start : start + size]
            for i, p in zip(idx, batch([items[i] for i in idx]), strict=True):
                out[i] = p
    return out


def auc(scores: Sequence[float], labels: Sequence[int]) -> float:
    """ROC-AUC of the scores for label 1 (eval.metrics)."""
    return roc_auc([bool(y) for y in labels], scores) or float("nan")


def bacc(scores: Sequence[float], labels: Sequence[int], threshold: float) -> float:
    """Balanced accuracy of `score >= threshold` as the prediction of label 1 (eval.metrics)."""
    return balanced_accuracy([bool(y) for y in labels], [v >= threshold for v in scores]) or 0.0


def fit(scores: Sequence[float], labels: Sequence[int]) -> float:
    """The threshold with the best balanced accuracy on these items (eval.calibrate)."""
    return fit_threshold(scores, [bool(y) for y in labels])


def two_fold(scores: Sequence[float], labels: Sequence[int], groups: Sequence[str]) -> float:
    """Mean balanced accuracy of 2-fold cross-fitting (eval.calibrate, 20 repeats); a group stays in one half."""
    results = cross_fit(scores, [bool(y) for y in labels], groups=groups)
    return sum(results) / len(results)


def summary_items(score: Scorer, items: list[dict[str, Any]]) -> list[float]:
    """Item scores: the lowest P(supported) over the summary's sentences against their aligned evidence."""
    triples: list[tuple[str, str, str]] = []
    owner: list[int] = []
    for n, item in enumerate(items):
        doc = sentences(item["doc"])
        claims = [s for s in sentences(item["summary"]) if s.strip()] or [item["summary"]]
        for claim in claims:
            triples.append(("claim", claim, evidence_for(claim, doc)))
            owner.append(n)
    probs = score(triples)
    out = [1.0] * len(items)
    for n, p in zip(owner, probs, strict=True):
        out[n] = min(out[n], p)
    return out


def summedits(summaries: SummaryScorer, limit: int | None) -> list[tuple[str, int, float, float, float]]:
    """Rows per SummEdits domain: (name, items, AUC, BAcc at the other domains' threshold, seconds/item)."""
    news = read_jsonl(shared_path("datasets", "summedits_news_dev.jsonl"))
    other = read_jsonl(shared_path("datasets", "summedits_other_domains.jsonl"))
    by_domain: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in other:
        by_domain[item["domain"]].append(item)
    by_domain["news (dev)"] = news
    scored: dict[str, tuple[list[float], list[int], float]] = {}
    for domain, items in sorted(by_domain.items()):
        items = items[:limit] if limit else items
        started = time.time()
        s = summaries(items)
        scored[domain] = (s, [int(i["label"]) for i in items], (time.time() - started) / max(1, len(items)))
    pooled = [(v, t) for d, (ss, yy, _) in scored.items() if d != "news (dev)" for v, t in zip(ss, yy, strict=True)]
    if pooled:
        # What a judge ships: the threshold fitted on all seven non-news domains (never on news).
        print(f"threshold fitted on the non-news SummEdits domains: {fit(*map(list, zip(*pooled, strict=True))):.4f}")
    rows = []
    for domain, (s, y, secs) in scored.items():
        rest_s = [v for d, (ss, _, _) in scored.items() if d != domain and d != "news (dev)" for v in ss]
        rest_y = [v for d, (_, yy, _) in scored.items() if d != domain and d != "news (dev)" for v in yy]
        rows.append((f"SummEdits {domain}", len(s), auc(s, y), bacc(s, y, fit(rest_s, rest_y)), secs))
    return rows


def halueval(
    summaries: SummaryScorer, answers: AnswerScorer, limit: int | None
) -> list[tuple[str, int, float, float, float]]:
    """HaluEval summarisation and QA, validation halves only."""
    rows = []
    summ = [
        i
        for i in read_jsonl(shared_path("datasets", "halueval_summarization_dev.jsonl"))
        if not is_train(f"halueval-sum:{i['idx']}")
    ][:limit]
    items = [
        {"doc": i["document"], "summary": i[k], "label": lab, "key": str(i["idx"])}
        for i in summ
        for k, lab in (("right_summary", 1), ("hallucinated_summary", 0))
    ]
    started = time.time()
    s = summaries(items)
    y = [i["label"] for i in items]
    rows.append(
        (
            "HaluEval summ (val half)",
            len(s),
            auc(s, y),
            two_fold(s, y, [i["key"] for i in items]),
            (time.time() - started) / len(items),
        )
    )
    qa = [
        i
        for i in read_jsonl(shared_path("datasets", "halueval_qa_dev.jsonl"))
        if not is_train(f"halueval-qa:{i['idx']}")
    ][:limit]
    triples = [(i["knowledge"], i["question"], i[k]) for i in qa for k in ("right_answer", "hallucinated_answer")]
    y = [lab for _ in qa for lab in (1, 0)]
    keys = [str(i["idx"]) for i in qa for _ in ("right", "hallucinated")]  # both answers in one half
    started = time.time()
    s = answers(triples)
    rows.append(
        ("HaluEval QA (val half)", len(s), auc(s, y), two_fold(s, y, keys), (time.time() - started) / len(triples))
    )
    return rows


def squad(score: Scorer, limit: int | None) -> list[tuple[str, int, float, float, float]]:
    """Held-out SQuAD 2.0 articles: does the best sentence of the paragraph answer the question?"""
    articles = squad_articles()
    qs = [
        q
        for q in read_jsonl(shared_path("datasets", "squad2_answerability", "questions.jsonl"))
        if q["article"].replace(" ", "_") in SQUAD_VALIDATION
    ][:limit]
    triples: list[tuple[str, str, str]] = []
    owner: list[int] = []
    for n, q in enumerate(qs):
        for s in articles[q["article"].replace(" ", "_")][int(q["paragraph"])]:
            triples.append(("question", q["question"], s))
            owner.append(n)
    started = time.time()
    probs = score(triples)
    best = [0.0] * len(qs)
    for n, p in zip(owner, probs, strict=True):
        best[n] = max(best[n], p)
    y = [int(_literal(q["answerable"])) for q in qs]
    return [
        (
            "SQuAD 2.0 held-out articles",
            len(qs),
            auc(best, y),
            two_fold(best, y, [q["id"] for q in qs]),
            (time.time() - started) / max(1, len(qs)),
        )
    ]


def main() -> int:
    """Print the validation table: the support model's rows, then the rule-based judge's on the same items."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", default="")
    parser.add_argument("--checkpoint", default=".brieflens/support/checkpoint-v1.pt")
    parser.add_argument("--layers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--limit", type=int, default=0, help="at most N items per set (a quick look)")
    parser.add_argument("--only", default="", help="comma list: summedits,halueval,squad")
    parser.add_argument(
        "--judges",
        default="model,support,rules",
        help="rows to print: model (v1), nli (the NLI model alone), tuned (--tuned), support, rules",
    )
    parser.add_argument(
        "--tuned", default="retrieval/support/weights/support-v2.safetensors", help="bench/train_nli.py --task support"
    )
    args = parser.parse_args()
    if shared_path("datasets") is None:
        print("../shared/datasets is absent: nothing to validate on")
        return 0
    torch.set_num_threads(args.threads)
    score = scorer(args) if "model" in args.judges.split(",") else None
    limit = args.limit or None
    wanted = set(args.only.split(",")) if args.only else {"summedits", "halueval", "squad"}
    chosen = args.judges.split(",")
    judges = [("support model", model_scorers(score))] if "model" in chosen else []
    judges += [("NLI model", model_scorers(nli_scorer()))] if "nli" in chosen else []
    judges += [("tuned NLI", model_scorers(tuned_scorer(args.tuned)))] if "tuned" in chosen else []
    judges += [("support judge", judge_scorers("support"))] if "support" in chosen else []
    judges += [("rules", judge_scorers("offline"))] if "rules" in chosen else []
    rows: list[tuple[str, str, int, float, float, float]] = []
    for judge, (summaries, answers) in judges:
        found = []
        if "summedits" in wanted:
            found += summedits(summaries, limit)
        if "halueval" in wanted:
            found += halueval(summaries, answers, limit)
        if "squad" in wanted and judge == "support model" and score is not None:
            found += squad(score, limit)
        rows += [(judge, *row) for row in found]
    cells = ("judge".ljust(13), "set (never trained on)".ljust(34), "items".rjust(6), "ROC-AUC", "BAcc".rjust(6))
    print("| " + " | ".join(cells) + " |  s/item |")
    print(f"|{'-' * 15}|{'-' * 36}|{'-' * 8}|{'-' * 9}|{'-' * 8}|{'-' * 9}|")
    for judge, name, n, a, b, secs in rows:
        print(f"| {judge:13} | {name:34} | {n:>6} | {a:>7.3f} | {b:>6.3f} | {secs:>7.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
