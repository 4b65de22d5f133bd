"""Prompt templates: every shipped prompt loads; undeclared or unused variables are caught at load."""

from __future__ import annotations

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
