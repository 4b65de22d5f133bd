"""Helpers for tests that point BriefLens at an OpenAI-compatible server (the stub or the real local one)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from retrieval.answer import AnswerSentence
from retrieval.generation.backends import openai_compatible
from retrieval.index.embedding import SentenceTransformerEmbedder
from retrieval.service import BriefLens
from retrieval.settings import Settings

_SOURCE = re.compile(r'<source id="(\d+)"[^>]*>\n(.*?)\n</source>', re.S)


@contextmanager
def with_model(lens: BriefLens, embedder: SentenceTransformerEmbedder, url: str, **extra: Any) -> Iterator[BriefLens]:
    """The lens answering, summarising and drafting through the server at `url`; restored afterwards."""
    values: dict[str, Any] = {"data_dir": lens.settings.data_dir, "llm_base_url": url, "llm_timeout": 2.0}
    values.update(extra)
    settings = Settings(_env_file=None, generator="openai", **values)  # type: ignore[call-arg]
    saved = lens.generator, lens.composer
    generator = openai_compatible(settings, embedder)
    lens.generator, lens.composer = generator, generator.composer(None)
    try:
        yield lens
    finally:
        lens.generator, lens.composer = saved


def sources(messages: list[dict[str, str]]) -> dict[int, str]:
    """The fenced, numbered sources of a rendered prompt, by number."""
    return {int(n): body for n, body in _SOURCE.findall(messages[-1]["content"])}


def number_of(messages: list[dict[str, str]], words: str) -> int | None:
    """The number of the first source holding `words`, if any."""
    return next((n for n, body in sources(messages).items() if words in body), None)


def assert_verbatim(lens: BriefLens, sentences: Iterable[AnswerSentence]) -> None:
    """Every shown sentence is supported and cited, each citation's quote verbatim at its offsets."""
    for sentence in sentences:
        assert sentence.supported and sentence.citations, sentence.text
        for c in sentence.citations:
            doc = lens.index.catalog.document(c.doc_id)
            assert doc is not None and doc.text[c.start : c.end] == c.quote, c
