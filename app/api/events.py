"""The server-sent events of a streamed answer: the core's stream events as pydantic frames.

The event name is a class variable, so it never enters the data: the `answer` frame's data is exactly
the JSON a non-streaming request returns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import ClassVar, TypeVar

from pydantic import BaseModel, RootModel

from app.api.schemas import ChatResponse
from retrieval.answer import Answer, AnswerSentence
from retrieval.streaming import AnswerEvent, NoteEvent, SentenceEvent, StreamEvent, TokenEvent


class TokenFrame(BaseModel):
    """Raw model text as it arrives (display only: the gate may still remove what it says)."""

    event: ClassVar[str] = "token"
    text: str


class SentenceFrame(AnswerSentence):
    """A finished sentence after verification, with its citations; `kept` is False when the gate removed it."""

    event: ClassVar[str] = "sentence"
    kept: bool


class NoteFrame(BaseModel):
    """Something the user should know, e.g. that the model failed and the extractive answer follows."""

    event: ClassVar[str] = "note"
    text: str


class AnswerFrame(RootModel[Answer]):
    """The final answer of POST /ask: the same JSON as without streaming."""

    event: ClassVar[str] = "answer"


class ChatAnswerFrame(RootModel[ChatResponse]):
    """The final frame of POST /chat: the same JSON as without streaming."""

    event: ClassVar[str] = "answer"


def frames(events: Iterable[StreamEvent], final: Callable[[Answer], BaseModel] = AnswerFrame) -> Iterator[BaseModel]:
    """The core's events as frames; `final` wraps the Answer of the last one."""
    for event in events:
        if isinstance(event, TokenEvent):
            yield TokenFrame(text=event.text)
        elif isinstance(event, SentenceEvent):
            yield SentenceFrame(**dict(event.sentence), kept=event.kept)
        elif isinstance(event, NoteEvent):
            yield NoteFrame(text=event.text)
        elif isinstance(event, AnswerEvent):
            yield final(event.answer)


T = TypeVar("T")


def started(events: Iterable[T]) -> Iterator[T]:
    """The events with the first one computed now, so a bad request fails with its HTTP status, not mid-stream."""
    iterator = iter(events)
    try:
        first = next(iterator)
    except StopIteration:
        return iter(())

    def rest() -> Iterator[T]:
        yield first
        yield from iterator

    return rest()
