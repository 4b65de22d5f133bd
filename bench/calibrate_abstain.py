"""Fit when the extractive answerer abstains, on labelled answerable and unanswerable questions.

Sets: the dev questions (abstain items vs the rest) over corpus/, and MultiHop-RAG's
"Insufficient information" queries vs the rest over a corpus built from its evidence facts.
The rule: answer when some sentence has w*cosine + (1-w)*coverage >= a + b*ln(content terms).
The operating point: among rules that wrongly abstain on at most 10% of answerable questions in
every set and keep the dev items right with a margin of at least 0.08, the one abstaining on
the most unanswerable questions. Also printed: the defaults and the best balanced accuracy.
Run: .venv/bin/python bench/calibrate_abstain.py
"""

from __future__ import annotations

import math
import sys
import tempfile
from pathlib import Path
from typing import NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.datasets import ROOT, multihop_corpus, read_jsonl, shared_path
from retrieval.generation.extractive import score_sentences
from retrieval.service import BriefLens
from retrieval.settings import Settings
from retrieval.terms import content_terms

MAX_WRONG = 0.10
MIN_MARGIN = 0.08

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


class Score(NamedTuple):
    """How a rule does on one set."""

    bacc: float
    margin: float
    null_abstain: float
    wrong_abstain: float


FREE = Score(1.0, 1.0, 1.0, 0.0)  # stands in for an absent dev set


def evaluate(scored: list[tuple[float, float, bool]], a: float, b: float) -> Score:
    """Balanced accuracy, smallest margin, and the two abstention shares of the rule on one set."""
    margins = [(score - (a + b * ln), null) for score, ln, null in scored]
    pos = [m for m, null in margins if not null]
    neg = [m for m, null in margins if null]
    null_abstain = sum(m < 0 for m in neg) / len(neg)
    wrong = sum(m < 0 for m in pos) / len(pos)
    return Score((1 - wrong + null_abstain) / 2, min(min(pos), -max(neg)), null_abstain, wrong)


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
    grid: list[tuple[float, float, float, dict[str, Score]]] = []
    for wi in range(4, 17):
        w = wi * 0.05
        scored = {name: best_scores(rows, w) for name, rows in sets.items()}
        for ai in range(20, 100):
            for bi in range(-30, 1):
                a, b = ai / 100, bi / 100
                grid.append((w, a, b, {name: evaluate(rows, a, b) for name, rows in scored.items()}))

    def mean(scores: dict[str, Score], field: str) -> float:
        return sum(getattr(s, field) for s in scores.values()) / len(scores)

    # The operating point: never wrongly abstain on more than 10% of answerable questions, keep
    # the dev items right with a margin, and among those abstain on the most unanswerable ones.
    feasible = [
        g
        for g in grid
        if all(s.wrong_abstain <= MAX_WRONG for s in g[3].values()) and g[3].get("dev", FREE).margin >= MIN_MARGIN
    ]
    chosen = max(feasible, key=lambda g: (mean(g[3], "null_abstain"), mean(g[3], "bacc")), default=None)
    best_bacc = max(grid, key=lambda g: (g[3].get("dev", FREE).margin >= MIN_MARGIN, mean(g[3], "bacc")))
    defaults = Settings()
    current = (
        defaults.cosine_weight,
        defaults.abstain_threshold,
        defaults.abstain_slope,
        {
            n: evaluate(best_scores(r, defaults.cosine_weight), defaults.abstain_threshold, defaults.abstain_slope)
            for n, r in sets.items()
        },
    )
    print(f"{'rule':<34} " + " ".join(f"{n + ' BAcc/null/wrong':>24}" for n in sets) + f" {'dev margin':>10}")
    rows = [("defaults", current), ("operating point", chosen), ("best balanced accuracy", best_bacc)]
    for label, g in rows:
        if g is None:
            print(f"{label:<34} none satisfies the constraints")
            continue
        w, a, b, scores = g
        cells = " ".join(f"{s.bacc:>8.3f}/{s.null_abstain:>6.1%}/{s.wrong_abstain:>6.1%}" for s in scores.values())
        margin = scores["dev"].margin if "dev" in scores else float("nan")
        print(f"{label + f' {w:.2f} {a:.2f} {b:.2f}':<34} {cells} {margin:>10.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
