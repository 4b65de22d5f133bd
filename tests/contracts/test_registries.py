"""Every registered back-end meets its protocol's contract: a new registry entry is tested here automatically."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from retrieval.chunk import ScoredChunk
from retrieval.generation import Generator
from retrieval.generation.backends import GENERATORS
from retrieval.index.embedders import EMBEDDERS
from retrieval.index.embedding import Embedder, SentenceTransformerEmbedder
from retrieval.sentences import split_sentences
from retrieval.service import BriefLens
from retrieval.settings import Settings
from retrieval.support.judge import Judge
from retrieval.support.judges import JUDGES
from tests.contracts.embedder import EmbedderContract
from tests.contracts.generator import QUESTION, GeneratorContract
from tests.contracts.judge import JudgeContract
from tests.llm_fixtures import needs_local
from tests.retrieval.model_helpers import sources
from tests.retrieval.openai_stub import Script, serve

# Back-ends that start a real model server (xllamacpp + SmolLM2): slow, and only with the local extra.
MARKS: dict[str, list[pytest.MarkDecorator]] = {"local": [pytest.mark.slow, needs_local]}
# A 135M model may write nothing the gate lets through: its abstention (or its evidence shown instead) is valid.
MAY_ABSTAIN = {"local"}


def registered(registry: Mapping[str, object]) -> list[Any]:
    """Every name in the registry, as a pytest parameter with the marks its back-end needs."""
    return [pytest.param(name, marks=MARKS.get(name, []), id=name) for name in registry]


def settings(tmp: Path, **values: Any) -> Settings:
    """Settings isolated from the environment, with data and model caches under `tmp`."""
    # `local` runs SmolLM2 here whatever is installed: the contract is the back-end's, and the 1.5B model is slow.
    base: dict[str, Any] = {
        "data_dir": tmp / "data",
        "local_cache_dir": tmp / "models",
        "llm_retries": 0,
        "local_model": "smollm2",
    }
    return Settings(_env_file=None, **{**base, **values})  # type: ignore[call-arg]


def quote_the_answer(messages: list[dict[str, str]]) -> str:
    """What a well-behaved model writes: the source sentence that answers QUESTION, cited by its number."""
    for n, body in sources(messages).items():
        for a, b in split_sentences(body):
            if "950PR" in body[a:b]:
                return f"{body[a:b]} [{n}]"
    return "The corpus does not say."


class TestEmbedders(EmbedderContract):
    @pytest.fixture(scope="class", params=registered(EMBEDDERS))
    def subject(self, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Embedder:
        """The registered embedder, built from settings naming it (model caches in a temp folder)."""
        return EMBEDDERS[request.param](settings(tmp_path_factory.mktemp("embedder"), embedder=request.param))


class TestGenerators(GeneratorContract):
    @pytest.fixture(scope="class")
    def contexts(self, lens: BriefLens) -> list[ScoredChunk]:
        """Passages of the seed briefs retrieved for the question."""
        return lens.search(QUESTION, 5)

    @pytest.fixture(scope="class", params=registered(GENERATORS))
    def subject(
        self,
        request: pytest.FixtureRequest,
        tmp_path_factory: pytest.TempPathFactory,
        embedder: SentenceTransformerEmbedder,
    ) -> Iterator[Generator]:
        """The registered generator; model back-ends talk to a real OpenAI-compatible server."""
        name: str = request.param
        # The stub serves the OpenAI wire protocol on 127.0.0.1; `local` starts its own llama.cpp server.
        with serve(Script([("ok", "")], respond=quote_the_answer)) as url:
            built = GENERATORS[name](
                settings(tmp_path_factory.mktemp("gen"), generator=name, llm_base_url=url), embedder
            )
            try:
                yield built
            finally:
                built.close()

    @pytest.fixture(autouse=True)
    def _abstention_rule(self, request: pytest.FixtureRequest) -> None:
        """The back-end under test decides whether an abstention on the question is allowed."""
        request.instance.may_abstain = request.node.callspec.params.get("subject") in MAY_ABSTAIN


class TestJudges(JudgeContract):
    @pytest.fixture(scope="class", params=registered(JUDGES))
    def subject(
        self,
        request: pytest.FixtureRequest,
        tmp_path_factory: pytest.TempPathFactory,
        embedder: SentenceTransformerEmbedder,
    ) -> Iterator[Judge]:
        """The registered judge; the LLM judge asks a real OpenAI-compatible server that says SUPPORTED."""
        with serve(Script([("ok", "SUPPORTED")])) as url:
            yield JUDGES[request.param](
                settings(tmp_path_factory.mktemp("judge"), judge=request.param, llm_base_url=url), embedder
            )
