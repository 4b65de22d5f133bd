"""The README's LangChain-through-MCP example, run as written (with `brieflens` on PATH running this checkout)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from retrieval.service import BriefLens
from tests.conftest import ROOT


def readme_code(section: str) -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", readme.split(section, 1)[1], re.S)
    assert code is not None
    return code.group(1)


def test_langchain_mcp_example_lists_and_calls_the_tools(lens: BriefLens, tmp_path: Path) -> None:
    # The example starts `brieflens mcp`: a shim on PATH runs this checkout's CLI, as the installed script would.
    shim = tmp_path / "bin" / "brieflens"
    shim.parent.mkdir()
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m app.cli "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    env = {**os.environ, "BRIEFLENS_DATA_DIR": str(lens.settings.data_dir), "PYTHONPATH": str(ROOT)}
    env.update(PATH=f"{shim.parent}{os.pathsep}{env.get('PATH', '')}", HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    env.update(ANONYMIZED_TELEMETRY="False", BRIEFLENS_GENERATOR="extractive")
    code = readme_code("### LangChain agents through MCP")
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    lines = run.stdout.splitlines()
    assert lines[0] == "['ask', 'check_faithfulness', 'list_briefs', 'search', 'summarize']"
    assert "950PR" in run.stdout and "References:" in run.stdout
    assert any(line.startswith("-> ") and "950PR" in line for line in lines)
