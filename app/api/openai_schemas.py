"""The OpenAI wire shapes BriefLens speaks under /v1: models, chat completions, stream chunks and errors.

Only the fields chat clients read are modelled; requests allow extra fields because clients send many
parameters (temperature, max_tokens, user, ...) that an answer over the corpus has no use for.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.api.schemas import Filters
from retrieval.answer import Answer
from retrieval.limits import MAX_K


class OpenAIErrorInfo(BaseModel):
    """OpenAI's error object: the SDK reads `message`, `type`, `param` and `code`."""

    message: str
    type: str
    param: str | None = None
    code: str | None = None


class OpenAIError(BaseModel):
    """Every failing /v1 response."""

    error: OpenAIErrorInfo


class Model(BaseModel):
    """One entry of GET /v1/models."""

    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str = "brieflens"


class ModelList(BaseModel):
    """GET /v1/models."""

    object: Literal["list"] = "list"
    data: list[Model]


class ContentPart(BaseModel):
    """A part of a message's content; only `text` parts carry a question."""

    model_config = ConfigDict(extra="allow")

    type: str
    text: str | None = None


class ChatMessage(BaseModel):
    """One message of the conversation; a user message's text is a turn of the chat."""

    model_config = ConfigDict(extra="allow")

    role: str
    content: str | list[ContentPart] | None = None

    def text(self) -> str:
        """The message's text (text parts joined; other parts such as images are not read)."""
        if isinstance(self.content, str):
            return self.content
        return "\n".join(p.text for p in self.content or () if p.type == "text" and p.text)


class StreamOptions(BaseModel):
    """`stream_options`: with `include_usage`, a last chunk carries the usage."""

    model_config = ConfigDict(extra="allow")

    include_usage: bool = False


class BriefLensOptions(BaseModel):
    """BriefLens's own request field (`extra_body={"brieflens": {...}}` in the SDK): retrieval depth and filters."""

    model_config = ConfigDict(extra="forbid")

    k: int | None = Field(default=None, ge=1, le=MAX_K)
    filters: Filters = Filters()


class ChatCompletionRequest(BaseModel):
    """POST /v1/chat/completions; parameters not listed here are accepted and ignored."""

    model_config = ConfigDict(extra="allow")

    model: str
    messages: list[ChatMessage] = Field(min_length=1, max_length=1000)
    stream: bool = False
    stream_options: StreamOptions | None = None
    n: int = 1
    brieflens: BriefLensOptions = BriefLensOptions()


class CitedReply(BaseModel):
    """The extra field of a reply: the standalone query answered and the `ask --json` answer with its citations."""

    query: str
    answer: Answer


class AssistantMessage(BaseModel):
    """The reply message."""

    role: Literal["assistant"] = "assistant"
    content: str


class Choice(BaseModel):
    """The one choice of a reply."""

    index: int = 0
    message: AssistantMessage
    finish_reason: Literal["stop"] = "stop"
    logprobs: None = None


class Usage(BaseModel):
    """Sizes in whitespace-separated words (BriefLens does not tokenise like the client's model would)."""

    prompt_tokens: int
    completion_tokens: int
    total_tokens: int

    @classmethod
    def of(cls, prompt: str, completion: str) -> Usage:
        """Word counts of the question and the reply."""
        p, c = len(prompt.split()), len(completion.split())
        return cls(prompt_tokens=p, completion_tokens=c, total_tokens=p + c)


class ChatCompletion(BaseModel):
    """A non-streamed reply."""

    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[Choice]
    usage: Usage
    brieflens: CitedReply


class Delta(BaseModel):
    """What a stream chunk adds to the message."""

    role: Literal["assistant"] | None = None
    content: str | None = None


class ChunkChoice(BaseModel):
    """The one choice of a stream chunk."""

    index: int = 0
    delta: Delta
    finish_reason: Literal["stop"] | None = None
    logprobs: None = None


class ChatCompletionChunk(BaseModel):
    """One `data:` line of a streamed reply; the last content chunk carries `brieflens`, as the reply does."""

    id: str
    object: Literal["chat.completion.chunk"] = "chat.completion.chunk"
    created: int
    model: str
    choices: list[ChunkChoice]
    usage: Usage | None = None
    brieflens: CitedReply | None = None


def error_json(status: int, message: str, code: str | None = None, param: str | None = None) -> dict[str, Any]:
    """OpenAI's error body: `invalid_request_error` for client errors, `server_error` otherwise."""
    kind = "invalid_request_error" if status < 500 else "server_error"
    info = OpenAIErrorInfo(message=message, type=kind, param=param, code=code)
    return OpenAIError(error=info).model_dump()
