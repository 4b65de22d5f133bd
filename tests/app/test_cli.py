"""The CLI contract: ingest summary, search/ask JSON shapes, batch search, errors and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from app.cli import app
from retrieval.index.embedding import SentenceTransformerEmbedder

SEARCH_KEYS = {"rank", "chunk_id", "doc_id", "source", "title", "section", "score", "text", "start", "end"}
ASK_KEYS = {"question", "answer", "abstained", "sentences", "contexts"}
CITE_KEYS = {"doc_id", "source", "title", "quote", "start", "end", "chunk_id"}
CONTEXT_KEYS = {"chunk_id", "doc_id", "source", "score", "text", "start", "end"}


@pytest.fixture
def runner(embedder: SentenceTransformerEmbedder) -> CliRunner:
    """A CLI runner; the session's model is already loaded, so commands start fast in-process."""
    embedder.count_tokens(["warm"])
    return CliRunner()


@pytest.fixture
def data(runner: CliRunner, tmp_path: Path, corpus_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data dir with the corpus copy ingested through the CLI (run from the temp dir)."""
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["ingest", "corpus", "--data-dir", "idx"])
    assert result.exit_code == 0, result.output
    return tmp_path / "idx"


def run_json(runner: CliRunner, *args: str) -> Any:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_ingest_summary_and_idempotence(runner: CliRunner, data: Path) -> None:
    again = runner.invoke(app, ["ingest", "corpus", "--data-dir", str(data)])
    assert again.exit_code == 0
    assert "embedded 0 chunks" in again.stderr and "2 unchanged" in again.stderr
    report = run_json(runner, "ingest", "corpus", "--data-dir", str(data), "--json")
    assert report["chunks_embedded"] == 0 and len(report["unchanged"]) == 2 and report["ok"]


def test_search_json_contract(runner: CliRunner, data: Path) -> None:
    results = run_json(runner, "search", "Huawei Ascend chips", "-k", "3", "--json", "--data-dir", str(data))
    assert [r["rank"] for r in results] == [1, 2, 3]
    for r in results:
        assert r.keys() >= SEARCH_KEYS
        text = Path(r["source"]).read_text(encoding="utf-8")
        assert text[r["start"] : r["end"]] == r["text"]
    assert r["source"].startswith("corpus/")
    assert any("950PR" in r["text"] for r in results)


def test_search_batch(runner: CliRunner, data: Path, tmp_path: Path) -> None:
    batch = tmp_path / "q.jsonl"
    batch.write_text('{"id": "a", "query": "State Grid robots"}\n\n{"id": 7, "query": "Saudi investment"}\n')
    result = runner.invoke(app, ["search", "--batch", str(batch), "--json", "-k", "2", "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["id"] for line in lines] == ["a", "7"]
    assert all(len(line["results"]) == 2 and line["results"][0].keys() >= SEARCH_KEYS for line in lines)


def test_search_batch_answers_good_lines_and_reports_each_bad_one(
    runner: CliRunner, data: Path, tmp_path: Path
) -> None:
    batch = tmp_path / "bad.jsonl"
    batch.write_text(
        '{"id": "a", "query": "State Grid robots"}\n'
        "not json\n"
        '{"id": "b", "query": "   "}\n'
        '{"id": "c"}\n'
        f'{{"id": "d", "query": "{"x" * 2001}"}}\n'
        '{"id": "e", "query": "Saudi investment"}\n'
    )
    result = runner.invoke(app, ["search", "--batch", str(batch), "-k", "2", "--data-dir", str(data)])
    assert result.exit_code == 1, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line.get("id") for line in lines] == ["a", None, "b", "c", "d", "e"]
    assert len(lines[0]["results"]) == 2 and len(lines[5]["results"]) == 2
    for line, n in zip(lines[1:5], (2, 3, 4, 5), strict=True):
        assert line.keys() == {"line", "id", "error"} and line["line"] == n
        assert line["error"]["code"] == "query_error" and line["error"]["message"]
    assert "empty" in lines[2]["error"]["message"] and "limit is 2000" in lines[4]["error"]["message"]
    assert [f"bad.jsonl:{n}:" in result.stderr for n in (2, 3, 4, 5)] == [True] * 4


def test_ask_json_contract_with_exact_citations(runner: CliRunner, data: Path) -> None:
    question = "Which Huawei chips achieved day-zero compatibility with DeepSeek V4?"
    answer = run_json(runner, "ask", question, "--json", "--data-dir", str(data))
    assert answer.keys() >= ASK_KEYS and not answer["abstained"]
    assert "950PR" in answer["answer"] and "950DT" in answer["answer"]
    citations = [c for s in answer["sentences"] for c in s["citations"]]
    assert citations
    for c in citations:
        assert c.keys() >= CITE_KEYS
        assert Path(c["source"]).read_text(encoding="utf-8")[c["start"] : c["end"]] == c["quote"]
    assert all(ctx.keys() >= CONTEXT_KEYS for ctx in answer["contexts"])


def test_ask_abstains(runner: CliRunner, data: Path) -> None:
    answer = run_json(runner, "ask", "Who won the 2026 FIFA World Cup?", "--json", "--data-dir", str(data))
    assert answer["abstained"] and answer["answer"] == "The corpus does not say." and answer["sentences"] == []


def test_human_ask_shows_numbered_sources(runner: CliRunner, data: Path) -> None:
    result = runner.invoke(app, ["ask", "How much has State Grid earmarked for robots?", "--data-dir", str(data)])
    assert result.exit_code == 0 and "[1]" in result.stdout and "6.8 billion yuan" in result.stdout


def test_documents_and_show(runner: CliRunner, data: Path) -> None:
    docs = run_json(runner, "documents", "--json", "--data-dir", str(data))
    assert {d["title"] for d in docs} == {"Geopolitics & Sovereign Positioning", "Big Picture Brief"}
    dated = next(d for d in docs if d["title"] == "Big Picture Brief")
    assert dated["date"] == "2026-03-01" and dated["chunks"] > 0
    shown = run_json(runner, "show", dated["doc_id"][:8], "--json", "--data-dir", str(data))
    assert shown["doc_id"] == dated["doc_id"] and shown["sections"] and shown["text"].startswith("Big Picture Brief")
    table = runner.invoke(app, ["documents", "--data-dir", str(data)], terminal_width=80)
    for d in docs:  # at 80 columns the file name stays whole and on one line, so it can be copied
        assert sum(d["source"] in line for line in table.stdout.splitlines()) == 1, table.stdout


def test_control_characters_in_file_names_are_escaped_everywhere(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "odd"
    folder.mkdir()
    name = "two\nlines\x1b[31m [bold]x.txt"
    (folder / name).write_text("Odd Brief\nKestrel sonar arrays were tested at sea.\n", encoding="utf-8")
    (folder / "empty\r\nname.txt").write_bytes(b"")
    data = str(tmp_path / "idx")
    ingest = runner.invoke(app, ["ingest", str(folder), "--data-dir", data])
    skipped = [line for line in ingest.stderr.splitlines() if line.startswith("skipped:")]
    assert skipped == [f"skipped: {folder}/empty\\r\\nname.txt: empty file"]
    escaped = "two\\nlines\\x1b[31m [bold]x.txt"
    table = runner.invoke(app, ["documents", "--data-dir", data], terminal_width=300)
    assert table.exit_code == 0 and "\x1b" not in table.stdout
    rows = [line for line in table.stdout.splitlines() if "Odd Brief" in line]
    assert len(rows) == 1 and escaped in rows[0]
    hits = runner.invoke(app, ["search", "Kestrel sonar", "-k", "1", "--data-dir", data], terminal_width=300)
    assert escaped in hits.stdout and "\x1b" not in hits.stdout
    answer = runner.invoke(app, ["ask", "What was tested at sea?", "--data-dir", data], terminal_width=300)
    assert "\x1b" not in answer.stdout and all(
        "lines" not in line or escaped in line for line in answer.stdout.splitlines()
    )


def test_chat_reads_questions_from_stdin(runner: CliRunner, data: Path) -> None:
    stdin = "What did Saudi Arabia announce?\nWho won the 2026 FIFA World Cup?\nexit\n"
    result = runner.invoke(app, ["chat", "--json", "--data-dir", str(data)], input=stdin)
    assert result.exit_code == 0, result.output
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(answers) == 2 and "40 billion" in answers[0]["answer"] and answers[1]["abstained"]


def test_errors_are_one_clear_line_and_non_zero(runner: CliRunner, data: Path, tmp_path: Path) -> None:
    empty = runner.invoke(app, ["ask", "  ", "--data-dir", str(data)])
    assert empty.exit_code == 2 and "question is empty" in empty.stderr
    missing = runner.invoke(app, ["show", "nope", "--data-dir", str(data)])
    assert missing.exit_code == 2 and "matches no indexed document" in missing.stderr
    fresh = runner.invoke(app, ["search", "anything", "--data-dir", str(tmp_path / "new")])
    assert fresh.exit_code == 2 and "index is empty" in fresh.stderr and "brieflens ingest" in fresh.stderr


def test_ingest_of_nothing_usable_exits_non_zero(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "bin.txt").write_bytes(b"\x00\x01\x02" * 100)
    result = runner.invoke(app, ["ingest", str(bad), "--data-dir", str(tmp_path / "d")])
    assert result.exit_code == 1
    assert "empty.txt: empty file" in result.stderr and "bin.txt: binary file" in result.stderr


@pytest.mark.slow
def test_console_script_end_to_end(tmp_path: Path, corpus_copy: Path) -> None:
    """The installed `brieflens` script, as a user runs it: ingest then ask, in fresh processes."""
    exe = Path(sys.executable).parent / "brieflens"
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFLENS_")}
    ingest = subprocess.run(
        [str(exe), "ingest", "corpus", "--data-dir", "d"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert ingest.returncode == 0, ingest.stderr
    assert "2 added" in ingest.stderr
    ask = subprocess.run(
        [
            str(exe),
            "ask",
            "Which Huawei chips achieved day-zero compatibility with DeepSeek V4?",
            "--json",
            "--data-dir",
            "d",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert ask.returncode == 0, ask.stderr
    answer = json.loads(ask.stdout)
    c = answer["sentences"][0]["citations"][0]
    assert (tmp_path / c["source"]).read_text(encoding="utf-8")[c["start"] : c["end"]] == c["quote"]


@pytest.mark.parametrize("module", ["app.cli", "app.eval_cli", "app.draft_cli", "app.serve_cli", "app.ui.launch"])
def test_module_entry_and_command_modules_import_cleanly(module: str) -> None:
    # `python -m app.cli` runs cli.py as __main__, so a command module importing app.cli would load it twice.
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    args = ["-m", "app.cli", "--help"] if module == "app.cli" else ["-c", f"import {module}"]
    done = subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, cwd=root, timeout=120)
    assert done.returncode == 0, done.stderr
    if module == "app.cli":
        for command in ("ingest", "ask", "eval", "check", "summarize", "draft", "compare", "ui", "serve"):
            assert command in done.stdout
