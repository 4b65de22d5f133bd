"""Turn questions written over training passages into bench/data/written_questions.jsonl (sentences by index).

Why: SQuAD 2.0's adversarial unanswerable questions are what the answer model misses most on unseen articles
(it gives P >= 0.9 to a sentence a question was edited away from), and the 4 training articles hold about 800.
More were written in session 22, in SQuAD 2.0's manner (one change that leaves the passage no longer answering:
another entity of the passage, a number, an antonym, a negation, a reversed relation, an added condition), over
the passages of training data only: the 4 SQuAD training articles and HaluEval summarisation's training half;
session 23 added as many again (the rest of the training paragraphs, second and third passes over the used ones,
the remaining training-half documents, and a long document's next sentences as a second passage, "<id>@22"), then
pairs over the same passages that ask a two-sided relation from its other side (answerable, edit "converse": "A
ranks behind B" answers "What ranks ahead of A?") beside its reversal (unanswerable, edit "relation").
Each question names the sentence it was built from (the answer's, or the plausible distractor's); this script
finds that sentence in the project's own split of the passage and keeps its index, so no dataset text is copied.

Run: .venv/bin/python bench/written_questions.py WRITTEN.jsonl [...] [--out bench/data/written_questions.jsonl]
     [--append]  (keep the questions already in --out and add the new ones after them)
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.answer_data import training_articles
from bench.datasets import read_jsonl, shared_path
from bench.support_data import is_train, sentences, squad_articles, words_of

ROOT = Path(__file__).resolve().parents[1]
WRITTEN = ROOT / "bench" / "data" / "written_questions.jsonl"
HALUEVAL_SENTENCES = 22  # the passage of a HaluEval summarisation document: its first sentences
MIN_SECOND = 8  # a document with at least this many sentences after the first passage has a second one


def passages() -> dict[str, list[str]]:
    """Every training passage questions may be written over, by id, as the project splits its sentences."""
    out: dict[str, list[str]] = {}
    articles = squad_articles()
    for article in sorted(training_articles(articles)):
        for i, para in enumerate(articles[article]):
            out[f"squad:{article}:{i}"] = para
    path = shared_path("datasets", "halueval_summarization_dev.jsonl")
    for item in read_jsonl(path) if path else []:
        key = f"halueval-sum:{item['idx']}"
        if is_train(key):
            split = sentences(item["document"])
            out[key] = split[:HALUEVAL_SENTENCES]
            # A long document's next sentences are a second passage (session 23), named by where they start.
            if len(split) >= HALUEVAL_SENTENCES + MIN_SECOND:
                out[f"{key}@{HALUEVAL_SENTENCES}"] = split[HALUEVAL_SENTENCES : 2 * HALUEVAL_SENTENCES]
    return out


def locate(sentence: str, passage: list[str]) -> int | None:
    """The index of the passage's sentence the written one is: the same words, or most of them (the writer's
    sentence may join or cut the project's split)."""
    norm = " ".join(sentence.split())
    for i, s in enumerate(passage):
        if s == norm or norm in s or (len(s) > 20 and s in norm):
            return i
    mine = words_of(norm)
    best = max(range(len(passage)), key=lambda i: len(mine & words_of(passage[i])), default=None)
    if best is None or len(mine & words_of(passage[best])) < 0.8 * len(mine):
        return None
    return best


def _edit(item: dict[str, Any]) -> str | None:
    """How the question was made: an unanswerable one's edit ("other" when unnamed); for an answerable one only
    "converse" (asked from the other side of the sentence's relation) is kept, else None."""
    if item.get("answerable"):
        return "converse" if item.get("edit") == "converse" else None
    return str(item.get("edit") or "other")


def resolve(items: list[dict[str, Any]], known: dict[str, list[str]], rows: list[dict[str, Any]]) -> Counter[str]:
    """Add each written question to rows with its sentence's index; skip ones that repeat a row or do not resolve.

    Returns why the skipped ones were dropped."""
    seen = {str(r["question"]).lower() for r in rows}
    dropped: Counter[str] = Counter()
    for item in items:
        doc, question = item.get("doc"), " ".join(str(item.get("question", "")).split())
        if doc not in known:
            dropped["not a training passage"] += 1
            continue
        if not question or question.lower() in seen:
            dropped["repeated"] += 1
            continue
        at = locate(str(item.get("sentence", "")), known[doc])
        answer = str(item.get("answer", ""))
        if at is None or (item.get("answerable") and answer.lower() not in known[doc][at].lower()):
            dropped["sentence not found"] += 1
            continue
        seen.add(question.lower())
        rows.append(
            {
                "doc": doc,
                "sentence": at,
                "question": question,
                "answerable": bool(item["answerable"]),
                "edit": _edit(item),
            }
        )
    return dropped


def main() -> int:
    """Resolve each written question's sentence; drop the ones that do not resolve or repeat; print counts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, default=WRITTEN)
    parser.add_argument("--append", action="store_true", help="keep --out's questions; add only new ones")
    args = parser.parse_args()
    # Appending keeps the earlier rows as they are, so a model trained on them can be rebuilt from the same file.
    rows: list[dict[str, Any]] = read_jsonl(args.out) if args.append and args.out.exists() else []
    dropped = resolve([item for path in args.files for item in read_jsonl(path)], passages(), rows)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    kinds = Counter("answerable" if r["answerable"] else f"unanswerable: {r['edit']}" for r in rows)
    for kind, n in sorted(kinds.items()):
        print(f"{kind:28} {n:>5}")
    print(f"{len(rows)} questions -> {args.out}; dropped {dict(dropped)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
