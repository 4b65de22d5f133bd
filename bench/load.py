"""Load test of `brieflens serve`: many concurrent clients asking /ask over loopback for a fixed time.

Ingests the seed corpus into a temp data dir, starts `brieflens serve` (extractive back-end) as a
subprocess on a free 127.0.0.1 port, then runs `--clients` threads, each with its own keep-alive
httpx client, posting questions of tests/data/questions.jsonl in rotation to /ask for `--seconds`
(requests in flight at the deadline finish and count). Prints one table: throughput, p50/p95/max
latency, errors, the server's peak RSS and the load average. Loopback only, bounded in time.
Run: .venv/bin/python bench/load.py [--clients 20] [--seconds 30]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.api import _free_port, _start_server
from bench.datasets import ROOT, read_jsonl
from retrieval.service import BriefLens
from retrieval.settings import Settings

# A request slower than this is an error (and bounds the run): far beyond any latency worth reporting.
REQUEST_TIMEOUT = 60.0


@dataclass
class Tally:
    """Latencies and errors gathered by the client threads."""

    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, elapsed: float, error: str | None) -> None:
        """Record one request."""
        with self.lock:
            self.latencies.append(elapsed)
            if error:
                self.errors[error] = self.errors.get(error, 0) + 1


def peak_rss_mb(pid: int) -> float:
    """The process's resident-set high-water mark (VmHWM) in MiB; 0 when /proc is unavailable."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def client(base: str, questions: list[str], offset: int, deadline: float, tally: Tally) -> None:
    """One client: ask in a closed loop (next question once the answer arrives) until the deadline."""
    with httpx.Client(base_url=base, timeout=REQUEST_TIMEOUT) as http:
        i = offset
        while time.monotonic() < deadline:
            started = time.perf_counter()
            error: str | None = None
            try:
                r = http.post("/ask", json={"question": questions[i % len(questions)]})
                if r.status_code != 200 or "answer" not in r.json():
                    error = f"HTTP {r.status_code}"
            except httpx.HTTPError as e:
                error = type(e).__name__
            tally.add(time.perf_counter() - started, error)
            i += 1


def run_load(base: str, questions: list[str], clients: int, seconds: float) -> tuple[float, Tally]:
    """(wall seconds, tally) of `clients` threads asking for `seconds`."""
    tally = Tally()
    deadline = time.monotonic() + seconds
    threads = [
        threading.Thread(target=client, args=(base, questions, c, deadline, tally), daemon=True) for c in range(clients)
    ]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - started, tally


def serve_and_load(
    data: Path, questions: list[str], clients: int, seconds: float, cache: int
) -> tuple[float, Tally, float, float, float]:
    """(wall, tally, load before, load after, server peak RSS) of one server with the given sentence cache."""
    port = _free_port()
    server = _start_server(data, ROOT / "corpus", port, {"BRIEFLENS_SENTENCE_CACHE_SIZE": str(cache)})
    base = f"http://127.0.0.1:{port}"
    try:
        run_load(base, questions, 1, 2)  # warm up: first calls load the tokenizer and weights
        load_before = os.getloadavg()[0]
        wall, tally = run_load(base, questions, clients, seconds)
        load_after = os.getloadavg()[0]
        rss = peak_rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(30)
    return wall, tally, load_before, load_after, rss


def main() -> None:
    """Ingest, serve, load, print the table (one row per sentence-cache size, all in this run)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument(
        "--cache-sizes", default="0,20000", help="BRIEFLENS_SENTENCE_CACHE_SIZE values to compare (0 = off)"
    )
    args = parser.parse_args()
    if not (1 <= args.clients <= 200 and 1 <= args.seconds <= 600):
        parser.error("--clients must be 1..200 and --seconds 1..600 (a bounded, loopback-only load)")
    caches = [int(x) for x in args.cache_sizes.split(",")]
    questions = [q["question"] for q in read_jsonl(ROOT / "tests" / "data" / "questions.jsonl")]
    print(f"/ask, {args.clients} clients, {args.seconds:.0f} s each, {os.cpu_count()} CPUs")
    print("| sentence cache | clients | seconds | requests | req/s | p50 ms | p95 ms | max ms | errors "
          "| server peak RSS MiB | load avg before/after |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        data = Path(tmp) / "data"
        lens = BriefLens(Settings(_env_file=None, data_dir=data, corpus_dir=ROOT / "corpus"))  # type: ignore[call-arg]
        lens.ingest()
        lens.close()
        for cache in caches:
            wall, tally, before, after, rss = serve_and_load(data, questions, args.clients, args.seconds, cache)
            lat = sorted(tally.latencies)
            p50 = statistics.median(lat)
            p95 = lat[min(len(lat) - 1, int(0.95 * len(lat)))]
            errors = sum(tally.errors.values())
            print(
                f"| {cache or 'off'} | {args.clients} | {wall:.1f} | {len(lat)} | {len(lat) / wall:.2f} "
                f"| {p50 * 1e3:.0f} | {p95 * 1e3:.0f} | {lat[-1] * 1e3:.0f} | {errors} | {rss:.0f} "
                f"| {before:.1f} / {after:.1f} |",
                flush=True,
            )
            if tally.errors:
                print("errors:", tally.errors)


if __name__ == "__main__":
    main()
