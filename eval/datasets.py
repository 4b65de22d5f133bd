"""Evaluation cases read from JSON lines: summaries (or answers) to judge, and questions to ask."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from retrieval.errors import BriefLensError


class DatasetError(BriefLensError):
    """An evaluation file is missing or has a malformed line."""

    help = "Each line must be one JSON object in the documented schema (see `brieflens eval --help`)."


def _parse_label(value: Any) -> bool | None:
    """1/0, true/false or "1"/"0"/"true"/"false" as a boolean (1 = faithful); None stays None."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in {"1", "0", "true", "false"}:
        return value.strip().lower() in {"1", "true"}
    raise ValueError(f"a label must be 1/0 or true/false, not {value!r}")


class SentenceLabel(BaseModel):
    """One given sentence of a summary, with its optional gold label."""

    model_config = ConfigDict(frozen=True)

    text: str
    supported: bool | None = None

    _label = field_validator("supported", mode="before")(_parse_label)


class SummaryCase(BaseModel):
    """A summary or answer to judge against a source text or an indexed document."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str
    summary: str = ""
    sentences: tuple[SentenceLabel, ...] = ()
    source: str | None = None
    doc: str | None = None
    question: str | None = None
    label: bool | None = None
    note: str = ""

    _label = field_validator("label", mode="before")(_parse_label)

    @model_validator(mode="before")
    @classmethod
    def _normalise(cls, data: Any) -> Any:
        """Accept "faithful" as the item label and a numeric id; require a text and a source."""
        if not isinstance(data, dict):
            raise ValueError("expected a JSON object")
        data = dict(data)
        if "label" not in data and "faithful" in data:
            data["label"] = data["faithful"]
        data["id"] = str(data.get("id", ""))
        if not data.get("summary") and not data.get("sentences"):
            raise ValueError('needs "summary" or "sentences"')
        if not data.get("source") and not data.get("doc") and not data.get("question"):
            raise ValueError('needs "source" (text), "doc" (an indexed document) or "question" (retrieve the source)')
        return data

    @property
    def claims(self) -> str | list[str]:
        """What to judge: the given sentences when present, else the summary text."""
        return [s.text for s in self.sentences] if self.sentences else self.summary

    @property
    def text(self) -> str:
        """The summary as one text."""
        return " ".join(s.text for s in self.sentences) if self.sentences else self.summary


class Evidence(BaseModel):
    """A quote that answers a question, in a named brief."""

    model_config = ConfigDict(frozen=True)

    doc: str
    quote: str


class QuestionCase(BaseModel):
    """A question with its reference answer, evidence, kind and answer keywords."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str
    question: str
    reference_answer: str = ""
    evidence: tuple[Evidence, ...] = ()
    kind: str = "factoid"
    answer_keywords: tuple[str, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _short_form(cls, data: Any) -> Any:
        """Also read the short form of tests/data/questions.jsonl: "doc" + "evidence" as one quote, "keywords"."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        if isinstance(data.get("evidence"), str):
            data["evidence"] = [{"doc": data.get("doc", ""), "quote": data["evidence"]}]
        if "keywords" in data and "answer_keywords" not in data:
            data["answer_keywords"] = data["keywords"]
        return data

    @property
    def should_abstain(self) -> bool:
        """True when the corpus does not hold the answer."""
        return self.kind == "abstain"


EvalCase = SummaryCase | QuestionCase


def _read(path: Path) -> list[tuple[int, Any]]:
    """(line number, parsed JSON) for each non-empty line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as e:
        raise DatasetError(f"cannot read {path}: {e}") from e
    out: list[tuple[int, Any]] = []
    for n, line in enumerate(lines, 1):
        if line.strip():
            try:
                out.append((n, json.loads(line)))
            except json.JSONDecodeError as e:
                raise DatasetError(f"{path}:{n}: not valid JSON ({e.msg})") from e
    return out


def load_summaries(path: Path) -> list[SummaryCase]:
    """Read summary cases; a malformed line is an error naming its number."""
    cases: list[SummaryCase] = []
    for n, obj in _read(path):
        try:
            cases.append(SummaryCase.model_validate(obj))
        except ValidationError as e:
            raise DatasetError(f"{path}:{n}: {_first_error(e)}") from e
    return cases


def load_questions(path: Path) -> list[QuestionCase]:
    """Read question cases (the schema of dev_questions.jsonl)."""
    cases: list[QuestionCase] = []
    for n, obj in _read(path):
        try:
            cases.append(QuestionCase.model_validate(obj))
        except ValidationError as e:
            raise DatasetError(f"{path}:{n}: {_first_error(e)}") from e
    return cases


def _first_error(e: ValidationError) -> str:
    """The first validation problem in one line."""
    first = e.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    return f"{where}: {first['msg']}" if where else str(first["msg"])
