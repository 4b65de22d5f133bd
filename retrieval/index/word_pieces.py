"""A packaged sentence encoder's files read once: its config and its tokenizer, truncating and counting apart."""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from retrieval.errors import ModelError


class ModelFiles:
    """config.json, sentence_bert_config.json and tokenizer.json of a sentence-transformers folder.

    Encoding truncates to the model's limit (as sentence-transformers does); counting must not. A
    tokenizer's truncation is mutable state, and toggling it around a count raced with encodes on
    other threads (the API serves many), so counting uses a second tokenizer, made on first use.
    """

    def __init__(self, path: Path) -> None:
        from tokenizers import Tokenizer

        self.path = path
        try:
            self.config: dict[str, Any] = json.loads((path / "config.json").read_text(encoding="utf-8"))
            st_config = json.loads((path / "sentence_bert_config.json").read_text(encoding="utf-8"))
            self._tokenizer_json = (path / "tokenizer.json").read_text(encoding="utf-8")
            self.max_tokens = int(st_config["max_seq_length"])
            self.dimension = int(self.config["hidden_size"])
            self.truncating = Tokenizer.from_str(self._tokenizer_json)
        except (OSError, ValueError, KeyError) as e:
            raise ModelError(f"cannot read the model files of {path}: {e}") from e
        self.truncating.enable_truncation(self.max_tokens)
        self.truncating.no_padding()
        self._counting: Any = None
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> list[Any]:
        """Encodings with special tokens, truncated to the model's limit, unpadded."""
        return list(self.truncating.encode_batch(list(texts)))

    def count(self, texts: Sequence[str]) -> list[int]:
        """Word pieces per text, without special tokens and without truncation."""
        if not texts:
            return []
        return [len(e.ids) for e in self._counter().encode_batch(list(texts), add_special_tokens=False)]

    def _counter(self) -> Any:
        """The non-truncating tokenizer (only chunking counts, so queries never build it)."""
        with self._lock:
            if self._counting is None:
                from tokenizers import Tokenizer

                counting = Tokenizer.from_str(self._tokenizer_json)
                counting.no_truncation()
                counting.no_padding()
                self._counting = counting
            return self._counting
