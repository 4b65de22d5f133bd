"""Prompt templates as files: declared variables, validated when loaded and when rendered."""

# Not LangChain's PromptTemplate: it infers variables from the text, so a typo in a template becomes a new
# variable silently left empty; ours checks the file's declared variables against both parts at load time.

from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path

import yaml

from retrieval.errors import PromptError

# The packaged templates: a checkout, an editable and a regular install all keep prompts/ beside retrieval/.
DEFAULT_DIR = Path(__file__).resolve().parents[1] / "prompts"
PROMPT_NAMES = ("answer", "condense", "summarise", "draft", "judge", "synthesise")


@dataclass(frozen=True)
class Prompt:
    """A system and a user template sharing one declared set of variables."""

    name: str
    system: str
    user: str
    variables: frozenset[str]

    def render(self, **values: str) -> list[dict[str, str]]:
        """Chat messages with the variables filled in; exactly the declared variables must be given."""
        given = set(values)
        if given != self.variables:
            missing, extra = sorted(self.variables - given), sorted(given - self.variables)
            raise PromptError(f"prompt {self.name!r}: missing {missing}, unexpected {extra}")
        return [
            {"role": "system", "content": self.system.format(**values)},
            {"role": "user", "content": self.user.format(**values)},
        ]


def _placeholders(template: str, name: str) -> set[str]:
    """The {names} a template uses; positional or attribute placeholders are rejected."""
    found: set[str] = set()
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as e:
        raise PromptError(f"prompt {name!r}: {e}") from e
    for _, field, _, _ in parsed:
        if field is None:
            continue
        if not field.isidentifier():
            raise PromptError(f"prompt {name!r}: placeholder {{{field}}} must be a plain name")
        found.add(field)
    return found


def parse_prompt(name: str, text: str) -> Prompt:
    """Parse front matter (variables) and the '## system' / '## user' sections, and cross-check them."""
    if not text.startswith("---"):
        raise PromptError(f"prompt {name!r}: expected front matter declaring its variables")
    _, front, body = text.split("---", 2)
    try:
        meta = yaml.safe_load(front) or {}
    except yaml.YAMLError as e:
        raise PromptError(f"prompt {name!r}: front matter is not YAML: {e}") from e
    declared = meta.get("variables") if isinstance(meta, dict) else None
    if not isinstance(declared, list) or not all(isinstance(v, str) for v in declared):
        raise PromptError(f"prompt {name!r}: front matter needs 'variables: [name, ...]'")
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in body.strip().splitlines():
        if line.startswith("## "):
            current = sections.setdefault(line[3:].strip().lower(), [])
        elif current is not None:
            current.append(line)
    if set(sections) != {"system", "user"}:
        raise PromptError(f"prompt {name!r}: needs exactly a '## system' and a '## user' section")
    system, user = ("\n".join(sections[k]).strip() for k in ("system", "user"))
    used = _placeholders(system, name) | _placeholders(user, name)
    if used != set(declared):
        raise PromptError(
            f"prompt {name!r}: undeclared {sorted(used - set(declared))}, unused {sorted(set(declared) - used)}"
        )
    return Prompt(name, system, user, frozenset(declared))


def load_prompt(name: str, directory: Path | None = None) -> Prompt:
    """Load and validate prompts/<name>.md."""
    path = (directory or DEFAULT_DIR) / f"{name}.md"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise PromptError(f"cannot read prompt {name!r} at {path}: {e.strerror}") from e
    return parse_prompt(name, text)
