"""Server-sent events: any iterator of pydantic models becomes a `text/event-stream` response."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Iterator

from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from app.api.errors import code_of, error_body
from retrieval.errors import BriefLensError

log = logging.getLogger(__name__)


def event_name(event: BaseModel) -> str:
    """The SSE event name: the model's `event` field when it has one, else its class name in snake_case."""
    name = getattr(event, "event", None)
    if isinstance(name, str) and name:
        return name
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(event).__name__).lower()


def format_event(name: str, data: str) -> str:
    """One SSE frame; `data` is one JSON line, so no field can break the framing."""
    return f"event: {name}\ndata: {data}\n\n"


def encode(events: Iterable[BaseModel]) -> Iterator[str]:
    """Frames for each event, then `done`; a BriefLensError mid-stream becomes an `error` event."""
    try:
        for event in events:
            yield format_event(event_name(event), event.model_dump_json())
    except BriefLensError as e:
        # Headers (200) are already sent: the failure can only be reported in the stream.
        yield format_event("error", json.dumps(error_body(code_of(e), str(e), e.help)))
        return
    except Exception:
        log.exception("unexpected error in an event stream")
        yield format_event("error", json.dumps(error_body("internal_error", "internal server error")))
        return
    yield format_event("done", "{}")


def sse_response(events: Iterable[BaseModel]) -> StreamingResponse:
    """A streaming response (run in the thread pool, so a blocking iterator is fine)."""
    return StreamingResponse(
        encode(events),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
