"""Run `brieflens serve` as a real process on a free port (for the scale-out test and bench/scaleout.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.chroma_server import free_port, stop

BRIEFLENS = Path(sys.executable).parent / "brieflens"


def clean_env(**values: str) -> dict[str, str]:
    """This process's environment without any BRIEFLENS_ setting, plus `values` (names without the prefix)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFLENS_")}
    env.update({f"BRIEFLENS_{k.upper()}": v for k, v in values.items()})
    return env


@contextmanager
def serve(cwd: Path, env: Mapping[str, str], timeout: float = 180.0) -> Iterator[str]:
    """`brieflens serve --data-dir data` in `cwd` (its corpus folder is `cwd/corpus`); yield its base URL once up."""
    cwd.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = cwd / f"serve-{port}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(BRIEFLENS), "serve", "--port", str(port), "--data-dir", "data"],
            cwd=cwd,
            env=dict(env),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"brieflens serve exited: {log.read_text(errors='replace')[-2000:]}")
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"brieflens serve did not come up within {timeout:.0f} s")
            time.sleep(0.3)
        yield base
    finally:
        stop(proc)
