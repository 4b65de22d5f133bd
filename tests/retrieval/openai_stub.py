"""A tiny real HTTP server speaking the OpenAI chat wire protocol, for failure modes and deterministic replies."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Respond = Callable[[list[dict[str, str]]], str]
# Per reply token: its text and its top alternatives as (token, logprob).
Logprobs = list[tuple[str, list[tuple[str, float]]]]


class Script:
    """What the server answers, one entry per request: ("429"|"hang"|"malformed"|"cut"|"ok", text).

    "cut" streams `text`, then an error chunk instead of [DONE].

    With `respond`, an "ok" reply's text is computed from the request's messages instead (a deterministic
    stand-in for a model that reads its prompt); every request body is kept in `requests`.

    "no-logprobs" answers HTTP 400 to a request asking for logprobs (as some servers do), else like "ok".
    With `logprobs`, a non-streamed request asking for them gets these in its choice.
    """

    def __init__(
        self, replies: list[tuple[str, str]], respond: Respond | None = None, logprobs: Logprobs | None = None
    ) -> None:
        self.replies = replies
        self.respond = respond
        self.logprobs = logprobs
        self.calls = 0
        self.requests: list[dict[str, Any]] = []


def _handler(script: Script) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            kind, text = script.replies[min(script.calls, len(script.replies) - 1)]
            script.calls += 1
            script.requests.append(body)
            if kind == "ok" and script.respond is not None:
                text = script.respond(body["messages"])
            if kind == "429":
                self._send(429, {"error": {"message": "slow down"}}, {"Retry-After": "0"})
            elif kind == "hang":
                time.sleep(5)
            elif kind == "no-logprobs" and body.get("logprobs"):
                self._send(400, {"error": {"message": "logprobs is not supported"}})
            elif kind == "malformed":
                self._send(200, {"unexpected": True})
            elif body.get("stream"):
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                for word in text.split(" "):
                    delta = {"choices": [{"index": 0, "delta": {"content": word + " "}}]}
                    self.wfile.write(
                        f"data: {json.dumps({'id': 'x', 'object': 'chat.completion.chunk', **delta})}\n\n".encode()
                    )
                if kind == "cut":
                    # An error after some tokens, as servers report a failure mid-stream.
                    self.wfile.write(b'data: {"error": {"message": "the model crashed"}}\n\n')
                    return
                self.wfile.write(b"data: [DONE]\n\n")
            else:
                message = {"role": "assistant", "content": text}
                choice: dict[str, Any] = {"index": 0, "message": message, "finish_reason": "stop"}
                if body.get("logprobs") and script.logprobs is not None:
                    choice["logprobs"] = {"content": [_token(t, alts) for t, alts in script.logprobs]}
                self._send(
                    200, {"id": "x", "object": "chat.completion", "created": 0, "model": "m", "choices": [choice]}
                )

        def _send(self, code: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
            data = json.dumps(payload).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

    return Handler


def _token(token: str, alternatives: list[tuple[str, float]]) -> dict[str, Any]:
    """One token of an OpenAI logprobs.content list."""
    top = [{"token": t, "logprob": lp, "bytes": None} for t, lp in alternatives]
    logprob = next((lp for t, lp in alternatives if t == token), 0.0)
    return {"token": token, "logprob": logprob, "bytes": None, "top_logprobs": top}


@contextmanager
def serve(script: Script) -> Iterator[str]:
    """Run the stub on a free port; yields its /v1 base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(script))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()
