"""A NumPy forward pass of a packaged BERT sentence encoder: torch's vectors without importing torch.

Queries and answer sentences are a few short texts; importing torch and sentence-transformers for
them costs seconds at every CLI start, while the forward pass itself is milliseconds in NumPy.
Same weights, same tokenizer, mean pooling and L2 normalisation, so the vectors match the
sentence-transformers ones to float32 rounding and stay comparable with the indexed vectors.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from retrieval.errors import ModelError
from retrieval.index.word_pieces import ModelFiles

F32 = NDArray[np.float32]

# Texts per forward pass: length-sorted groups keep padding small without huge attention tensors.
GROUP = 16


def _erf(x: F32) -> F32:
    """erf by Abramowitz-Stegun 7.1.26 (max error 1.5e-7, below float32 resolution of GELU's output)."""
    sign = np.sign(x)
    # Clipped: erf(4) is 1 in float32, and exp of larger squares underflows into slow subnormals.
    a = np.minimum(np.abs(x), np.float32(4.0))
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return np.asarray(sign * (1.0 - poly * np.exp(-a * a)), dtype=np.float32)


def _layer_norm(x: F32, weight: F32, bias: F32, eps: float) -> F32:
    """LayerNorm over the last axis."""
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return np.asarray((x - mean) / np.sqrt(var + eps) * weight + bias, dtype=np.float32)


_DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64}


def _map_safetensors(path: Path) -> dict[str, NDArray[Any]]:
    """The tensors of a safetensors file as read-only views of a memory map.

    Reading the file (safetensors.numpy.load_file) copies all 90 MB at every CLI start; mapped, only
    the pages a query touches are read: the 47 MB word-embedding table is used a few rows at a time.
    """
    with path.open("rb") as f:
        size = int.from_bytes(f.read(8), "little")
        header: dict[str, Any] = json.loads(f.read(size))
    header.pop("__metadata__", None)
    data = np.memmap(path, dtype=np.uint8, mode="r", offset=8 + size)
    tensors: dict[str, NDArray[Any]] = {}
    for name, info in header.items():
        if info["dtype"] not in _DTYPES:
            raise ValueError(f"tensor {name} has dtype {info['dtype']}, which the NumPy encoder does not read")
        start, end = info["data_offsets"]
        tensors[name] = data[start:end].view(_DTYPES[info["dtype"]]).reshape(info["shape"])
    return tensors


class NumpyBert:
    """A BERT encoder with mean pooling (the all-MiniLM family) loaded from a sentence-transformers folder."""

    def __init__(self, path: Path, overrides: dict[str, NDArray[Any]] | None = None) -> None:
        """Load the encoder at `path`; `overrides` replaces tensors by name (fine-tuned layers, torch layout)."""
        self.files = ModelFiles(path)
        config = self.files.config
        try:
            pooling = json.loads((path / "1_Pooling" / "config.json").read_text(encoding="utf-8"))
            weights = _map_safetensors(path / "model.safetensors")
        except (OSError, ValueError, KeyError) as e:
            raise ModelError(f"cannot load {path} for the NumPy encoder: {e}") from e
        if config.get("model_type") != "bert" or not pooling.get("pooling_mode_mean_tokens"):
            raise ModelError(f"{path} is not a mean-pooled BERT model; the NumPy encoder cannot run it")
        self.max_tokens = self.files.max_tokens
        self.dimension = self.files.dimension
        self.heads = int(config["num_attention_heads"])
        self.eps = float(config["layer_norm_eps"])
        self.layers = int(config["num_hidden_layers"])
        # Linear weights as transposed views so every matmul is x @ W: BLAS reads the transpose in
        # place, where a copy cost ~80 ms of every CLI start.
        weights = {k.removeprefix("bert."): v for k, v in weights.items()} | (overrides or {})
        self.w: dict[str, Any] = {k: (v.T if v.ndim == 2 and "embeddings" not in k else v) for k, v in weights.items()}

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Word pieces per text, without special tokens (and without truncation)."""
        return self.files.count(texts)

    def encode(self, texts: Sequence[str]) -> F32:
        """L2-normalised mean-pooled embeddings, in input order."""
        pooled = self.pool(self.files.encode(texts))
        norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return np.asarray(pooled / norms, dtype=np.float32)

    def pool(self, encodings: Sequence[Any]) -> F32:
        """Mean-pooled last hidden states of tokenizer encodings (one text or one text pair each), in input order."""
        order = sorted(range(len(encodings)), key=lambda i: len(encodings[i].ids))
        out = np.zeros((len(encodings), self.dimension), dtype=np.float32)
        for g in range(0, len(order), GROUP):
            idx = order[g : g + GROUP]
            width = max(len(encodings[i].ids) for i in idx)
            ids = np.zeros((len(idx), width), dtype=np.int64)
            types = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.float32)
            for row, i in enumerate(idx):
                n = len(encodings[i].ids)
                ids[row, :n] = encodings[i].ids
                types[row, :n] = encodings[i].type_ids
                mask[row, :n] = 1.0
            out[idx] = _mean_pool(self.hidden(ids, mask, types), mask)
        return out

    def hidden(self, ids: NDArray[np.int64], mask: F32, types: NDArray[np.int64] | None = None) -> F32:
        """The last layer's hidden states for one padded group (`types`: segment ids of a text pair)."""
        w = self.w
        batch, width = ids.shape
        segment = w["embeddings.token_type_embeddings.weight"][0 if types is None else types]
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:width][None]
            + segment
        )
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], self.eps)
        bias = ((1.0 - mask) * np.finfo(np.float32).min)[:, None, None, :]
        head = self.dimension // self.heads
        for n in range(self.layers):
            p = f"encoder.layer.{n}."

            def linear(h: F32, name: str, p: str = p) -> F32:
                # 2-D and contiguous, so NumPy hands the product to one BLAS gemm call.
                flat = np.ascontiguousarray(h).reshape(-1, h.shape[-1])
                out = flat @ w[p + name + ".weight"] + w[p + name + ".bias"]
                return np.asarray(out.reshape(batch, width, -1), dtype=np.float32)

            def split(h: F32) -> F32:
                return h.reshape(batch, width, self.heads, head).transpose(0, 2, 1, 3)

            q = split(linear(x, "attention.self.query"))
            k = split(linear(x, "attention.self.key"))
            v = split(linear(x, "attention.self.value"))
            scores = (q @ k.transpose(0, 1, 3, 2)) / np.float32(np.sqrt(head)) + bias
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            ctx = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, width, self.dimension)
            x = _layer_norm(
                linear(ctx, "attention.output.dense") + x,
                w[p + "attention.output.LayerNorm.weight"],
                w[p + "attention.output.LayerNorm.bias"],
                self.eps,
            )
            h = linear(x, "intermediate.dense")
            h = 0.5 * h * (1.0 + _erf(h / np.float32(np.sqrt(2.0))))
            x = _layer_norm(
                linear(h, "output.dense") + x,
                w[p + "output.LayerNorm.weight"],
                w[p + "output.LayerNorm.bias"],
                self.eps,
            )
        return x


def _mean_pool(hidden: F32, mask: F32) -> F32:
    """The mean of each row's unmasked hidden states."""
    pooled = (hidden * mask[:, :, None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1e-9)
    return np.asarray(pooled, dtype=np.float32)
