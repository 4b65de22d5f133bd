"""`brieflens ask` keeps its cold start small: torch, sentence-transformers, openai and chromadb are never imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from retrieval.service import BriefLens
from tests.conftest import ROOT

# Each costs 0.5-25 s of CPU at start-up; none is needed to answer extractively from a small existing index
# (its vectors are searched exactly from the manifest; Chroma opens only above BRIEFLENS_EXACT_SEARCH_MAX_CHUNKS).
HEAVY = ("torch", "sentence_transformers", "transformers", "openai", "chromadb")


def test_ask_never_imports_torch_openai_or_chromadb(lens: BriefLens) -> None:
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
