"""Per-process and per-session state: Settings built once per session, one cached BriefLens per Settings."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from retrieval.index.embedders import make_embedder
from retrieval.index.embedding import Embedder
from retrieval.service import BriefLens
from retrieval.settings import Settings

SETTINGS_KEY = "settings"


def init() -> Settings:
    """Build Settings from the environment (BRIEFLENS_*, .env) on a session's first run; reuse them after."""
    if SETTINGS_KEY not in st.session_state:
        st.session_state[SETTINGS_KEY] = Settings()
    settings: Settings = st.session_state[SETTINGS_KEY]
    return settings


def settings() -> Settings:
    """This session's Settings (built by the entry script)."""
    return init()


@st.cache_resource(show_spinner="Loading the embedding model…")
def _embedder(key: tuple[str, ...], _settings: Settings) -> Embedder:
    """One embedding model per process (keyed by the settings it is built from), shared by every index."""
    return make_embedder(_settings)


def _embedder_key(s: Settings) -> tuple[str, ...]:
    """The settings values an embedder is built from: equal keys, one shared model."""
    return (
        s.embedder,
        s.embedding_model,
        str(s.embed_batch_size),
        str(s.embed_threads),
        str(s.local_cache_dir),
        s.embed_precision,
    )


@st.cache_resource(show_spinner="Opening the index…")
def _lens(key: str, _settings: Settings) -> BriefLens:
    """One BriefLens per distinct Settings (keyed by their JSON), shared by every session of this process."""
    return BriefLens(_settings, _embedder(_embedder_key(_settings), _settings))


def lens() -> BriefLens:
    """The BriefLens facade for this session's Settings."""
    s = settings()
    return _lens(s.model_dump_json(), s)


@st.cache_resource
def _lock() -> threading.RLock:
    """One lock per process: the facade's SQLite manifest is shared by every session's thread."""
    return threading.RLock()


@contextmanager
def exclusive() -> Iterator[None]:
    """Hold the index while asking, ingesting or deleting, so one session never reads another's half-written state."""
    with _lock():
        yield
