"""`brieflens serve`: the HTTP API (app.api) under uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer

from app.cli_common import DataDir, _guard, _settings, err

LOOPBACK = {"127.0.0.1", "::1", "localhost"}


def serve_command(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8000,
    data_dir: DataDir = None,
) -> None:
    """Serve the API (docs at /docs), OpenAI-compatible /v1 and MCP at /mcp; set BRIEFLENS_API_KEY beyond loopback."""
    import uvicorn

    from app.api import create_app

    with _guard():
        settings = _settings(data_dir)
        if host not in LOOPBACK and settings.api_key is None:
            err.print(
                f"[yellow]warning:[/yellow] listening on {host} without BRIEFLENS_API_KEY: anyone who can reach "
                "the port can ingest and delete briefs",
                highlight=False,
            )
        app = create_app(settings)
    uvicorn.run(app, host=host, port=port, log_level=settings.log_level.lower(), server_header=False)
