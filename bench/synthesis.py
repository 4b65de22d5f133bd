"""Synthesis questions (metadata, names across briefs, lists, comparisons, why/how, lookups): how many are answered.

Each question of tests/data/synthesis.jsonl is asked through the real `BriefLens.ask` (extractive) over an index
of corpus/ built in a temp dir. Per kind it counts: the kind classified right; an answer with every expected
keyword (case- and typography-insensitive); every sentence carrying at least one citation whose quote is the
document's text at its offsets; and `right` = keywords and citations both. `dev` rows were used to write the
rules; `holdout` rows were written at the same time and kept aside.
Run: .venv/bin/python bench/synthesis.py [--split dev|holdout|all] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.datasets import ROOT, print_table, read_jsonl
from retrieval.answer import Answer
from retrieval.service import BriefLens
from retrieval.settings import Settings
from retrieval.textnorm import normalize

DATA = ROOT / "tests" / "data" / "synthesis.jsonl"
KINDS = ["lookup", "metadata", "aggregation", "list", "comparison", "why"]


def _fold(text: str) -> str:
    """Case- and typography-insensitive text for matching a keyword."""
    return " ".join(normalize(text).casefold().split())


def cited(lens: BriefLens, answer: Answer) -> bool:
    """True when the answer has sentences and each has citations, all quoting their document at the offsets."""
    if answer.abstained or not answer.sentences:
        return False
    for sentence in answer.sentences:
        if not sentence.citations:
            return False
        for c in sentence.citations:
            doc = lens.index.catalog.document(c.doc_id)
            if doc is None or not c.quote or doc.text[c.start : c.end] != c.quote:
                return False
    return True


def score(lens: BriefLens, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per question: kind classified, keywords found, citations valid, right."""
    rows = []
    for item in items:
        started = time.perf_counter()
        answer = lens.ask(item["question"])
        seconds = time.perf_counter() - started
        text = _fold(" ".join(s.text for s in answer.sentences))
        keywords = not answer.abstained and all(_fold(k) in text for k in item["keywords"])
        valid = cited(lens, answer)
        rows.append(
            {
                "id": item["id"],
                "split": item["split"],
                "kind": item["kind"],
                "classified": answer.kind,
                "kind_ok": answer.kind == item["kind"],
                "keywords": keywords,
                "cited": valid,
                "right": keywords and valid,
                "seconds": round(seconds, 3),
                "answer": answer.answer,
            }
        )
    return rows


def table(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Rates per kind and overall."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in sorted(rows, key=lambda r: KINDS.index(r["kind"]) if r["kind"] in KINDS else len(KINDS)):
        groups[row["kind"]].append(row)
    groups["all"] = rows
    return {
        kind: {
            "n": len(g),
            "kind_ok": round(sum(r["kind_ok"] for r in g) / len(g), 3),
            "keywords": round(sum(r["keywords"] for r in g) / len(g), 3),
            "cited": round(sum(r["cited"] for r in g) / len(g), 3),
            "right": round(sum(r["right"] for r in g) / len(g), 3),
            "seconds_per_question": round(sum(r["seconds"] for r in g) / len(g), 3),
        }
        for kind, g in groups.items()
    }


def main() -> int:
    """Print the table per kind (with --json: the rates and every row)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev", choices=["dev", "holdout", "all"])
    parser.add_argument("--json", action="store_true", help="print the rates and the rows as JSON")
    args = parser.parse_args()
    items = [r for r in read_jsonl(DATA) if args.split == "all" or r["split"] == args.split]
    with tempfile.TemporaryDirectory() as tmp:
        lens = BriefLens(Settings(data_dir=Path(tmp) / "index"))
        try:
            lens.ingest([ROOT / "corpus"])
            rows = score(lens, items)
        finally:
            lens.close()
    rates = table(rows)
    if args.json:
        print(json.dumps({"split": args.split, "rates": rates, "rows": rows}, indent=2))
        return 0
    print(f"split: {args.split}")
    columns = ["kind", "n", "kind classified", "keywords", "cited", "right", "s/question"]
    keys = ["n", "kind_ok", "keywords", "cited", "right", "seconds_per_question"]
    print_table(columns, [[kind, *(r[k] for k in keys)] for kind, r in rates.items()], digits=2)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
