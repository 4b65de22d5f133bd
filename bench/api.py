"""HTTP API throughput and latency: /search and /ask over loopback vs the same calls in-process.

Ingests the seed corpus into a temp index, starts `brieflens serve` as a real process on a free
port, then for each client count runs a bounded number of requests per client (questions from
tests/data/questions.jsonl, in rotation) over HTTP, and the same calls on BriefLens in-process
from as many threads. Prints one table: requests/s, p50/p95 latency and errors.
Run: .venv/bin/python bench/api.py [--clients 1,4,8] [--requests 15]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.datasets import ROOT, read_jsonl
from retrieval.service import BriefLens
from retrieval.settings import Settings


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(clients: int, per_client: int, call: Callable[[int], bool]) -> tuple[float, list[float], int]:
    """(wall seconds, latencies, errors) of `clients` threads each making `per_client` calls."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()

    def worker(offset: int) -> None:
        nonlocal errors
        for i in range(per_client):
            started = time.perf_counter()
            ok = call(offset + i)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                errors += not ok

    threads = [threading.Thread(target=worker, args=(c * per_client,)) for c in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - started, latencies, errors


def _start_server(
    data: Path, corpus: Path, port: int, extra_env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """`brieflens serve` on the given index (with any extra BRIEFLENS_* settings), waiting until /health answers."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFLENS_")}
    env.update(PYTHONPATH=str(ROOT), BRIEFLENS_CORPUS_DIR=str(corpus), HF_HUB_OFFLINE="1", **(extra_env or {}))
    cmd = [
        sys.executable,
        "-c",
        "from app.cli import main; main()",
        "serve",
        "--port",
        str(port),
        "--data-dir",
        str(data),
    ]
    server = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("brieflens serve exited")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("brieflens serve did not come up")


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", default="1,4,8")
    parser.add_argument("--requests", type=int, default=15, help="requests per client")
    args = parser.parse_args()
    counts = [int(c) for c in args.clients.split(",")]
    questions = [q["question"] for q in read_jsonl(ROOT / "tests" / "data" / "questions.jsonl")]
    tmp = Path(tempfile.mkdtemp(prefix="bench-api-"))
    settings = Settings(_env_file=None, data_dir=tmp / "data", corpus_dir=ROOT / "corpus")
    lens = BriefLens(settings)
    lens.ingest()
    port = _free_port()
    server = _start_server(tmp / "data", ROOT / "corpus", port)
    rows = []
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as http:
            for endpoint, field in (("search", "query"), ("ask", "question")):
                method = getattr(lens, endpoint)

                def in_process(i: int, method: Callable[[str], object] = method) -> bool:
                    method(questions[i % len(questions)])
                    return True

                def over_http(i: int, endpoint: str = endpoint, field: str = field) -> bool:
                    r = http.post(f"/{endpoint}", json={field: questions[i % len(questions)]})
                    return r.status_code == 200

                _run(1, 3, in_process)  # warm both paths
                _run(1, 3, over_http)
                for n in counts:
                    for mode, call in (("in-process", in_process), ("HTTP", over_http)):
                        wall, lat, errors = _run(n, args.requests, call)
                        q = statistics.quantiles(lat, n=20)
                        rows.append((endpoint, mode, n, len(lat), len(lat) / wall, q[9] * 1e3, q[18] * 1e3, errors))
    finally:
        server.terminate()
        server.wait(30)
        lens.close()
    print("| endpoint | mode | clients | requests | req/s | p50 ms | p95 ms | errors |")
    print("|---|---|---|---|---|---|---|---|")
    for endpoint, mode, n, total, rps, p50, p95, errors in rows:
        print(f"| /{endpoint} | {mode} | {n} | {total} | {rps:.1f} | {p50:.0f} | {p95:.0f} | {errors} |")


if __name__ == "__main__":
    main()
