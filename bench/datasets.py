"""Readers for the public development sets in ../shared (benchmarks skip cleanly without them)."""

from __future__ import annotations

import json
import re
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def shared_path(*parts: str) -> Path | None:
    """A path under ../shared, or None when it is absent (the benchmark then skips)."""
    path = SHARED.joinpath(*parts)
    return path if path.exists() else None


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Read a JSON-lines file."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def cached_features(path: Path, label: str, items: list[Any], compute: Callable[[Any], Any]) -> list[Any]:
    """`compute` of every item, read from the JSON file `path` when there, else computed, timed and written there."""
    if path.exists():
        return list(json.loads(path.read_text()))
    started = time.time()
    out = [compute(item) for item in items]
    print(f"{label}: {len(items)} items in {time.time() - started:.0f} s", file=sys.stderr)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out))
    return out


def print_table(columns: list[str], rows: list[list[Any]], digits: int = 3) -> None:
    """Print a Markdown table; floats with `digits` decimals, everything else as it is."""
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for row in rows:
        print("| " + " | ".join(f"{v:.{digits}f}" if isinstance(v, float) else str(v) for v in row) + " |")


def multihop_corpus(out: Path) -> list[dict[str, Any]]:
    """Write MultiHop-RAG evidence facts grouped by article title as .md briefs; return the queries."""
    base = shared_path("datasets", "multihop_rag_500")
    if base is None:
        return []
    truth = json.loads((base / "ground_truth.json").read_text())
    queries = json.loads((base / "queries.json").read_text())["queries"]
    articles: dict[str, dict[str, Any]] = defaultdict(lambda: {"facts": []})
    for item in truth.values():
        for ev in item["evidence_list"]:
            art = articles[ev["title"]]
            art.update(source=ev["source"], date=ev["published_at"][:10], url=ev["url"])
            if ev["fact"] not in art["facts"]:
                art["facts"].append(ev["fact"])
    out.mkdir(parents=True, exist_ok=True)
    for i, (title, art) in enumerate(sorted(articles.items())):
        slug = re.sub(r"[^a-z0-9]+", "-", title.lower())[:60].strip("-")
        front = f"---\ntitle: {json.dumps(title)}\ndate: {art['date']}\nsource: {json.dumps(art['source'])}\n---\n"
        body = f"# {title}\n\n" + "\n\n".join(art["facts"]) + "\n"
        (out / f"{i:04d}-{slug}.md").write_text(front + body, encoding="utf-8")
    for q in queries:
        q["answer"] = truth[q["id"]]["answer"]
        q["evidence"] = truth[q["id"]]["evidence_list"]
    return list(queries)
