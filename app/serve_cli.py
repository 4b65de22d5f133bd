"""`brieflens serve`: the HTTP API (app.api) under uvicorn."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from app.cli_common import DataDir, _guard, _settings, err, out

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
    # Like `ui`: say where it listens (the model loads before uvicorn's own lines appear).
    shown_host = f"[{host}]" if ":" in host else host
    key = "API key required (X-API-Key)" if settings.api_key is not None else "no API key"
    out.print(f"BriefLens API: http://{shown_host}:{port}  (docs at /docs; {key}; Ctrl-C to stop)", highlight=False)
    sys.stdout.flush()
    uvicorn.run(app, host=host, port=port, log_level=settings.log_level.lower(), server_header=False)
