"""LangChain's own standard test suites (langchain-tests) against BriefLens's retriever and embeddings."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
from langchain_tests.integration_tests import EmbeddingsIntegrationTests, RetrieversIntegrationTests
from langchain_tests.unit_tests import EmbeddingsUnitTests

from retrieval.index.embedding import SentenceTransformerEmbedder
from retrieval.langchain.embeddings import BriefLensEmbeddings
from retrieval.langchain.retriever import BriefLensRetriever
from retrieval.service import BriefLens

# The suites' async tests (ainvoke, aembed_*) run on pytest-asyncio, which langchain-tests brings.
# Marking the module marks the suites' sync tests too; pytest-asyncio's warning about those says nothing.
pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.filterwarnings("ignore:The test <Function .* is marked with '@pytest.mark.asyncio'"),
]


class TestRetrieverStandard(RetrieversIntegrationTests):
    """`k` in the constructor and in invoke(), sync and async, over the ingested seed briefs."""

    bound: ClassVar[dict[str, Any]] = {}

    @pytest.fixture(autouse=True)
    def _bind(self, lens: BriefLens) -> None:
        """The suite builds retrievers from class properties: hand them the session's index."""
        self.bound["lens"] = lens

    @property
    def retriever_constructor(self) -> type[BriefLensRetriever]:
        return BriefLensRetriever

    @property
    def retriever_constructor_params(self) -> dict[str, Any]:
        return {"lens": self.bound["lens"]}

    @property
    def retriever_query_example(self) -> str:
        return "Huawei Ascend chips and DeepSeek V4"


class _EmbeddingsParams:
    """The real packaged embedding model behind BriefLensEmbeddings."""

    bound: ClassVar[dict[str, Any]] = {}

    @pytest.fixture(autouse=True)
    def _bind(self, embedder: SentenceTransformerEmbedder) -> None:
        self.bound["embedder"] = embedder

    @property
    def embeddings_class(self) -> type[BriefLensEmbeddings]:
        return BriefLensEmbeddings

    @property
    def embedding_model_params(self) -> dict[str, Any]:
        return {"embedder": self.bound["embedder"]}


class TestEmbeddingsUnitStandard(_EmbeddingsParams, EmbeddingsUnitTests):
    """Construction from the model parameters."""


class TestEmbeddingsIntegrationStandard(_EmbeddingsParams, EmbeddingsIntegrationTests):
    """Query and document vectors, sync and async, of the right length."""
