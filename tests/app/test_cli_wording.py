"""What users read: --help shows its defaults, counts agree in number, dates and thresholds read the same everywhere."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import app
from app.cli_common import out
from retrieval.index.embedding import SentenceTransformerEmbedder
from tests.conftest import CORPUS

GEO = CORPUS / "000_e770148319605323.txt"  # undated


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory, embedder: SentenceTransformerEmbedder) -> Path:
    """A data dir with the seed corpus ingested through the CLI."""
    embedder.count_tokens(["warm"])
    folder = tmp_path_factory.mktemp("wording") / "idx"
    result = CliRunner().invoke(app, ["ingest", str(CORPUS), "--data-dir", str(folder)])
    assert result.exit_code == 0, result.output
    return folder


@pytest.mark.parametrize(
    ("command", "shown"),
    [
        (["search"], "Passages to retrieve [default: 5]."),
        (["search"], "Index folder [default: $BRIEFLENS_DATA_DIR or ./.brieflens]."),
        (["ingest"], "Files or folders [default: ./corpus]."),
        (["summarize"], "Sentences [default: 8]."),
    ],
)
def test_help_keeps_its_defaults(command: list[str], shown: str) -> None:
    result = CliRunner().invoke(app, [*command, "--help"], terminal_width=200, env={"COLUMNS": "200"})
    assert result.exit_code == 0
    flat = " ".join(re.sub(r"[│╭╮╰╯─]", " ", result.stdout).split())
    assert shown in flat, flat


def test_ask_citations_say_undated_as_summaries_do(data: Path) -> None:
    question = "How much has State Grid earmarked for robots?"
    result = CliRunner().invoke(app, ["ask", question, "--doc", GEO.name, "--data-dir", str(data)])
    refs = [line for line in result.stdout.splitlines() if line.startswith("[1]")]
    assert refs and ", undated —" in refs[0], result.stdout


def test_draft_counts_briefs_in_the_right_number(data: Path) -> None:
    result = CliRunner().invoke(app, ["draft", "Model distillation", "--doc", GEO.name, "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
    assert "(1 brief)" in result.stdout and "(1 briefs)" not in result.stdout


def test_check_prints_the_threshold_as_everything_else_does(embedder: SentenceTransformerEmbedder) -> None:
    summary = "State Grid has earmarked 6.8 billion yuan for AI-powered robots."
    human = CliRunner().invoke(app, ["check", "--source", str(GEO), "--summary", summary])
    threshold = re.search(r"threshold (\d\.\d+)\)", human.stdout)
    assert threshold, human.stdout
    from retrieval.settings import Settings
    from retrieval.support.judges import make_judge

    judge = make_judge(Settings(_env_file=None), embedder)  # type: ignore[call-arg]
    assert threshold.group(1) == f"{judge.threshold:.3f}"
    data = json.loads(CliRunner().invoke(app, ["check", "--source", str(GEO), "--summary", summary, "--json"]).stdout)
    assert data["items"][0]["faithful"]


def test_confusion_matrix_names_its_positive_class(data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(out, "width", 200)  # the table's label on one line, whatever width the console began with
    rows = [
        {"id": "a", "source": "Prices rose 5% in May 2024.", "summary": "Prices rose 5% in May 2024.", "label": 1},
        {"id": "b", "source": "Prices rose 5% in May 2024.", "summary": "Prices fell 5% in May 2024.", "label": 0},
    ]
    path = tmp_path / "s.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    result = CliRunner().invoke(
        app,
        ["eval", "summaries", str(path), "--out", str(tmp_path / "r"), "--data-dir", str(data)],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    assert "confusion_matrix (positive = faithful)" in result.stdout
