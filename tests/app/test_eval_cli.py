"""The eval and check commands through a Typer app wired as app/cli.py registers them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from app.eval_cli import check_command, eval_app
from retrieval.index.embedding import SentenceTransformerEmbedder
from retrieval.service import BriefLens

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
GEO = CORPUS / "000_e770148319605323.txt"

cli = typer.Typer()
cli.add_typer(eval_app, name="eval")
cli.command("check")(check_command)


@pytest.fixture
def runner(embedder: SentenceTransformerEmbedder) -> CliRunner:
    embedder.count_tokens(["warm"])
    return CliRunner()


def test_check_json_and_exit_codes(runner: CliRunner) -> None:
    good = "State Grid has earmarked 6.8 billion yuan for AI-powered robots."
    result = runner.invoke(cli, ["check", "--source", str(GEO), "--summary", good, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    item = data["items"][0]
    assert item["faithful"] and item["sentences"][0]["quote"] in GEO.read_text(encoding="utf-8")
    bad = runner.invoke(cli, ["check", "--source", str(GEO), "--summary", good.replace("6.8", "68")])
    assert bad.exit_code == 1 and "number mismatch" in bad.stdout


def test_eval_summaries_writes_reports(runner: CliRunner, lens: BriefLens, tmp_path: Path) -> None:
    rows = [
        {"id": "s1", "doc": GEO.name, "summary": "State Grid has earmarked 6.8 billion yuan for robots.", "label": 1},
        {"id": "s2", "source": "Prices rose 5% in May 2024.", "summary": "Prices fell 5% in May 2024.", "label": 0},
    ]
    path = tmp_path / "s.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    args = [
        "eval",
        "summaries",
        str(path),
        "--json",
        "--out",
        str(tmp_path / "r"),
        "--data-dir",
        str(lens.settings.data_dir),
    ]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [i["faithful"] for i in data["items"]] == [True, False]
    assert data["metrics"]["balanced_accuracy"] == 1.0
    assert (tmp_path / "r" / "report.html").exists() and (tmp_path / "r" / "report.json").exists()


def test_eval_questions_json(runner: CliRunner, lens: BriefLens, tmp_path: Path) -> None:
    row = {
        "id": "q",
        "question": "Which aircraft carrier is cited as an example of maritime autonomy?",
        "evidence": [{"doc": "004_65154c0ccd00f957.txt", "quote": "The Fujian aircraft carrier"}],
        "kind": "factoid",
        "answer_keywords": ["Fujian"],
    }
    path = tmp_path / "q.jsonl"
    path.write_text(json.dumps(row), encoding="utf-8")
    result = runner.invoke(
        cli, ["eval", "questions", str(path), "--json", "-k", "5", "--data-dir", str(lens.settings.data_dir)]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    item = data["items"][0]
    assert item["evidence_recall"] == 1.0 and item["keyword_recall"] == 1.0
    assert data["metrics"]["by_kind"]["factoid"]["n_items"] == 1


def test_malformed_file_is_one_clear_error(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "x"}\n', encoding="utf-8")
    result = runner.invoke(cli, ["eval", "summaries", str(path)])
    assert result.exit_code == 2 and "bad.jsonl:1" in result.stderr
