"""Query latency at 1k / 10k / 100k chunks: in-process and through the CLI, cold starts apart.

The index is grown as in bench/scaling.py (real articles, then padding chunks with mixed real
vectors). For each size, one table row per way of calling, milliseconds over 6 questions:
  in-process   `BriefLens.search` / `.ask`, three rounds, model and index loaded;
  CLI warm     one `brieflens search --batch` / `brieflens chat --json` process answering the
               questions three times over: time between successive output lines (no start-up);
  CLI cold     one `brieflens search` / `brieflens ask` process per question, wall time: the cold
               start a user waits for (imports, opening the index, loading the model, the query).
Peak RSS: this process (in-process rows) and the largest CLI process (CLI rows).
Run: .venv/bin/python bench/query.py [--sizes 1000,10000,100000]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import itertools

from bench.datasets import ROOT
from bench.scaling import QUERIES, articles, grow, timed
from retrieval.service import BriefLens
from retrieval.settings import Settings

# The CLI, reporting its own peak RSS at exit (VmHWM: a forked child's maxrss counts the parent's pages).
CLI = [
    sys.executable,
    "-c",
    "import atexit, sys; atexit.register(lambda: sys.stderr.write("
    "[x for x in open('/proc/self/status') if x.startswith('VmHWM')][0])); "
    "from app.cli import main; sys.argv[0] = 'brieflens'; main()",
]
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1", "HF_HUB_OFFLINE": "1"}


def stats(times: list[float]) -> tuple[float, float]:
    """Median and p95 of milliseconds."""
    times = sorted(times)
    return statistics.median(times), times[int(0.95 * (len(times) - 1))]


def cli_warm(args: list[str], stdin: str) -> list[float]:
    """Milliseconds between successive output lines of one CLI process (the first line is start-up)."""
    proc = subprocess.Popen(
        CLI + args, env=ENV, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    assert proc.stdin and proc.stdout
    proc.stdin.write(stdin)
    proc.stdin.close()
    stamps = [time.perf_counter() for _ in iter(proc.stdout.readline, "")]
    proc.wait()
    return [(b - a) * 1000 for a, b in itertools.pairwise(stamps)]


def cli_cold(command: str, data: Path, rss: list[float]) -> list[float]:
    """Wall milliseconds of one CLI process per question; appends each process's peak RSS (MB) to `rss`."""
    times = []
    for q in QUERIES:
        start = time.perf_counter()
        done = subprocess.run(
            [*CLI, command, q, "--data-dir", str(data), "--json"], env=ENV, capture_output=True, text=True, check=True
        )
        times.append((time.perf_counter() - start) * 1000)
        rss.append(int(done.stderr.rsplit("VmHWM:", 1)[1].split()[0]) / 1024)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description="Query latency in-process and through the CLI.")
    parser.add_argument("--sizes", default="1000,10000,100000")
    args = parser.parse_args()
    texts = articles()
    if not texts:
        print("skipped: ../shared is absent")
        return 0
    rng = np.random.default_rng(3)
    cols = ("search med", "search p95", "ask med", "ask p95", "peak RSS MB")
    print(f"{'chunks':>8} {'real':>7} {'how':<11} " + " ".join(f"{c:>11}" for c in cols))
    with tempfile.TemporaryDirectory() as tmp:
        folder, data = Path(tmp) / "articles", Path(tmp) / "data"
        folder.mkdir()
        lens = BriefLens(Settings(data_dir=data))
        lens.ingest([ROOT / "corpus"])
        written = 0
        for target in [int(s) for s in args.sizes.split(",")]:
            written, real = grow(lens, folder, texts, written, target, rng)
            rows = {"in-process": (*timed(lambda q: lens.search(q, 5), QUERIES), *timed(lens.ask, QUERIES))}
            rows["in-process"] += (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,)
            batch = Path(tmp) / "batch.jsonl"
            batch.write_text("".join(json.dumps({"id": str(i), "query": q}) + "\n" for i, q in enumerate(QUERIES * 3)))
            search_warm = cli_warm(["search", "--batch", str(batch), "--data-dir", str(data), "--json"], "")
            ask_warm = cli_warm(["chat", "--data-dir", str(data), "--json"], "\n".join(QUERIES * 3) + "\n")
            rows["CLI warm"] = (*stats(search_warm), *stats(ask_warm), float("nan"))
            rss: list[float] = []
            rows["CLI cold"] = (*stats(cli_cold("search", data, rss)), *stats(cli_cold("ask", data, rss)), max(rss))
            for how, row in rows.items():
                cells = " ".join(f"{v:>11.1f}" for v in row)
                print(f"{lens.index.store.count():>8} {real:>7} {how:<11} {cells}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
