"""The MCP tools (search, ask, check_faithfulness, summarize, list_briefs) and the `brief://{doc_id}` resources.

Each tool returns text an agent can read (citations as [n] markers and a references list) plus structured content in
the JSON contract of the matching CLI command, with its output schema declared.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import anyio.to_thread
from mcp.server.fastmcp import FastMCP
from mcp.server.fastmcp.exceptions import ResourceError, ToolError
from mcp.types import CallToolResult, Resource, TextContent, ToolAnnotations
from pydantic import BaseModel, Field

from app.api.schemas import Filters
from app.cited_text import answer_text, summary_text, verdict_text
from app.mcp.schemas import BriefList, SearchOutput
from retrieval import contract
from retrieval.answer import Answer
from retrieval.errors import BriefLensError
from retrieval.limits import MAX_K
from retrieval.service import BriefLens
from retrieval.support.verdict import Verdict
from retrieval.writing.summarize import Summary

T = TypeVar("T")
# Where the tools find BriefLens: the API's reader when mounted in `serve`, the command's own under `brieflens mcp`.
LensSource = Callable[[], BriefLens]

INSTRUCTIONS = (
    "BriefLens answers from a corpus of analytical briefs. Every sentence it returns is a verbatim quote with a "
    "citation ([n] markers, references below the text, exact offsets in the structured content). "
    '"The corpus does not say." means the briefs do not hold the answer: do not guess beyond it.'
)
READ_ONLY = ToolAnnotations(readOnlyHint=True, openWorldHint=False)

Query = Annotated[str, Field(min_length=1, max_length=10_000, description="the question or search text")]
TopK = Annotated[
    int | None, Field(default=None, ge=1, le=MAX_K, description="passages to retrieve [default: the top_k setting]")
]
FilterArg = Annotated[Filters | None, Field(default=None, description="restrict retrieval to briefs, dates, sections")]
Ref = Annotated[str | None, Field(default=None, max_length=500, description="a brief: id, id prefix or file name")]


def result(text: str, structured: BaseModel) -> CallToolResult:
    """The tool result: readable text and the structured content."""
    return CallToolResult(
        content=[TextContent(type="text", text=text)], structuredContent=structured.model_dump(mode="json")
    )


async def run(call: Callable[[], T]) -> T:
    """Run a blocking core call off the event loop; a BriefLens error becomes the tool's error message."""
    try:
        return await anyio.to_thread.run_sync(call)
    except BriefLensError as e:
        raise ToolError(f"{e} ({e.help})" if e.help else str(e)) from e


class BriefServer(FastMCP[Any]):
    """FastMCP whose resource list is the index's briefs at the moment it is asked (ingests change it)."""

    def __init__(self, lens: LensSource, **options: Any) -> None:
        super().__init__(**options)
        self.lens = lens

    async def list_resources(self) -> list[Resource]:
        """One `brief://{doc_id}` resource per indexed brief."""
        docs = await anyio.to_thread.run_sync(lambda: self.lens().documents())
        return [
            Resource(
                uri=f"brief://{d.doc_id}",
                name=d.source,
                title=d.title,
                description=f"{d.title} ({d.date or 'undated'}), {d.n_chunks} passages",
                mimeType="application/json",
            )
            for d in docs
        ] + await super().list_resources()


def build_server(lens: LensSource, **options: Any) -> BriefServer:
    """The MCP server over one BriefLens; `options` go to FastMCP (transport settings)."""
    server = BriefServer(lens, name="brieflens", instructions=INSTRUCTIONS, **options)

    @server.tool(annotations=READ_ONLY)
    async def search(
        query: Query, k: TopK = None, filters: FilterArg = None
    ) -> Annotated[CallToolResult, SearchOutput]:
        """The passages most relevant to a query (hybrid BM25 + dense retrieval), with brief, section and offsets."""
        spec = filters.spec() if filters else None
        hits = await run(lambda: lens().search(query, k, spec))
        output = SearchOutput.model_validate({"results": contract.search_results(hits)})
        lines = [
            f"{r.rank}. {r.title} ({r.date or 'undated'}) — {r.section or 'no section'} [{r.start}:{r.end}]\n"
            f"   {' '.join(r.text.split())}"
            for r in output.results
        ]
        return result("\n".join(lines) or "No passage matches.", output)

    @server.tool(annotations=READ_ONLY)
    async def ask(question: Query, k: TopK = None, filters: FilterArg = None) -> Annotated[CallToolResult, Answer]:
        """A cited answer from the briefs (every sentence a verified quote), or "The corpus does not say."."""
        spec = filters.spec() if filters else None
        answer = await run(lambda: lens().ask(question, k, spec))
        return result(answer_text(answer), answer)

    @server.tool(annotations=READ_ONLY)
    async def check_faithfulness(
        text: Annotated[str, Field(min_length=1, max_length=100_000, description="the answer or summary to check")],
        doc: Ref = None,
        source: Annotated[str | None, Field(default=None, max_length=1_000_000, description="source text")] = None,
        question: Annotated[str | None, Field(default=None, max_length=10_000, description="what it answers")] = None,
    ) -> Annotated[CallToolResult, Verdict]:
        """Judge each claim of `text` with the configured judge against a brief (`doc`), the `source` text, or the
        passages retrieved for `question`: a verdict, score, reason and best source quote per claim."""
        verdict = await run(lambda: lens().check(text, source=source, doc=doc, question=question))
        return result(verdict_text(verdict), verdict)

    @server.tool(annotations=READ_ONLY)
    async def summarize(
        doc: Ref = None,
        topic: Annotated[
            str | None, Field(default=None, max_length=10_000, description="a topic across briefs")
        ] = None,
        bullets: Annotated[int | None, Field(default=None, ge=1, le=50, description="sentences to keep")] = None,
        filters: FilterArg = None,
    ) -> Annotated[CallToolResult, Summary]:
        """Summarise one brief (`doc`) or a `topic` (exactly one) into cited sentences, each a verbatim quote."""
        spec = filters.spec() if filters else None
        summary = await run(lambda: lens().summarize(doc, topic, bullets, spec))
        return result(summary_text(summary), summary)

    @server.tool(annotations=READ_ONLY)
    async def list_briefs() -> Annotated[CallToolResult, BriefList]:
        """The indexed briefs: id, title, publication date, source path and passage count."""
        docs = await run(lambda: lens().documents())
        output = BriefList.model_validate({"briefs": [contract.document_info(d) for d in docs]})
        lines = [f"- {b.title} ({b.date or 'undated'}) — brief://{b.doc_id} — {b.source}" for b in output.briefs]
        return result("\n".join(lines) or "The index is empty.", output)

    @server.resource("brief://{doc_id}", name="brief", mime_type="application/json")
    async def brief(doc_id: str) -> str:
        """A brief's text and metadata (the `show --json` contract: title, date, source, sections with offsets)."""
        try:
            doc = await anyio.to_thread.run_sync(lambda: lens().document(doc_id))
        except BriefLensError as e:
            raise ResourceError(str(e)) from e
        return json.dumps(contract.document(doc), ensure_ascii=False)

    return server
