"""Generation benchmark: the dev questions answered through a local llama.cpp server, and our streaming overhead.

Per question (tests/data/questions.jsonl over corpus/): sentences the model wrote, kept and removed by
the faithfulness gate (in flag mode the removed ones would be shown flagged), citations dropped as pointing
at sources not given, and citation validity (every shown quote verbatim at its offsets; must be 100%).
Time to first token: our chain (`BriefLens.ask_stream`, from the call to the first token event, so with
retrieval and the abstention check) and the generator alone (from `generator.stream`), each minus a bare
`openai` streaming call with the same messages to the same server. The prompt is sent once first so every
timed call hits llama.cpp's prompt cache alike; abstained items never call the model and are left out.
Run: .venv/bin/python bench/generation.py [--model smollm2|qwen2.5-coder-1.5b|PATH.gguf] [--threads 1]
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
from retrieval.generation.llm import LLMGenerator
from retrieval.generation.local import LocalServer, resolve_model
from retrieval.service import BriefLens
from retrieval.settings import Settings
from retrieval.streaming import AnswerEvent, SentenceEvent, TokenEvent


def bare_ttft(client: openai.OpenAI, messages: list[dict[str, str]], max_tokens: int) -> float:
    """Seconds from the request to the first content delta of a plain streaming call."""
    start = time.perf_counter()
    stream = client.chat.completions.create(
        model="local-model",
        messages=messages,
        temperature=0.0,
        max_tokens=max_tokens,
        stream=True,  # type: ignore[arg-type]
    )
    first = float("nan")
    for chunk in stream:
        if first != first and getattr(chunk, "choices", None) and chunk.choices[0].delta.content:
            first = time.perf_counter() - start
    return first


def run_item(lens: BriefLens, client: openai.OpenAI, item: dict[str, Any]) -> dict[str, Any]:
    """One question: gate counts, citation validity and the three first-token times."""
    generator = lens.generator
    assert isinstance(generator, LLMGenerator)
    question = item["question"]
    hits = lens.search(question)
    messages = generator.messages(question, hits)
    bare_ttft(client, messages, lens.settings.llm_max_tokens)  # fills the prompt cache, as for every later call
    bare = bare_ttft(client, messages, lens.settings.llm_max_tokens)
    start = time.perf_counter()
    chain = float("nan")
    sentences = 0
    answer = None
    for event in lens.ask_stream(question):
        if isinstance(event, TokenEvent) and chain != chain:
            chain = time.perf_counter() - start
        elif isinstance(event, SentenceEvent):
            sentences += 1
        elif isinstance(event, AnswerEvent):
            answer = event.answer
    assert answer is not None
    start = time.perf_counter()
    gen_only = float("nan")
    for event in generator.stream(question, hits):
        if isinstance(event, TokenEvent):
            gen_only = time.perf_counter() - start
            break
    cites = answer.citations
    valid = 0
    for c in cites:
        doc = lens.index.catalog.document(c.doc_id)
        valid += doc is not None and doc.text[c.start : c.end] == c.quote
    return {
        "id": item["id"],
        "kind": item["kind"],
        "written": sentences,
        "kept": len(answer.sentences),
        "removed": answer.removed_sentences,
        "dropped": answer.dropped_citations,
        "abstained": answer.abstained,
        "citations": len(cites),
        "valid": valid,
        "bare": bare,
        "chain": chain,
        "gen_only": gen_only,
        "notes": answer.notes,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="smollm2")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="bench-gen-"))
    server = LocalServer(resolve_model(args.model, data / "models"), threads=args.threads)
    try:
        settings = Settings(_env_file=None, data_dir=data, generator="openai", llm_base_url=server.base_url)  # type: ignore[call-arg]
        lens = BriefLens(settings)
        lens.ingest([ROOT / "corpus"])
        client = openai.OpenAI(base_url=server.base_url, api_key="x")
        lens.ask("warm up the models")  # loads the judge's caches and the server's first slot
        rows = [run_item(lens, client, item) for item in read_jsonl(ROOT / "tests" / "data" / "questions.jsonl")]
        lens.close()
    finally:
        server.stop()
    print(f"model {args.model}, {args.threads} thread(s)\n")
    print("| id | kind | written | kept | removed | dropped cites | abstained | citations valid |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        validity = f"{r['valid']}/{r['citations']}" if r["citations"] else "–"
        print(
            f"| {r['id']} | {r['kind']} | {r['written']} | {r['kept']} | {r['removed']} | {r['dropped']} "
            f"| {'yes' if r['abstained'] else 'no'} | {validity} |"
        )
    total, valid = sum(r["citations"] for r in rows), sum(r["valid"] for r in rows)
    print(f"\ncitation validity: {valid}/{total} = {100 * valid / max(1, total):.1f}%")
    timed = [r for r in rows if r["chain"] == r["chain"] and r["bare"] == r["bare"]]
    if timed:
        ms = {k: statistics.median(1000 * r[k] for r in timed) for k in ("bare", "chain", "gen_only")}
        over = statistics.median(1000 * (r["chain"] - r["bare"]) for r in timed)
        gen_over = statistics.median(1000 * (r["gen_only"] - r["bare"]) for r in timed)
        print(
            f"TTFT median, {len(timed)} items calling the model: bare {ms['bare']:.0f} ms, chain {ms['chain']:.0f} ms,"
        )
        print(
            f"  generator only {ms['gen_only']:.0f} ms; overhead chain−bare {over:.0f} ms, gen−bare {gen_over:.0f} ms"
        )
    for r in rows:
        for note in r["notes"]:
            print(f"note {r['id']}: {note}")


if __name__ == "__main__":
    main()
