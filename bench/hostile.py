"""Ingest the generated hostile corpus (tests/hostile.py) and state what it costs.

Prints one table: for each file, what ingest did with it, the load time and the peak memory Python
allocated while loading it (tracemalloc); then the peak RSS and wall time of the real CLI
(`brieflens ingest --json`) over the whole corpus, and of the valid files alone for comparison.
Run: .venv/bin/python bench/hostile.py
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from retrieval.errors import LoadError
from retrieval.ingest.loaders import load_document
from tests.hostile import make_hostile_corpus, unlock

MAX_BYTES = 20 * 2**20  # the default BRIEFLENS_MAX_FILE_MB


def load_costs(root: Path, names: list[str], max_bytes: int = MAX_BYTES) -> list[tuple[str, str, float, float]]:
    """(file, outcome, seconds, peak MB allocated) of loading each file in-process."""
    rows = []
    for name in names:
        tracemalloc.start()
        began = time.perf_counter()
        try:
            load_document(root / name, name, max_bytes)
            outcome = "indexed"
        except LoadError as e:
            outcome = str(e).split(": ", 1)[1][:48]
        seconds = time.perf_counter() - began
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rows.append((name, outcome, seconds, peak / 2**20))
    return rows


def cli_ingest(root: Path, data: Path) -> tuple[float, float, dict[str, object]]:
    """Wall seconds, peak RSS (MB) and the JSON report of a real `brieflens ingest`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFLENS_")}
    out = data.parent / f"{data.name}.json"
    began = time.perf_counter()
    with out.open("w") as stdout:
        proc = subprocess.Popen(
            [str(Path(sys.executable).parent / "brieflens"), "ingest", str(root), "--data-dir", str(data), "--json"],
            env=env,
            stdout=stdout,
            stderr=subprocess.DEVNULL,
        )
        _, _, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - began, usage.ru_maxrss / 1024, json.loads(out.read_text())


def main() -> None:
    """Build the corpus in a temp dir, measure, print the tables."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "corpus"
        expect = make_hostile_corpus(root)
        valid_only = Path(tmp) / "valid"
        shutil.copytree(root / "valid", valid_only)
        print("| file | outcome | load s | peak alloc MB |")
        print("|---|---|---:|---:|")
        for name, outcome, seconds, peak in load_costs(root, sorted(expect)):
            print(f"| {name[:40]} | {outcome} | {seconds:.2f} | {peak:.1f} |")
        # What the size limit saves: the 50 MB file loaded (not embedded) with the limit raised.
        for name, outcome, seconds, peak in load_costs(root, ["big.txt"], 64 * 2**20):
            print(f"| {name} with a 64 MB limit | {outcome} (load only) | {seconds:.2f} | {peak:.1f} |")
        print()
        print("| `brieflens ingest` over | files | indexed | problems | wall s | peak RSS MB |")
        print("|---|---:|---:|---:|---:|---:|")
        for label, folder in (("valid briefs only", valid_only), ("the whole hostile corpus", root)):
            seconds, rss, report = cli_ingest(folder, Path(tmp) / f"data-{folder.name}")
            added, problems = report["added"], report["problems"]
            assert isinstance(added, list) and isinstance(problems, list)
            files = len(expect) if folder == root else len(added)
            print(f"| {label} | {files} | {len(added)} | {len(problems)} | {seconds:.1f} | {rss:.0f} |")
        unlock(root)


if __name__ == "__main__":
    main()
