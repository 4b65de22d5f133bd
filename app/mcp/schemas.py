"""The structured results of the MCP tools that have no contract of their own (the others reuse the core's)."""

from __future__ import annotations

from pydantic import BaseModel

from retrieval.contract import DocumentInfo, SearchResult


class SearchOutput(BaseModel):
    """`search`: the ranked passages (the `search --json` contract)."""

    results: list[SearchResult]


class BriefList(BaseModel):
    """`list_briefs`: the indexed briefs (the `documents --json` contract)."""

    briefs: list[DocumentInfo]
