"""Generator back-ends by name (BRIEFLENS_GENERATOR): extractive, openai, local."""

from __future__ import annotations

from collections.abc import Callable

from retrieval.generation import Generator
from retrieval.generation.extractive import Abstention, ExtractiveGenerator
from retrieval.generation.llm import LLMGenerator
from retrieval.generation.llm_client import ChatClient, LLMConfig
from retrieval.index.embedding import Embedder
from retrieval.index.embedding_cache import CachedEmbedder
from retrieval.prompts import load_prompt
from retrieval.settings import Settings
from retrieval.support.gate import Gate


def extractive(settings: Settings, embedder: Embedder) -> ExtractiveGenerator:
    """The default: no model, every sentence a verbatim quote."""
    abstention = Abstention(settings.abstain_threshold, settings.abstain_slope, settings.cosine_weight)
    if settings.sentence_cache_size:
        embedder = CachedEmbedder(embedder, settings.sentence_cache_size)
    return ExtractiveGenerator(embedder, abstention, settings.answer_max_sentences)


def openai_compatible(settings: Settings, embedder: Embedder, base_url: str | None = None) -> LLMGenerator:
    """Any OpenAI-compatible server, its sentences gated by the offline faithfulness judge."""
    from retrieval.support.judge import (
        make_judge,  # eval depends on retrieval; import here so retrieval loads without it
    )

    config = LLMConfig(
        base_url=base_url or settings.llm_base_url,
        model=settings.llm_model,
        api_key=settings.llm_api_key.get_secret_value(),
        temperature=settings.llm_temperature,
        timeout=settings.llm_timeout,
        max_tokens=settings.llm_max_tokens,
        retries=settings.llm_retries,
    )
    return LLMGenerator(
        name="local" if base_url else "openai",
        client=ChatClient(config),
        prompt=load_prompt("answer", settings.prompts_dir),
        gate=Gate(make_judge(settings, embedder), settings.faithfulness_gate),
        extractive=extractive(settings, embedder),
        fallback=settings.llm_fallback,
    )


def local(settings: Settings, embedder: Embedder) -> LLMGenerator:
    """A packaged GGUF model served by xllamacpp in a child process, stopped when BriefLens closes."""
    from retrieval.generation.local import LocalServer, resolve_model

    model = resolve_model(settings.local_model, settings.local_cache_dir, settings.local_model_sha256)
    server = LocalServer(model, settings.local_threads, settings.local_ctx, settings.local_port)
    try:
        generator = openai_compatible(settings, embedder, base_url=server.base_url)
    except BaseException:
        server.stop()
        raise
    generator.on_close.append(server.stop)
    return generator


GENERATORS: dict[str, Callable[[Settings, Embedder], Generator]] = {
    "extractive": extractive,
    "openai": openai_compatible,
    "local": local,
}
