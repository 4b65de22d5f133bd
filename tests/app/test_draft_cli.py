"""The report writer's CLI: summarize, draft and compare, their --json contracts, exports and errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from app.cli import app
from retrieval.index.embedding import SentenceTransformerEmbedder

BRIEF = "000_e770148319605323"


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory, embedder: SentenceTransformerEmbedder) -> Path:
    """A data dir with the seed corpus ingested through the CLI."""
    embedder.count_tokens(["warm"])
    folder = tmp_path_factory.mktemp("cli")
    corpus = Path(__file__).resolve().parents[2] / "corpus"
    result = CliRunner().invoke(app, ["ingest", str(corpus), "--data-dir", str(folder / "idx")])
    assert result.exit_code == 0, result.output
    return folder / "idx"


def run(*args: str, code: int = 0) -> Any:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result


def test_summarize_doc_json_and_text(data: Path) -> None:
    payload = json.loads(run("summarize", BRIEF, "--bullets", "5", "--json", "--data-dir", str(data)).stdout)
    assert payload.keys() >= {"doc_ids", "topic", "abstained", "sections", "generator"}
    sentences = [s for block in payload["sections"] for s in block["sentences"]]
    assert 1 <= len(sentences) <= 5 and all(s["citations"] for s in sentences)
    text = run("summarize", BRIEF, "--bullets", "3", "--data-dir", str(data)).stdout
    assert "[1]" in text and "000_e770148319605323.txt" in text


def test_summarize_topic_with_filters(data: Path) -> None:
    args = ("summarize", "--topic", "distillation", "--doc", "004_65154c0ccd00f957", "--json", "--data-dir", str(data))
    payload = json.loads(run(*args).stdout)
    docs = {c["source"] for block in payload["sections"] for s in block["sentences"] for c in s["citations"]}
    assert docs == {"corpus/004_65154c0ccd00f957.txt"} or all(d.endswith("004_65154c0ccd00f957.txt") for d in docs)


def test_draft_json_outline_and_exports(data: Path, tmp_path: Path) -> None:
    title = "Model distillation and export controls"
    outline = json.loads(run("draft", title, "--outline-only", "--json", "--data-dir", str(data)).stdout)
    assert 3 <= len(outline["subsections"]) <= 6 and all(not s["sentences"] for s in outline["subsections"])
    md, docx_path = tmp_path / "d.md", tmp_path / "d.docx"
    result = run("draft", title, "--guidance", "focus on enforcement", "--out", str(md), "--data-dir", str(data))
    assert "wrote" in result.stderr and md.read_text(encoding="utf-8").startswith(f"# {title}")
    run("draft", title, "--out", str(docx_path), "--data-dir", str(data))
    import docx

    assert any(p.text == "References" for p in docx.Document(str(docx_path)).paragraphs)


def test_compare_json(data: Path) -> None:
    payload = json.loads(run("compare", "--topic", "distillation", "--json", "--data-dir", str(data)).stdout)
    assert payload.keys() >= {"topic", "columns", "disagreements", "abstained"}
    assert len(payload["columns"]) == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("summarize", "no-such-brief"), "matches no indexed document"),
        (("summarize",), "exactly one"),
        (("summarize", BRIEF, "--topic", "x"), "exactly one"),
        (("summarize", "--topic", "  "), "empty"),
        (("draft", "  "), "empty"),
        (("compare", "--topic", ""), "empty"),
        (("draft", "Distillation", "--out", "/no/such/folder/d.md"), "does not exist"),
        (("draft", "Distillation", "--out", "draft.pdf"), ".md or .docx"),
    ],
)
def test_bad_input_is_one_clear_error(data: Path, args: tuple[str, ...], message: str) -> None:
    result = run(*args, "--data-dir", str(data), code=2)
    assert message in result.stderr and "Traceback" not in result.output


def test_unwritable_out_file(data: Path, tmp_path: Path) -> None:
    taken = tmp_path / "taken.md"
    taken.mkdir()  # a folder where the file should go: unwritable even for root
    result = run("summarize", BRIEF, "--out", str(taken), "--data-dir", str(data), code=2)
    assert "cannot write" in result.stderr
