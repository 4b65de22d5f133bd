"""Does `ask` answer what the corpus states and abstain on what it does not? Prints one table.

Sets (each question asked through the real `ask`, extractive, over an index built in a temp dir):
- SQuAD 2.0 corpus-level: the articles' paragraphs ingested as briefs; every question of those articles
  asked. `heldout` = Normans, Steam_engine, Harvard_University (never trained on, never looked at while
  writing rules); `train` = the other five (where rules and models may be developed); `calibration` =
  1973_oil_crisis alone, the one of those five the answer model never trained on (its threshold is fitted
  there: `--sweep answer_model_threshold=0.3,0.5,0.7`).
- Seed near-miss: tests/data/answerability.jsonl, questions about the two seed briefs (real entities,
  facts the briefs never state) and answerable ones with the expected words; `dev` rows were used while
  building, `holdout` rows were written at the same time and kept aside; `holdout2` (13 + 14) and
  `holdout3` (14 + 14, written on 2026-12-05 before answers-v2 was scored anywhere) and `holdout4` (14 + 14,
  written after holdout3's misses were read, before any change they suggested was scored) and `holdout5`
  (10 + 10, written after holdout4's misses were read, before the generic-acronym change was scored) and
  `holdout6` (14 + 14, written at the start of session 11, before any of its changes) and `holdout7` (14 +
  14, written at the end of session 11, after its changes, before being run) and `holdout8` (14 + 14, written
  at the start of session 12, before any of its answerability changes) and `holdout9` (14 + 14, written in
  session 12 after holdout8 was run, before the changes its misses suggested) and `holdout10` (14 + 14, written
  at the end of session 12) and `holdout11` (14 + 14, written at the start of session 13, before any of its
  changes) and `holdout12` (14 + 14, written at the end of session 13, first run in session 14) and
  `holdout13` (14 + 14, written in session 14 before holdout12 was run, first run in session 15;
  the two briefs are nearly exhausted, so some of its questions ask about a sentence an earlier set asked
  about, in other words) and `holdout14` (14 + 14, written at the end of session 15, first run in session 16)
  and `holdout15` (14 + 14, written in session 16 after holdout14 was run, first run after the count rule)
  and `holdout16` (14 + 14, written in session 16 by a helper that read only the briefs, first run after the
  sum and measure nouns) and `holdout17` (14 + 14, written the same way at the end of session 16, never run:
  blind for the next answerability change) and the later splits (holdout18 to holdout46; bench/README.md says
  which session ran each) were each written blind and first run with the code they measure.
- MultiHop-RAG (`multihop`): the 500 queries over their evidence facts (the abstention bar was calibrated
  on them); an answerable query counts when it is answered at all (its gold answers are rarely spans).
An answerable question counts as right when the answer is given and one of its sentences contains a
gold answer, a one-word answer as a whole word (since session 20: "ten" had counted inside "often"); an
unanswerable one when the answer abstains. The mean of the two rates is the score.
With --why, each miss also says which stage of `ask` missed it (bench/miss_stages.py: not retrieved, held by a check,
under the bar, the answer model, …) and a second table counts them per set: what a change must move.
With --audited, the SQuAD questions labelled unanswerable that bench/label_audit.py found answered by their article as
asked count as answerable (the calibration article is read in full: 26 of its 149): what a change does without SQuAD's
label noise. The held-out articles are not audited, so their rows do not change.
Run: .venv/bin/python bench/answerability.py [--sets squad-heldout,seed-dev,seed-holdout] [--limit N] [--json]
     [--set NAME=VALUE] [--sweep NAME=V1,V2,...] [--why] [--audited]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.answer_data import CALIBRATION
from bench.datasets import ROOT, multihop_corpus, print_table, read_jsonl, shared_path
from bench.label_audit import MISLABELLED
from bench.miss_stages import STAGES, miss_stage
from bench.support_data import SQUAD_VALIDATION
from retrieval.generation.extractive import Abstention
from retrieval.service import BriefLens
from retrieval.settings import Settings
from retrieval.textnorm import normalize

SEED = ROOT / "tests" / "data" / "answerability.jsonl"


def _fold(text: str) -> str:
    """Case- and typography-insensitive text for matching a gold answer."""
    return " ".join(normalize(text).casefold().split())


def holds(text: str, gold: str) -> bool:
    """Whether folded answer text holds a gold answer; a one-word answer as a whole word ("ten" is not in "often").

    Longer answers are matched as they stand: the briefs glue some words where a dash was lost ("diverging
    prioritiessafety versus rapid deployment"), and several words are not found inside another by chance.
    """
    folded = _fold(gold)
    if " " in folded:
        return folded in text
    return re.search(rf"(?<!\w){re.escape(folded)}(?!\w)", text) is not None


def squad_items(articles: Iterable[str], limit: int | None, audited: bool = False) -> list[dict[str, Any]]:
    """The SQuAD 2.0 questions of these articles: question, answerable, gold answers. With `audited`, a question
    labelled unanswerable that the label audit found answered as asked (bench/label_audit.py) counts as answerable,
    answered right when answered at all (the audit names no span)."""
    base = shared_path("datasets", "squad2_answerability", "questions.jsonl")
    wanted = set(articles)
    rows = [q for q in read_jsonl(base) if q["article"].replace(" ", "_") in wanted] if base else []
    return [
        {
            "question": q["question"],
            "answerable": bool(q["answerable"]) or (audited and q["id"] in MISLABELLED),
            "answers": list(q["answers"]),
            "id": q["id"],
        }
        for q in rows[:limit]
    ]


def seed_items(split: str) -> list[dict[str, Any]]:
    """The seed-brief questions of one split."""
    return [
        {"question": r["question"], "answerable": r["answerable"], "answers": [r["answer"]] if r["answerable"] else []}
        for r in read_jsonl(SEED)
        if r["split"] == split
    ]


LABEL_WRONG = "label wrong (audited)"  # a miss on a question of bench/label_audit.py


def _gold(answers: list[str]) -> Callable[[str], bool]:
    """Whether a text holds one of these gold answers."""
    return lambda text: any(holds(_fold(text), a) for a in answers)


def score(lens: BriefLens, items: list[dict[str, Any]], why: bool = False) -> dict[str, Any]:
    """Ask every item; rates of answerable answered right and unanswerable abstained, with the misses (with `why`,
    each with the stage of `ask` that missed it: bench/miss_stages.py)."""
    right = abstained = answerable = given = quoted = 0
    misses: list[dict[str, Any]] = []
    abstention = Abstention.from_settings(lens.settings) if why else None
    started = time.perf_counter()
    for item in items:
        answer = lens.ask(item["question"])
        text = _fold(" ".join(s.text for s in answer.sentences))
        if not answer.abstained:
            given, quoted = given + 1, quoted + len(answer.sentences)
        if item["answerable"]:
            answerable += 1
            # No gold span (MultiHop's comparisons answer "Yes"): answering at all counts.
            ok = not answer.abstained and (not item["answers"] or any(holds(text, a) for a in item["answers"]))
            right += ok
        else:
            ok = answer.abstained
            abstained += ok
        if not ok:
            miss = {"question": item["question"], "answerable": item["answerable"], "answer": answer.answer}
            if abstention is not None and item.get("id") in MISLABELLED and not item["answerable"]:
                miss["stage"] = LABEL_WRONG
            elif abstention is not None and (item["answers"] or not item["answerable"]):
                gold = _gold(item["answers"]) if item["answerable"] else None
                miss["stage"] = miss_stage(lens, abstention, item["question"], answer, gold)
            misses.append(miss)
    unanswerable = len(items) - answerable
    a_rate = right / answerable if answerable else float("nan")
    u_rate = abstained / unanswerable if unanswerable else float("nan")
    return {
        "answerable": answerable,
        "answered_right": round(a_rate, 3),
        "unanswerable": unanswerable,
        "abstained": round(u_rate, 3),
        "mean": round((a_rate + u_rate) / 2, 3),
        # How long the answers given are: quoting more sentences would find more gold answers by itself.
        "sentences_per_answer": round(quoted / given, 2) if given else float("nan"),
        "seconds_per_question": round((time.perf_counter() - started) / max(1, len(items)), 3),
        "misses": misses,
    }


def squad_lens(tmp: Path, articles: Iterable[str], settings: dict[str, Any]) -> BriefLens | None:
    """An index of the SQuAD articles' paragraphs (one brief per article), or None without ../shared."""
    base = shared_path("datasets", "squad2_answerability", "corpus")
    if base is None:
        return None
    corpus = tmp / "corpus"
    corpus.mkdir(parents=True)
    for name in articles:
        shutil.copy(base / f"{name}.md", corpus / f"{name}.md")
    lens = BriefLens(Settings(data_dir=tmp / "index", corpus_dir=corpus, **settings))
    lens.ingest([corpus])
    return lens


def main() -> int:
    """Print the answerability table (and the misses with --json)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="squad-heldout,seed-dev,seed-holdout")
    parser.add_argument("--limit", type=int, default=0, help="at most N SQuAD questions per set")
    parser.add_argument("--json", action="store_true", help="print the results, misses included, as JSON")
    parser.add_argument(
        "--why", action="store_true", help="say which stage of `ask` missed each miss, and count them per set"
    )
    parser.add_argument(
        "--audited",
        action="store_true",
        help="count SQuAD questions the label audit found answered as asked as answerable (bench/label_audit.py)",
    )
    parser.add_argument("--set", action="append", default=[], help="a setting for the run: NAME=VALUE")
    parser.add_argument("--sweep", default="", help="one row per value of a setting: NAME=V1,V2,...")
    args = parser.parse_args()
    overrides: dict[str, Any] = dict(s.split("=", 1) for s in args.set)
    sweep_name, _, sweep_values = args.sweep.partition("=")
    runs = [(f" {sweep_name}={v}", overrides | {sweep_name: v}) for v in sweep_values.split(",")] if args.sweep else []
    results: dict[str, dict[str, Any]] = {}
    squad_corpus = shared_path("datasets", "squad2_answerability", "corpus")
    all_squad = [p.stem for p in sorted(squad_corpus.glob("*.md"))] if squad_corpus else []
    squad_sets = {
        "squad-heldout": list(SQUAD_VALIDATION),
        "squad-train": [a for a in all_squad if a not in SQUAD_VALIDATION],
        "squad-calibration": [CALIBRATION],
    }
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.sets.split(","):
            for suffix, settings in runs or [("", overrides)]:
                if name == "multihop":
                    queries = multihop_corpus(Path(tmp) / ("mh" + suffix))
                    if not queries:
                        print("multihop: skipped, ../shared is absent")
                        break
                    lens = BriefLens(Settings(data_dir=Path(tmp) / ("mhdata" + suffix), **settings))
                    lens.ingest([Path(tmp) / ("mh" + suffix)])
                    items = [
                        {
                            "question": q["question"],
                            "answerable": not q["answer"].startswith("Insufficient"),
                            "answers": [],
                        }
                        for q in queries[: args.limit or None]
                    ]
                    results[name + suffix] = score(lens, items, args.why)
                elif name.startswith("squad-"):
                    articles = squad_sets[name]
                    lens = squad_lens(Path(tmp) / (name + suffix), articles, settings)
                    if lens is None:
                        print(f"{name}: skipped, ../shared is absent")
                        break
                    items = squad_items(articles, args.limit or None, args.audited)
                    results[name + suffix] = score(lens, items, args.why)
                else:
                    lens = BriefLens(Settings(data_dir=Path(tmp) / ("seed" + suffix), **settings))
                    lens.ingest([ROOT / "corpus"])
                    results[name + suffix] = score(lens, seed_items(name.removeprefix("seed-")), args.why)
                lens.close()
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    columns = ["set", "answerable", "answered right", "unanswerable", "abstained", "mean", "sentences", "s/question"]
    keys = [
        "answerable",
        "answered_right",
        "unanswerable",
        "abstained",
        "mean",
        "sentences_per_answer",
        "seconds_per_question",
    ]
    print_table(columns, [[name, *(r[k] for k in keys)] for name, r in results.items()])
    if args.why:
        print("\nmisses by the stage of `ask` that missed them (bench/miss_stages.py):")
        stages = (*STAGES, LABEL_WRONG)
        rows = [[n, *(sum(m.get("stage") == st for m in r["misses"]) for st in stages)] for n, r in results.items()]
        print_table(["set", *stages], rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
