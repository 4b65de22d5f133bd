"""`brieflens mcp`: the MCP tools over stdio, for clients that start the server themselves (Claude Desktop, IDEs)."""

from __future__ import annotations

from app.cli_common import DataDir, _lens


def mcp_command(data_dir: DataDir = None) -> None:
    """Serve the MCP tools (search, ask, check_faithfulness, summarize, list_briefs) and brief:// resources on stdio."""
    from app.mcp.server import build_server

    # stdout carries the protocol: everything else (logs, errors) goes to stderr.
    with _lens(data_dir) as lens:
        build_server(lambda: lens, log_level=lens.settings.log_level.upper()).run("stdio")
