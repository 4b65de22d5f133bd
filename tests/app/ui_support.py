"""Shared by the UI tests: a seed-corpus index plus a brief whose text holds HTML, and the settings env."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.ui.launch import settings_env
from retrieval.index.embedding import SentenceTransformerEmbedder
from retrieval.service import BriefLens
from retrieval.settings import Settings

# A brief whose text carries markup: the UI must show it as text, never run or render it.
EVIL_NAME = "zorblax.txt"
EVIL_TEXT = (
    "Zorblax Dynamics Field Note\n\nShipments\n\n"
    "Zorblax Dynamics shipped <script>document.title='pwned'</script> forty quantum routers "
    "<b>to Lagos</b> in March, according to port records.\n\n"
    "The company plans a second consignment later in the year.\n"
)
EVIL_QUESTION = "How many quantum routers did Zorblax Dynamics ship to Lagos?"


def build_index(settings: Settings, corpus: Path, embedder: SentenceTransformerEmbedder) -> None:
    """Ingest the corpus folder (seed briefs + the markup brief) into the settings' data dir."""
    (corpus / EVIL_NAME).write_text(EVIL_TEXT, encoding="utf-8")
    lens = BriefLens(settings, embedder)
    try:
        assert lens.ingest([corpus]).indexed_ok
    finally:
        lens.close()


def export(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """Hand the settings to the app the documented way: BRIEFLENS_* variables, read by its entry script."""
    for name, value in settings_env(settings).items():
        monkeypatch.setenv(name, value)
