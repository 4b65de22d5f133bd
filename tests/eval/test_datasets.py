"""Reading evaluation files: labels in every accepted spelling, clear errors naming the line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.datasets import DatasetError, load_questions, load_summaries


def write(path: Path, rows: list[object]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_summary_labels_and_sentences(tmp_path: Path) -> None:
    rows = [
        {"id": 1, "summary": "A.", "source": "A.", "label": 1},
        {"id": "b", "summary": "A.", "source": "A.", "label": "false"},
        {
            "id": "c",
            "doc": "x.txt",
            "faithful": True,
            "sentences": [{"text": "S one.", "supported": 0}, {"text": "S two."}],
        },
    ]
    cases = load_summaries(write(tmp_path / "s.jsonl", rows))
    assert [c.label for c in cases] == [True, False, True]
    assert cases[0].id == "1" and cases[2].claims == ["S one.", "S two."] and cases[2].text == "S one. S two."
    assert [s.supported for s in cases[2].sentences] == [False, None]


@pytest.mark.parametrize(
    "row",
    [
        {"id": "x", "source": "text"},
        {"id": "x", "summary": "A."},
        {"id": "x", "summary": "A.", "source": "A.", "label": 2},
    ],
)
def test_bad_summary_lines_name_their_line(tmp_path: Path, row: dict[str, object]) -> None:
    path = write(tmp_path / "bad.jsonl", [{"id": "ok", "summary": "A.", "source": "A."}, row])
    with pytest.raises(DatasetError, match=r"bad\.jsonl:2"):
        load_summaries(path)


def test_invalid_json_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "broken.jsonl"
    path.write_text('{"id": 1,\n', encoding="utf-8")
    with pytest.raises(DatasetError, match=r"broken\.jsonl:1"):
        load_questions(path)


def test_questions_schema(tmp_path: Path) -> None:
    row = {
        "id": "q1",
        "question": "Who?",
        "evidence": [{"doc": "a.txt", "quote": "q"}],
        "kind": "abstain",
        "answer_keywords": ["k"],
    }
    case = load_questions(write(tmp_path / "q.jsonl", [row]))[0]
    assert case.should_abstain and case.evidence[0].doc == "a.txt"
