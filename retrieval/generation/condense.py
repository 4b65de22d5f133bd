"""Condense a chat follow-up into a standalone question with the model; None lets the caller fall back."""

from __future__ import annotations

from collections.abc import Sequence

from retrieval.errors import GenerationError
from retrieval.generation.llm_client import ChatClient
from retrieval.prompts import Prompt

# A rewrite longer than this is the model rambling, not a question.
MAX_REWRITE_CHARS = 400
# A question needs few tokens; the cap keeps a rambling model from delaying the turn.
MAX_REWRITE_TOKENS = 64
_PREFIXES = ("standalone question:", "question:", "rewritten question:")


class LLMCondenser:
    """Rewrites a follow-up with the condense prompt; any failure returns None (the deterministic rewrite)."""

    def __init__(self, client: ChatClient, prompt: Prompt) -> None:
        self.client = client
        self.prompt = prompt

    def __call__(self, history: Sequence[str], question: str) -> str | None:
        """The standalone question, or None when the model fails or answers with something unusable."""
        messages = self.prompt.render(history="\n".join(f"- {h}" for h in history), question=question.strip())
        try:
            reply = self.client.complete(messages, max_tokens=MAX_REWRITE_TOKENS)
        except GenerationError:
            return None
        lines = [line.strip() for line in reply.splitlines() if line.strip()]
        if not lines:
            return None
        text = lines[0]
        for prefix in _PREFIXES:
            if text.lower().startswith(prefix):
                text = text[len(prefix) :].strip()
        text = text.strip("\"'` ")
        return text if 3 <= len(text) <= MAX_REWRITE_CHARS and any(c.isalpha() for c in text) else None
