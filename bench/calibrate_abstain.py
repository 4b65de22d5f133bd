"""Fit when the extractive answerer abstains, on labelled answerable and unanswerable questions.

Sets: the dev questions (abstain items vs the rest) over corpus/, and MultiHop-RAG's
"Insufficient information" queries vs the rest over a corpus built from its evidence facts.
The rule: answer when some sentence has w*cosine + (1-w)*coverage >= a + b*ln(content terms).
The grid search maximises the mean balanced accuracy over the sets, keeping a margin of at
least 0.1 on the dev items, and prints the balanced accuracy of the current defaults beside it.
Run: .venv/bin/python bench/calibrate_abstain.py
"""

from __future__ import annotations

import math
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.datasets import ROOT, multihop_corpus, read_jsonl, shared_path
from retrieval.generation.extractive import score_sentences
from retrieval.service import BriefLens
from retrieval.settings import Settings
from retrieval.terms import content_terms

# One row per question: (cosine, coverage) of each candidate sentence, ln(#terms), is_unanswerable.
Row = tuple[list[tuple[float, float]], float, bool]


def features(lens: BriefLens, questions: list[str], unanswerable: list[bool]) -> list[Row]:
    """Sentence features for each question, computed once for the whole grid."""
    rows: list[Row] = []
    for q, null in zip(questions, unanswerable, strict=True):
        candidates, _ = score_sentences(q, lens.search(q), lens.index.embedder, 0.5)
        n_terms = len(set(content_terms(q, drop_question_words=True)))
        rows.append(([(c.cosine, c.lexical) for c in candidates], math.log(max(1, n_terms)), null))
    return rows


def best_scores(rows: list[Row], w: float) -> list[tuple[float, float, bool]]:
    """Per question: the best sentence score under weight w, ln(#terms), and the label."""
    return [(max((w * c + (1 - w) * lex for c, lex in cands), default=0.0), ln, null) for cands, ln, null in rows]


def evaluate(scored: list[tuple[float, float, bool]], a: float, b: float) -> tuple[float, float]:
    """Balanced accuracy of the rule on one set, and its smallest margin."""
    margins = [(score - (a + b * ln), null) for score, ln, null in scored]
    pos = [m for m, null in margins if not null]
    neg = [m for m, null in margins if null]
    bacc = (sum(m >= 0 for m in pos) / len(pos) + sum(m < 0 for m in neg) / len(neg)) / 2
    return bacc, min(min(pos), -max(neg))


def collect(tmp: Path) -> dict[str, list[Row]]:
    """Build both corpora, ingest them and compute the features of every question."""
    sets: dict[str, list[Row]] = {}
    dev = shared_path("eval", "dev_questions.jsonl")
    if dev:
        lens = BriefLens(Settings(data_dir=tmp / "dev"))
        lens.ingest([ROOT / "corpus"])
        items = read_jsonl(dev)
        sets["dev"] = features(lens, [i["question"] for i in items], [i["kind"] == "abstain" for i in items])
        lens.close()
    queries = multihop_corpus(tmp / "mh")
    if queries:
        lens = BriefLens(Settings(data_dir=tmp / "mhdata"))
        lens.ingest([tmp / "mh"])
        null = [q["answer"].startswith("Insufficient") for q in queries]
        sets["multihop"] = features(lens, [q["question"] for q in queries], null)
        lens.close()
    return sets


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        sets = collect(Path(tmp))
    if not sets:
        print("skipped: ../shared is absent")
        return 0
    grid = []
    for wi in range(4, 17):
        w = wi * 0.05
        scored = {name: best_scores(rows, w) for name, rows in sets.items()}
        for ai in range(20, 100):
            for bi in range(-30, 1):
                a, b = ai / 100, bi / 100
                scores = {name: evaluate(rows, a, b) for name, rows in scored.items()}
                mean = sum(s[0] for s in scores.values()) / len(scores)
                dev_margin = scores["dev"][1] if "dev" in scores else 1.0
                grid.append((dev_margin >= 0.1, mean, dev_margin, w, a, b, scores))
    grid.sort(key=lambda g: (g[0], g[1], g[2]), reverse=True)
    defaults = Settings()
    for name, rows in sets.items():
        scored = best_scores(rows, defaults.cosine_weight)
        bar = [(score >= defaults.abstain_threshold + defaults.abstain_slope * ln, null) for score, ln, null in scored]
        null_abstain = sum(not answered for answered, null in bar if null) / max(1, sum(null for _, null in bar))
        wrong = sum(not answered for answered, null in bar if not null) / max(1, sum(not null for _, null in bar))
        print(f"{name}: defaults abstain on {null_abstain:.1%} of unanswerable, wrongly on {wrong:.1%} of answerable")
    current = {
        n: evaluate(best_scores(r, defaults.cosine_weight), defaults.abstain_threshold, defaults.abstain_slope)
        for n, r in sets.items()
    }
    print(f"{'rule':<34} " + " ".join(f"{n + ' BAcc':>14}" for n in sets) + f" {'mean':>6} {'dev margin':>10}")
    for label, w, a, b, scores in [
        ("defaults", defaults.cosine_weight, defaults.abstain_threshold, defaults.abstain_slope, current),
        *[("best", g[3], g[4], g[5], g[6]) for g in grid[:3]],
    ]:
        mean = sum(s[0] for s in scores.values()) / len(scores)
        margin = scores["dev"][1] if "dev" in scores else float("nan")
        print(
            f"{label + f' w={w:.2f} a={a:.2f} b={b:.2f}':<34} "
            + " ".join(f"{s[0]:>14.3f}" for s in scores.values())
            + f" {mean:>6.3f} {margin:>10.3f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
