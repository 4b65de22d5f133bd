"""`brieflens ask` keeps its cold start small: torch, sentence-transformers and openai are never imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from retrieval.service import BriefLens
from tests.conftest import ROOT

# Each costs 0.8-25 s of CPU at start-up; none is needed to answer extractively from an existing index.
HEAVY = ("torch", "sentence_transformers", "transformers", "openai")


def test_ask_never_imports_torch_or_openai(lens: BriefLens) -> None:
    loaded = f"[m for m in {HEAVY!r} if m in sys.modules]"
    code = (
        "import atexit, json, sys; "
        f"atexit.register(lambda: sys.stderr.write('\\nMODULES ' + json.dumps({loaded}))); "
        "from app.cli import main; sys.argv[0] = 'brieflens'; main()"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BRIEFLENS_GENERATOR": "extractive"}
    env.pop("BRIEFLENS_EMBEDDER", None)
    args = ["ask", "What did the brief say about export controls?", "--data-dir", str(lens.settings.data_dir), "--json"]
    done = subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, check=True)
    assert json.loads(done.stdout)["contexts"]  # it really answered from the index
    assert json.loads(done.stderr.rsplit("MODULES ", 1)[1]) == []
