"""Request bodies and the API-only responses; the shapes the CLI prints too are retrieval.contract's, re-exported."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool

from eval.datasets import QuestionCase, SummaryCase
from retrieval.contract import Answer, DocumentDetail, DocumentInfo, IngestResult, SearchResult
from retrieval.limits import MAX_K, MAX_QUESTION_CHARS
from retrieval.search.filters import FilterSpec

__all__ = [
    "Answer",
    "AskRequest",
    "ChatRequest",
    "ChatResponse",
    "CompareRequest",
    "DeleteResponse",
    "DocumentDetail",
    "DocumentInfo",
    "DraftRequest",
    "EvaluateQuestions",
    "EvaluateRequest",
    "EvaluateSummaries",
    "Filters",
    "Generator",
    "Health",
    "IngestRequest",
    "IngestResponse",
    "SearchRequest",
    "SearchResult",
    "SummarizeRequest",
]

# Not enforced by the schema: the core checks blank and over-long text, so each is one 400 with one message.
Query = Field(
    description=f"the question or search text: not blank, at most {MAX_QUESTION_CHARS} characters (else 400)",
    json_schema_extra={"minLength": 1, "maxLength": MAX_QUESTION_CHARS},
)


def _iso_date(value: object) -> object:
    """A date must be written as YYYY-MM-DD: a number (read as a Unix time) is a typo, not a date."""
    if value is not None and not isinstance(value, str | dt.date):
        raise ValueError("expected a date as a YYYY-MM-DD string")
    return value


IsoDate = Annotated[dt.date | None, BeforeValidator(_iso_date)]
TopK = Field(default=None, ge=1, le=MAX_K, description="passages to retrieve [default: the top_k setting]")


class Request(BaseModel):
    """Base of request bodies: unknown fields are an error (a typo must not be silently ignored)."""

    model_config = ConfigDict(extra="forbid")


class Filters(Request):
    """Restrict retrieval; the same filters as the CLI's --doc, --source, --section, --since, --until, --as-of."""

    doc: list[str] = Field(default=[], max_length=100, description="document ids, id prefixes or file names")
    source: list[str] = Field(default=[], max_length=100, description="globs on the path as ingested")
    section: str | None = Field(default=None, max_length=500, description="heading path contains this text")
    since: IsoDate = None
    until: IsoDate = None
    as_of: IsoDate = Field(default=None, description="ignore briefs published after this date")

    def spec(self) -> FilterSpec:
        """The core's filter spec."""
        return FilterSpec(tuple(self.doc), tuple(self.source), self.section, self.since, self.until, self.as_of)


class SearchRequest(Request):
    """POST /search."""

    query: str = Query
    k: int | None = TopK
    filters: Filters = Filters()
    stream: StrictBool = Field(default=False, description="server-sent events: one `result` per passage, then `done`")


class AskRequest(Request):
    """POST /ask."""

    question: str = Query
    k: int | None = TopK
    filters: Filters = Filters()
    stream: StrictBool = Field(
        default=False, description="server-sent events: `token`s, each verified `sentence`, `note`s, then `answer`"
    )


class ChatRequest(Request):
    """POST /chat: omit conversation_id to start a conversation; send the returned one for follow-ups."""

    message: str = Query
    conversation_id: str | None = Field(default=None, max_length=64)
    k: int | None = TopK
    filters: Filters = Filters()
    stream: StrictBool = Field(
        default=False, description="server-sent events as for /ask; the `answer` is this turn's JSON"
    )


Format: Any = Field(
    default="json", description="`json`, or a download: `md` (footnotes) or `docx` (numbered references)"
)


class SummarizeRequest(Request):
    """POST /summarize: exactly one of `doc` and `topic`."""

    doc: str | None = Field(
        default=None, max_length=500, description="a brief: id or file name, or a unique prefix of either"
    )
    topic: str | None = Field(
        default=None,
        description=f"summarise a topic across briefs: not blank, at most {MAX_QUESTION_CHARS} characters",
        json_schema_extra={"maxLength": MAX_QUESTION_CHARS},
    )
    bullets: int | None = Field(
        default=None, ge=1, le=50, description="sentences [default: the summary_bullets setting]"
    )
    sections: list[str] = Field(
        default=[], max_length=50, description="with `doc`: keep sections whose heading path has one"
    )
    filters: Filters = Filters()
    format: Literal["json", "md", "docx"] = Format


class DraftRequest(Request):
    """POST /draft: a report section drafted from the evidence."""

    title: str = Field(min_length=1, max_length=1000, description='e.g. "Hardware sovereignty and export controls"')
    guidance: str = Field(default="", max_length=10_000, description="what the section should cover")
    outline_only: StrictBool = False
    filters: Filters = Filters()
    format: Literal["json", "md", "docx"] = Format


class CompareRequest(Request):
    """POST /compare."""

    topic: str = Field(
        description=f"what to compare the briefs on: not blank, at most {MAX_QUESTION_CHARS} characters",
        json_schema_extra={"minLength": 1, "maxLength": MAX_QUESTION_CHARS},
    )
    filters: Filters = Filters()


class IngestRequest(Request):
    """POST /ingest as JSON: files or folders on the server (inside the corpus folder or api_ingest_roots)."""

    paths: list[str] = Field(default=[], max_length=1000, description="empty: the corpus folder")


class EvaluateQuestions(Request):
    """POST /evaluate of questions: cases in the schema of `brieflens eval questions` files."""

    kind: Literal["questions"]
    cases: list[QuestionCase] = Field(min_length=1)
    k: int | None = TopK


class EvaluateSummaries(Request):
    """POST /evaluate of summaries (or answers): cases in the schema of `brieflens eval summaries` files."""

    kind: Literal["summaries"]
    cases: list[SummaryCase] = Field(min_length=1)
    k: int | None = TopK


# One body, told apart by `kind`: each case list is declared in OpenAPI with its own schema.
EvaluateRequest = Annotated[EvaluateQuestions | EvaluateSummaries, Field(discriminator="kind")]


class ChatResponse(BaseModel):
    """A chat turn: the standalone query it was condensed to, and the answer (the `ask --json` contract)."""

    conversation_id: str
    turn: int
    query: str
    answer: Answer


class IngestResponse(IngestResult):
    """What an ingest did (the `ingest --json` contract), plus the files an upload stored."""

    stored: list[str] = Field(default=[], description="uploaded files as saved in the corpus folder")


class DeleteResponse(BaseModel):
    """DELETE /documents/{id}."""

    doc_id: str
    sources: list[str]
    deleted_files: list[str] = Field(description="files removed from the corpus folder (others are left alone)")
    chunks_removed: int


class Generator(BaseModel):
    """The answer generator back-end and whether it can be reached."""

    name: str
    reachable: bool


class Health(BaseModel):
    """GET /health: `degraded` (with status 503) when the vector store cannot be reached."""

    status: Literal["ok", "degraded"]
    documents: int
    chunks: int | None = Field(description="null when the vector store cannot be reached")
    embedding_model: str
    generator: Generator
    ingesting: bool
    progress: dict[str, Any] | None
    problems: list[str] = Field(default=[], description="why the status is `degraded`")
