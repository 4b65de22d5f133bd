"""Prompt templates: every shipped prompt loads; undeclared or unused variables are caught at load."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from retrieval.errors import PromptError
from retrieval.prompts import PROMPT_NAMES, load_prompt, parse_prompt


@pytest.mark.parametrize("name", PROMPT_NAMES)
def test_shipped_prompts_load_and_render(name: str) -> None:
    prompt = load_prompt(name)
    messages = prompt.render(**{v: f"<{v}>" for v in prompt.variables})
    assert [m["role"] for m in messages] == ["system", "user"]
    text = messages[0]["content"] + messages[1]["content"]
    assert all(f"<{v}>" in text for v in prompt.variables)


def test_undeclared_and_unused_variables_are_rejected() -> None:
    with pytest.raises(PromptError, match="undeclared \\['topic'\\]"):
        parse_prompt("x", "---\nvariables: [question]\n---\n## system\nS {topic}\n## user\n{question}\n")
    with pytest.raises(PromptError, match="unused \\['extra'\\]"):
        parse_prompt("x", "---\nvariables: [question, extra]\n---\n## system\nS\n## user\n{question}\n")
    with pytest.raises(PromptError, match="system"):
        parse_prompt("x", "---\nvariables: [q]\n---\n## user\n{q}\n")


def test_render_requires_exactly_the_declared_variables(tmp_path: Path) -> None:
    (tmp_path / "answer.md").write_text("---\nvariables: [q]\n---\n## system\nLiteral {{braces}}\n## user\n{q}\n")
    prompt = load_prompt("answer", tmp_path)
    assert prompt.render(q="hi")[0]["content"] == "Literal {braces}"
    with pytest.raises(PromptError, match="missing \\['q'\\]"):
        prompt.render()
    with pytest.raises(PromptError, match="cannot read prompt 'judge'"):
        load_prompt("judge", tmp_path)


@pytest.mark.slow
def test_a_built_wheel_ships_every_prompt_beside_retrieval(tmp_path: Path) -> None:
    """A regular (non-editable) install must find prompts/ where DEFAULT_DIR looks for it."""
    root = Path(__file__).resolve().parents[2]
    build = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(tmp_path)]
    subprocess.run(
        [*build, str(root)],
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    (wheel,) = tmp_path.glob("brieflens-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {f"prompts/{n}.md" for n in PROMPT_NAMES} <= names
    assert "retrieval/prompts.py" in names  # so parents[1] / "prompts" is the shipped folder
