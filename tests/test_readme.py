"""The README's examples produce what they show, run against the bundled corpus: the HTTP API walk-through
(each curl command, in order, through the real app) and every Python snippet (as a script of its own)."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from retrieval.index.embedding import SentenceTransformerEmbedder
from retrieval.service import BriefLens
from retrieval.settings import Settings
from tests.app.api_helpers import api_client, sse_events
from tests.conftest import CORPUS, ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
ABSTAIN = "The corpus does not say."


def section(title: str) -> str:
    """The README's text under one `## ` heading."""
    return README.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def shell_lines(block: str) -> list[str]:
    """The commands of a bash block: continuation lines joined, comments after the command dropped."""
    joined = re.sub(r"\\\n\s*", " ", block)
    return [line for line in joined.splitlines() if line.strip()]


def curl_commands() -> list[list[str]]:
    """The API walk-through's commands as argument lists (shell comments removed)."""
    block = re.search(r"```bash\n(.*?)```", section("HTTP API"), re.S)
    assert block is not None
    return [shlex.split(line, comments=True) for line in shell_lines(block.group(1))]


def request_of(argv: list[str]) -> tuple[str, str, dict[str, Any]]:
    """(method, path, httpx keyword arguments) of one curl command line."""
    method, url, kwargs = "GET", "", {}
    args = iter(argv[1:])
    for arg in args:
        if arg == "-X":
            method = next(args)
        elif arg == "-d":
            kwargs["content"] = next(args).encode()
            method = "POST" if method == "GET" else method
        elif arg == "-F":
            name, _, path = next(args).partition("=@")
            kwargs["files"] = [(name, (path, Path(path).read_bytes(), "text/markdown"))]
        elif arg == "-H":
            key, _, value = next(args).partition(": ")
            if key.lower() != "x-api-key":
                kwargs.setdefault("headers", {})[key] = value
        elif arg.startswith("localhost:"):
            url = arg.removeprefix("localhost:8000")
    return method, url, kwargs


@pytest.fixture
def served(
    tmp_path: Path, embedder: SentenceTransformerEmbedder, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TestClient]:
    """The app as the walk-through starts it: a key, and the bundled corpus (a copy) as its corpus folder."""
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    monkeypatch.chdir(tmp_path)
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, data_dir=tmp_path / "data", corpus_dir=corpus, api_key="change-me"
    )
    with api_client(settings, embedder, ingest=False) as client:
        client.headers["X-API-Key"] = "change-me"
        yield client


def check(method: str, path: str, comment: str, response: Any) -> None:
    """What each command shows: a 200, an answer rather than an abstention, results, the named download."""
    assert response.status_code == 200, (method, path, response.text[:500])
    kind = response.headers["content-type"]
    if kind.startswith("text/event-stream"):
        answer = dict(sse_events(response.text))["answer"]
        answer = answer["answer"] if "conversation_id" in answer else answer  # /chat wraps the answer
        assert answer["answer"] != ABSTAIN, (path, answer["answer"])
        return
    if "saves " in comment:
        assert comment.split("saves ", 1)[1].split()[0] in response.headers["content-disposition"]
        return
    body = response.json()
    if path in ("/ask", "/chat"):
        answer = body["answer"] if path == "/chat" else body
        assert answer["answer"] != ABSTAIN, (path, answer)
    if path == "/search":
        assert body and any("Ascend" in r["text"] for r in body), body
    if path == "/ingest":
        assert body["ok"] and (body["added"] or body["stored"])
    if path == "/evaluate":
        assert body["items"][0]["faithful"], body


def test_api_walk_through_shows_what_it_says(served: TestClient) -> None:
    block = re.search(r"```bash\n(.*?)```", section("HTTP API"), re.S)
    assert block is not None
    ran = 0
    for line in shell_lines(block.group(1)):
        argv = shlex.split(line, comments=True)
        comment = line.split("#", 1)[1] if "#" in line else ""
        if argv[0] == "printf":  # writes the note the next command uploads
            Path(argv[-1]).write_text(argv[1].encode().decode("unicode_escape").replace("%%", "%"), encoding="utf-8")
        if argv[0] != "curl":
            continue
        method, path, kwargs = request_of(argv)
        check(method, path, comment, served.request(method, path, **kwargs))
        ran += 1
    assert ran >= 15
    assert not (Path("corpus") / "note.md").exists()  # the last command deleted the uploaded brief


@pytest.fixture(scope="module")
def readme_index(tmp_path_factory: pytest.TempPathFactory, embedder: SentenceTransformerEmbedder) -> Path:
    """`brieflens ingest corpus` run from the repository root: the index the snippets open with Settings()."""
    data = tmp_path_factory.mktemp("readme") / "data"
    lens = BriefLens(Settings(_env_file=None, data_dir=data, corpus_dir=CORPUS), embedder)  # type: ignore[call-arg]
    lens.ingest([CORPUS])
    lens.close()
    return data


SNIPPETS = [block for block in re.findall(r"```python\n(.*?)```", README, re.S) if "BriefLens(Settings())" in block]


@pytest.mark.parametrize("code", SNIPPETS, ids=lambda c: c.split("\n", 1)[0][:40])
def test_python_snippets_run_as_written_and_answer(code: str, readme_index: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFLENS_")}
    env.update(BRIEFLENS_DATA_DIR=str(readme_index), PYTHONPATH=str(ROOT), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    env["ANONYMIZED_TELEMETRY"] = "False"
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip() and ABSTAIN not in run.stdout, run.stdout


def test_every_python_snippet_that_opens_an_index_is_tested() -> None:
    assert len(SNIPPETS) >= 2
    assert json.dumps(SNIPPETS)  # plain text, nothing elided
    assert all("…" not in code for code in SNIPPETS)
