"""Generator back-ends by name (BRIEFLENS_GENERATOR): extractive, openai, local; and who writes summaries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from retrieval.generation import Generator
from retrieval.generation.composer import LLMComposer
from retrieval.generation.extractive import Abstention, ExtractiveGenerator
from retrieval.generation.llm import LLMGenerator
from retrieval.generation.llm_client import ChatClient, LLMConfig
from retrieval.generation.synthesis import EvidenceWriter
from retrieval.index.embedding import Embedder
from retrieval.index.embedding_cache import CachedEmbedder
from retrieval.prompts import load_prompt
from retrieval.settings import Settings
from retrieval.support.gate import Gate
from retrieval.writing.compose import Composer, ExtractiveComposer


def extractive(settings: Settings, embedder: Embedder) -> ExtractiveGenerator:
    """The default: no model, every sentence a verbatim quote."""
    if settings.sentence_cache_size:
        embedder = CachedEmbedder(embedder, settings.sentence_cache_size)
    return ExtractiveGenerator(embedder, Abstention.from_settings(settings), settings.answer_max_sentences)


def openai_compatible(settings: Settings, embedder: Embedder, base_url: str | None = None) -> LLMGenerator:
    """Any OpenAI-compatible server, its sentences gated by the configured faithfulness judge."""
    return _model(settings, embedder, LLMConfig.from_settings(settings, base_url), "local" if base_url else "openai")


def _model(settings: Settings, embedder: Embedder, config: LLMConfig, name: str) -> LLMGenerator:
    """A model generator on `config`'s server with the configured judge, prompt and fallback."""
    # The judges load only when a model back-end is chosen: an extractive `ask` never needs them.
    from retrieval.support.judges import make_judge

    return LLMGenerator(
        name=name,
        client=ChatClient(config),
        prompt=load_prompt("answer", settings.prompts_dir),
        gate=Gate(make_judge(settings, embedder), settings.faithfulness_gate),
        extractive=extractive(settings, embedder),
        fallback=settings.llm_fallback,
    )


def local_generator(settings: Settings, embedder: Embedder, base_url: str) -> LLMGenerator:
    """The local back-end on a server already running at `base_url`: it writes from the extractive evidence."""
    s = settings
    # A small model on a shared CPU writes a few tokens a second: its own reply length and timeout.
    config = replace(LLMConfig.from_settings(s, base_url), timeout=s.local_timeout, max_tokens=s.local_max_tokens)
    generator = _model(s, embedder, config, "local")
    if s.local_evidence_sentences:
        base = generator.extractive
        n, margin = s.local_evidence_sentences, s.local_evidence_margin
        evidence = ExtractiveGenerator(base.embedder, base.abstention, n, margin)
        prompts = {"synthesise": load_prompt("synthesise", s.prompts_dir)}
        composer = LLMComposer("local", generator.client, prompts, generator.gate, s.llm_fallback)
        generator.synthesis = EvidenceWriter(evidence, composer, s.answer_max_sentences)
    return generator


def local(settings: Settings, embedder: Embedder) -> LLMGenerator:
    """A packaged GGUF model served by xllamacpp in a child process, stopped when BriefLens closes."""
    from retrieval.generation.local import LocalServer, resolve_model

    model = resolve_model(settings.local_model, settings.local_cache_dir, settings.local_model_sha256)
    server = LocalServer(model, settings.local_threads, settings.local_ctx, settings.local_port)
    try:
        generator = local_generator(settings, embedder, server.base_url)
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


def composer_backend(settings: Settings) -> str:
    """The back-end that writes summaries and drafts: `summary_generator`, or `generator` when that is "auto"."""
    return settings.generator if settings.summary_generator == "auto" else settings.summary_generator


def make_composer(settings: Settings, embedder: Embedder, generator: Generator) -> tuple[Composer, list[Generator]]:
    """Who writes summaries and drafts, and the generators built for it alone (the caller closes them).

    The answer generator's own composer when it is the back-end named (one model server, one judge);
    else the named back-end's, built here. The extractive composer needs no generator.
    """
    name = composer_backend(settings)
    if name == generator.name:
        return generator.composer(settings.prompts_dir), []
    if name == ExtractiveGenerator.name:
        return ExtractiveComposer(), []
    writer = GENERATORS[name](settings, embedder)
    return writer.composer(settings.prompts_dir), [writer]
