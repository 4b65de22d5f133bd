"""BriefLens as an MCP server (official `mcp` SDK): tools and `brief://` resources over stdio or streamable HTTP.

`server.build_server` declares the tools once; `brieflens mcp` runs them over stdio, and `brieflens serve` mounts
them at /mcp behind the API key (`http.py`).
"""
