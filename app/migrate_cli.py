"""`brieflens migrate`: copy the embedded index (SQLite catalog + local Chroma) to PostgreSQL + a Chroma server."""

from __future__ import annotations

from typing import Annotated

import typer

from app.cli_common import DataDir, _guard, _settings, err


def migrate_command(
    catalog_url: Annotated[
        str, typer.Option("--catalog-url", help="The target PostgreSQL catalog, postgresql://USER@HOST:PORT/DB.")
    ],
    chroma_url: Annotated[str, typer.Option("--chroma-url", help="The target Chroma server, http://HOST:PORT.")],
    data_dir: DataDir = None,
) -> None:
    """Copy the embedded index in the data dir to PostgreSQL and a Chroma server, reusing its vectors."""
    from retrieval.index import open_index
    from retrieval.index.embedders import make_embedder
    from retrieval.index.migrate import migrate

    with _guard():
        # The source is always the embedded index: the environment's URLs name the target, if anything.
        source_settings = _settings(data_dir).model_copy(update={"catalog_url": None, "chroma_url": None})
        target_settings = _settings(data_dir, catalog_url=catalog_url, chroma_url=chroma_url)
        embedder = make_embedder(source_settings)  # one model for both ends (a migration never embeds)
        source = open_index(source_settings, embedder)
        try:
            target = open_index(target_settings, embedder)
            try:
                report = migrate(source, target, lambda done, total: err.print(f"copied {done}/{total} documents"))
            finally:
                target.close()
        finally:
            source.close()
    err.print(
        f"Migrated {report.documents} documents and {report.chunks} chunks (vectors reused, nothing re-embedded).",
        highlight=False,
    )
