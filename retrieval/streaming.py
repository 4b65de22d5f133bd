"""Typed events of a streamed answer: tokens as they arrive, each sentence once verified, then the answer.

A consumer (CLI, FastAPI server-sent events, a LangChain Runnable) iterates `BriefLens.ask_stream(...)`:

* `TokenEvent` — raw model text, for display only: it may contain sentences the gate later removes;
* `SentenceEvent` — one finished sentence after verification, with `kept` saying whether it is shown;
* `NoteEvent` — something the user should know (a failed back-end and the fallback used);
* `AnswerEvent` — always last, exactly once: the final `Answer`, equal to what `ask` returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from retrieval.answer import Answer, AnswerSentence, Draft


@dataclass(frozen=True)
class TokenEvent:
    """A piece of model output as the server sent it."""

    text: str
    kind: Literal["token"] = "token"


@dataclass(frozen=True)
class SentenceEvent:
    """A finished sentence, verified against its sources; `kept` is False when the gate removes it."""

    sentence: AnswerSentence
    kept: bool
    kind: Literal["sentence"] = "sentence"


@dataclass(frozen=True)
class NoteEvent:
    """A message for the user, e.g. that the model failed and the extractive answer follows."""

    text: str
    kind: Literal["note"] = "note"


@dataclass(frozen=True)
class DraftEvent:
    """The generator's final draft (internal: the service turns it into an AnswerEvent)."""

    draft: Draft
    kind: Literal["draft"] = "draft"


@dataclass(frozen=True)
class AnswerEvent:
    """The final, verified answer; the last event of every stream."""

    answer: Answer
    kind: Literal["answer"] = "answer"


GeneratorEvent = TokenEvent | SentenceEvent | NoteEvent | DraftEvent
StreamEvent = TokenEvent | SentenceEvent | NoteEvent | AnswerEvent
