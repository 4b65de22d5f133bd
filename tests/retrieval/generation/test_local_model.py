"""Which packaged model `--generator local` runs, and the Qwen model itself when `make local-model` installed it."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path

import pytest

from retrieval.errors import ConfigError
from retrieval.generation.local import (
    AUTO,
    QWEN_CODER,
    SMOLLM2,
    missing_qwen_parts,
    model_name,
    resolve_model,
)
from retrieval.index.embedding import SentenceTransformerEmbedder
from retrieval.service import BriefLens
from retrieval.settings import QWEN_SHA256, Settings
from tests.conftest import CORPUS

QWEN_INSTALLED = not missing_qwen_parts()
needs_qwen = pytest.mark.skipif(
    not QWEN_INSTALLED or importlib.util.find_spec("xllamacpp") is None,
    reason="the Qwen model is not installed (make local-model; about 1.1 GB, never in CI)",
)


def test_auto_is_qwen_when_installed_else_smollm2() -> None:
    assert Settings(_env_file=None).local_model == AUTO  # type: ignore[call-arg]
    assert model_name(AUTO) == (QWEN_CODER if QWEN_INSTALLED else SMOLLM2)
    assert model_name(SMOLLM2) == SMOLLM2 and model_name("x.gguf") == "x.gguf"


@pytest.mark.skipif(QWEN_INSTALLED, reason="the Qwen parts are installed here")
def test_qwen_without_its_parts_is_a_config_error_naming_the_install(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="parts are missing") as caught:
        resolve_model(QWEN_CODER, tmp_path)
    assert "make local-model" in caught.value.help and "smollm2" in caught.value.help
    assert not any(tmp_path.iterdir())


def test_an_unknown_model_name_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="neither 'auto'"):
        resolve_model("qwen-7b", tmp_path)


@pytest.mark.slow
@needs_qwen
def test_a_corrupted_assembly_is_caught(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="expected 0000"):
        resolve_model(QWEN_CODER, tmp_path, "0" * 64)
    assert not list(tmp_path.glob("*.gguf"))
    # The right hash: assembled once, then found in the cache.
    path = resolve_model(QWEN_CODER, tmp_path, QWEN_SHA256)
    assert path.stat().st_size == 1_117_320_768
    assert resolve_model(QWEN_CODER, tmp_path) == path


@pytest.fixture(scope="module")
def qwen_lens(tmp_path_factory: pytest.TempPathFactory, embedder: SentenceTransformerEmbedder) -> Iterator[BriefLens]:
    """The seed corpus answered by `--generator local` with the default model (Qwen, installed)."""
    data = tmp_path_factory.mktemp("qwen")
    settings = Settings(_env_file=None, data_dir=data, generator="local", local_cache_dir=data / "models")  # type: ignore[call-arg]
    lens = BriefLens(settings, embedder)
    lens.ingest([CORPUS])
    yield lens
    lens.close()


@pytest.mark.slow
@needs_qwen
def test_qwen_writes_a_cited_answer_with_the_names(qwen_lens: BriefLens) -> None:
    answer = qwen_lens.ask("Which Huawei chips achieved day-zero compatibility with DeepSeek V4?")
    assert answer.generator == "local" and not answer.abstained, answer.notes
    assert "950PR" in answer.answer and "950DT" in answer.answer
    for c in answer.citations:
        doc = qwen_lens.index.catalog.document(c.doc_id)
        assert doc is not None and doc.text[c.start : c.end] == c.quote
    assert all(s.supported and s.citations for s in answer.sentences)
