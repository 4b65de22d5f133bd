"""Generation benchmark: the dev questions answered by the extractive baseline and the local models, side by side.

Per question and back-end: answered right (abstained on an abstain item; else every `keywords` entry in the
answer), sentences the model wrote and the faithfulness gate removed, citation validity (every shown quote
verbatim at its offsets) and citation precision (each citation's quote supports its sentence: the eval
harness's metric, with the configured judge), and time to first token (from the `ask_stream` call, so with
retrieval and the evidence selection; for `extractive`, the time to the whole answer). The local back-end
answers as `--generator local` does: the extractive selection first (an abstention there is final, no model
call), then the model writes from up to BRIEFLENS_LOCAL_EVIDENCE_SENTENCES evidence sentences.
Run: .venv/bin/python bench/generation.py [--questions FILE] [--models extractive,smollm2,qwen2.5-coder-1.5b]
     [--threads 2] [--split dev] [--limit N]   (any .gguf path works as a model; `--overhead` adds a bare-call TTFT)
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import openai

from bench.datasets import ROOT, read_jsonl
from eval.datasets import QuestionCase
from eval.harness import score_answer
from eval.metrics import keyword_recall
from retrieval.answer import Answer
from retrieval.errors import DocumentNotFound
from retrieval.generation.llm import LLMGenerator
from retrieval.service import BriefLens
from retrieval.settings import Settings
from retrieval.streaming import AnswerEvent, NoteEvent, SentenceEvent, TokenEvent

DEFAULT_MODELS = "extractive,smollm2,qwen2.5-coder-1.5b"


def answered_right(item: dict[str, Any], answer: Answer) -> bool:
    """An abstain item abstained; any other item answered with every expected keyword."""
    if item.get("kind") == "abstain":
        return answer.abstained
    return not answer.abstained and keyword_recall(item.get("keywords", []), answer.answer) == 1.0


def bare_ttft(lens: BriefLens, question: str) -> float:
    """Seconds to the first token of a plain streaming call with the same synthesis prompt (nan: no call)."""
    generator = lens.generator
    if not isinstance(generator, LLMGenerator) or generator.synthesis is None:
        return float("nan")
    plan = generator.synthesis.plan(question, generator.synthesis.select(question, lens.search(question)))
    if plan.evidence.abstained:
        return float("nan")
    client = openai.OpenAI(base_url=generator.client.config.base_url, api_key="x")
    messages: Any = generator.synthesis.messages(plan)
    start = time.perf_counter()
    stream = client.chat.completions.create(model="m", messages=messages, max_tokens=8, temperature=0.0, stream=True)
    first = float("nan")
    for chunk in stream:
        if first != first and chunk.choices and chunk.choices[0].delta.content:
            first = time.perf_counter() - start
    return first


def run_item(lens: BriefLens, item: dict[str, Any], overhead: bool) -> dict[str, Any]:
    """One question through `ask_stream`: correctness, the gate's counts, citations and time to first token."""
    start = time.perf_counter()
    first, written, fallback = float("nan"), 0, False
    removed: list[str] = []
    answer: Answer | None = None
    for event in lens.ask_stream(item["question"]):
        if isinstance(event, TokenEvent) and first != first:
            first = time.perf_counter() - start
        elif isinstance(event, NoteEvent):
            fallback = True  # what follows is the evidence shown instead, not model sentences
        elif isinstance(event, SentenceEvent) and not fallback and lens.generator.streams_tokens:
            written += 1
            if not event.kept:
                removed.append(event.sentence.text)
        elif isinstance(event, AnswerEvent):
            answer = event.answer
    total = time.perf_counter() - start
    assert answer is not None
    scored = score_answer(QuestionCase.model_validate(item), answer, lens.judge(), _fetch(lens))
    return {
        "id": item["id"],
        "kind": item.get("kind", ""),
        "right": answered_right(item, answer),
        "abstained": answer.abstained,
        "written": written,
        "removed": answer.removed_sentences,
        "shown": len(answer.sentences),
        "by": answer.generator,
        "validity": scored["citation_validity"],
        "precision": scored["citation_precision"],
        "ttft": first if lens.generator.streams_tokens else total,
        "total": total,
        "bare": bare_ttft(lens, item["question"]) if overhead else float("nan"),
        "answer": answer.answer,
        "notes": (*answer.notes, *(f"removed: {text}" for text in removed)),
    }


def _fetch(lens: BriefLens) -> Any:
    """The catalog's document by id, or an error naming it."""

    def fetch(doc_id: str) -> Any:
        doc = lens.index.catalog.document(doc_id)
        if doc is None:
            raise DocumentNotFound(doc_id)
        return doc

    return fetch


def run_model(name: str, data: Path, threads: int, items: list[dict[str, Any]], overhead: bool) -> list[dict[str, Any]]:
    """Every item through one back-end: `extractive`, or the local back-end with the named model."""
    values: dict[str, Any] = {"data_dir": data / "index", "local_cache_dir": ROOT / ".brieflens" / "models"}
    if name != "extractive":
        values.update(generator="local", local_model=name, local_threads=threads)
    lens = BriefLens(Settings(_env_file=None, **values))  # type: ignore[call-arg]
    try:
        lens.ingest([ROOT / "corpus"])
        lens.ask("warm up the models")  # loads the judge and fills the server's first slot
        rows = []
        for item in items:
            rows.append(run_item(lens, item, overhead))
            r = rows[-1]
            print(
                f"  {name} {r['id']}: right={r['right']} ttft={r['ttft']:.1f}s {r['answer'][:100]!r}", file=sys.stderr
            )
        return rows
    finally:
        lens.close()


def _num(value: float | None, digits: int = 2) -> str:
    """A number for the table; an en dash when undefined."""
    return "–" if value is None or value != value else f"{value:.{digits}f}"


def summary(name: str, rows: list[dict[str, Any]]) -> str:
    """One line of the comparison table."""
    called = [r for r in rows if r["ttft"] == r["ttft"] and not r["abstained"]]
    precision = [r["precision"] for r in rows if r["precision"] is not None]
    ttft = statistics.median(r["ttft"] for r in called) if called else None
    own = sum(r["right"] and not r["abstained"] and r["by"] != "extractive" for r in rows)
    right = f"{sum(r['right'] for r in rows)}/{len(rows)}" + (f" ({own} in its own words)" if own else "")
    return (
        f"| {name} | {right} | {sum(r['written'] for r in rows)} "
        f"| {sum(r['removed'] for r in rows)} | {sum(r['by'] != 'extractive' for r in rows if not r['abstained'])} "
        f"| {_num(statistics.fmean(precision) if precision else None)} | {_num(ttft, 1)} |"
    )


def print_tables(results: dict[str, list[dict[str, Any]]], questions: Path, threads: int) -> None:
    """The comparison table, then one row per question and back-end."""
    print(
        f"questions {questions.relative_to(ROOT) if questions.is_relative_to(ROOT) else questions}, "
        f"{threads} llama.cpp thread(s)\n"
    )
    print(
        "| back-end | answered right | sentences written | removed by the gate | answers by the model "
        "| citation precision | TTFT median (s) |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, rows in results.items():
        print(summary(name, rows))
    print("\n| back-end | id | kind | right | written | removed | shown | by | cit. precision | TTFT (s) | total (s) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name, rows in results.items():
        for r in rows:
            print(
                f"| {name} | {r['id']} | {r['kind']} | {'yes' if r['right'] else 'no'} | {r['written']} "
                f"| {r['removed']} | {r['shown']} | {r['by']} | {_num(r['precision'])} | {_num(r['ttft'], 1)} "
                f"| {_num(r['total'], 1)} |"
            )
    for name, rows in results.items():
        bare = [r["ttft"] - r["bare"] for r in rows if r["bare"] == r["bare"] and r["ttft"] == r["ttft"]]
        if bare:
            print(f"\n{name}: TTFT overhead over a bare call, median {1000 * statistics.median(bare):.0f} ms")
        for r in rows:
            for note in r["notes"]:
                print(f"note {name} {r['id']}: {note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=Path, default=ROOT / "tests" / "data" / "questions.jsonl")
    parser.add_argument("--models", default=DEFAULT_MODELS, help="comma-separated: extractive and local models")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--limit", type=int, default=0, help="only the first N questions")
    parser.add_argument("--split", default="", help="only the questions of this split (e.g. dev)")
    parser.add_argument("--overhead", action="store_true", help="also time a bare streaming call per question")
    args = parser.parse_args()
    items = [q for q in read_jsonl(args.questions) if not args.split or q.get("split") == args.split]
    items = items[: args.limit or None]
    data = Path(tempfile.mkdtemp(prefix="bench-gen-"))
    results = {name: run_model(name, data, args.threads, items, args.overhead) for name in args.models.split(",")}
    print_tables(results, args.questions.resolve(), args.threads)


if __name__ == "__main__":
    main()
