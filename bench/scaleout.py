"""Scale-out benchmark: 1, 2 and 4 `brieflens serve` processes on one PostgreSQL catalog + one Chroma server.

Each server gets 10 concurrent clients (threads with keep-alive connections) asking the dev questions in
turn for a fixed time; the table gives requests/s over all servers and the p50/p95 latency of a request.
A row with one embedded server (SQLite + local Chroma, today's default) is the reference. Everything runs
on this machine: servers, PostgreSQL, Chroma and the clients share its cores (see bench/README.md).
Run: .venv/bin/python bench/scaleout.py [--servers 1,2,4] [--clients 10] [--seconds 20] [--endpoint ask] [--threads 1]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import threading
import time
import uuid
from contextlib import ExitStack
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.chroma_server import chroma_server
from tests.conftest import CORPUS, ROOT, read_jsonl
from tests.pg_server import postgres_server
from tests.serve_process import clean_env, serve

QUESTIONS = [q["question"] for q in read_jsonl(ROOT / "tests" / "data" / "questions.jsonl")]


def _client(base: str, endpoint: str, stop_at: float, offset: int, latencies: list[float], errors: list[str]) -> None:
    """One client: ask question after question of one server until `stop_at`, recording each latency."""
    n = offset
    with httpx.Client(base_url=base, timeout=120) as http:
        while time.monotonic() < stop_at:
            body = {"question": QUESTIONS[n % len(QUESTIONS)]} if endpoint == "ask" else {}
            if endpoint == "search":
                body = {"query": QUESTIONS[n % len(QUESTIONS)], "k": 5}
            start = time.perf_counter()
            response = http.post(f"/{endpoint}", json=body)
            elapsed = time.perf_counter() - start
            if response.status_code != 200:
                errors.append(f"{response.status_code}: {response.text[:200]}")
            latencies.append(elapsed)
            n += 1


def load(bases: list[str], clients: int, seconds: float, endpoint: str) -> dict[str, float]:
    """Run `clients` clients per server for `seconds`; requests/s over all servers and latency percentiles."""
    for base in bases:  # warm each server (first request loads lazily built state)
        httpx.post(f"{base}/{endpoint}", json={"question": QUESTIONS[0], "query": QUESTIONS[0]}, timeout=120)
    latencies: list[float] = []
    errors: list[str] = []
    stop_at = time.monotonic() + seconds
    threads = [
        threading.Thread(target=_client, args=(base, endpoint, stop_at, i * 7 + j, latencies, errors))
        for i, base in enumerate(bases)
        for j in range(clients)
    ]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - start
    if errors:
        raise RuntimeError(f"{len(errors)} failed requests, first: {errors[0]}")
    ms = sorted(x * 1000 for x in latencies)
    return {
        "requests": len(ms),
        "req/s": len(ms) / wall,
        "p50 ms": statistics.median(ms),
        "p95 ms": ms[min(len(ms) - 1, int(0.95 * len(ms)))],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description="Requests/s and p95 of 1, 2, 4 API servers on one catalog.")
    parser.add_argument("--servers", default="1,2,4", help="server counts to measure (comma-separated)")
    parser.add_argument("--clients", type=int, default=10, help="concurrent clients per server")
    parser.add_argument("--seconds", type=float, default=20.0, help="load time per row")
    parser.add_argument("--endpoint", choices=["ask", "search"], default="ask")
    parser.add_argument(
        "--threads",
        default="1",
        help="torch and BLAS threads of each server: servers sharing cores must not each spin a pool over all of them",
    )
    args = parser.parse_args()
    counts = [int(n) for n in args.servers.split(",")]
    # Measured here: with BLAS's default pool (one spinning thread per core) in each server, two servers
    # on 2 busy cores answered /ask at 12.7 req/s and p95 9.7 s, against 29.9 req/s for one.
    pools = {name: args.threads for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
    print(f"{'setup':<34} {'servers':>7} {'clients':>7} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8}")
    with tempfile.TemporaryDirectory() as tmp_name, ExitStack() as stack:
        tmp = Path(tmp_name)

        def row(setup: str, bases: list[str]) -> None:
            r = load(bases, args.clients, args.seconds, args.endpoint)
            print(
                f"{setup:<34} {len(bases):>7} {args.clients * len(bases):>7} {r['requests']:>8.0f} "
                f"{r['req/s']:>7.1f} {r['p50 ms']:>8.1f} {r['p95 ms']:>8.1f}",
                flush=True,
            )

        # The reference: one embedded server (SQLite catalog, Chroma on disk).
        embedded = tmp / "embedded"
        shutil.copytree(CORPUS, embedded / "corpus")
        with serve(embedded, clean_env(embed_threads=args.threads) | pools) as base:
            httpx.post(f"{base}/ingest", json={}, timeout=600).raise_for_status()
            row("embedded (SQLite + local Chroma)", [base])
        pg_url = stack.enter_context(postgres_server())
        chroma_url = stack.enter_context(chroma_server(tmp / "chroma")).url
        collection = f"bench{uuid.uuid4().hex[:8]}"
        env = clean_env(catalog_url=pg_url, chroma_url=chroma_url, collection=collection, embed_threads=args.threads)
        env |= pools
        shutil.copytree(CORPUS, tmp / "server-0" / "corpus")  # the first server ingests its corpus folder
        for n in counts:
            with ExitStack() as servers:
                bases = [servers.enter_context(serve(tmp / f"server-{i}", env)) for i in range(n)]
                if n == counts[0]:
                    httpx.post(f"{bases[0]}/ingest", json={}, timeout=600).raise_for_status()
                row("PostgreSQL + Chroma server", bases)
    return 0


if __name__ == "__main__":
    sys.exit(main())
