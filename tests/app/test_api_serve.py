"""`brieflens serve` as a real process on a free port, spoken to over HTTP."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_serve_over_http(tmp_path: Path, corpus_copy: Path) -> None:
    exe = Path(sys.executable).parent / "brieflens"
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFLENS_")}
    env["BRIEFLENS_API_KEY"] = "k-123"
    server = subprocess.Popen(
        [str(exe), "serve", "--port", str(port), "--data-dir", "d"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, server.stdout.read() if server.stdout else ""
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not come up"
            time.sleep(0.3)
        key = {"X-API-Key": "k-123"}
        assert httpx.post(f"{base}/ingest", json={}, timeout=120).status_code == 401
        ingest = httpx.post(f"{base}/ingest", json={}, headers=key, timeout=120).json()
        assert len(ingest["added"]) == 2 and ingest["added"][0].startswith("corpus/")
        question = "Which Huawei chips achieved day-zero compatibility with DeepSeek V4?"
        answer = httpx.post(f"{base}/ask", json={"question": question}, headers=key, timeout=60).json()
        c = answer["sentences"][0]["citations"][0]
        assert (tmp_path / c["source"]).read_text(encoding="utf-8")[c["start"] : c["end"]] == c["quote"]
        assert "server" not in httpx.get(f"{base}/health").headers  # no version banner
    finally:
        server.terminate()
        server.wait(30)
    # uvicorn shuts down cleanly on SIGTERM, then re-raises the signal it caught.
    assert server.returncode in (0, -signal.SIGTERM)
    printed = server.stdout.read() if server.stdout else ""
    assert printed.startswith(f"BriefLens API: {base}  (docs at /docs; API key required (X-API-Key)")
