"""The brieflens command line: ingest, search, ask, chat, documents, show (and the servers: ui, serve, mcp)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from app.cli_common import (
    NO_FILTERS,
    CatalogUrl,
    DataDir,
    FilterOptions,
    GeneratorOpt,
    JsonOut,
    TopK,
    _lens,
    err,
    out,
    shown,
    with_filters,
)
from app.cli_render import print_hits, print_json, show_answer, show_notes, stream_answer
from app.draft_cli import register as register_drafting
from app.eval_cli import check_command, eval_app
from app.mcp_cli import mcp_command
from app.migrate_cli import migrate_command
from app.serve_cli import serve_command
from app.ui.launch import ui_command  # importing the web UI's launcher does not import streamlit

if TYPE_CHECKING:
    from rich.progress import TaskID

    from retrieval.search.filters import FilterSpec
    from retrieval.service import BriefLens

app = typer.Typer(
    help="BriefLens: ask a corpus of analytical briefs and get answers whose every sentence cites an exact quote.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.command()
def ingest(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files or folders \\[default: ./corpus].")] = None,
    data_dir: DataDir = None,
    catalog_url: CatalogUrl = None,
    as_json: JsonOut = False,
) -> None:
    """Sync the index with folders of briefs: add new, re-embed changed, drop deleted files."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from retrieval import contract

    with _lens(data_dir, catalog_url=catalog_url) as lens:
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as bar:
            tasks: dict[str, TaskID] = {}

            def progress(phase: str, done: int, total: int) -> None:
                label = {"scan": "Reading files", "embed": "Embedding chunks"}.get(phase, phase)
                if phase not in tasks:
                    tasks[phase] = bar.add_task(label, total=total)
                bar.update(tasks[phase], completed=done, total=total)

            report = lens.ingest(paths, progress)
        for problem in report.problems:
            err.print(f"[yellow]skipped:[/yellow] {shown(problem)}", highlight=False)
        for warning in report.warnings:
            err.print(f"[yellow]warning:[/yellow] {shown(warning)}", highlight=False)
        if as_json:
            print_json(contract.ingest_report(report))
        else:
            total = len(lens.documents())
            err.print(
                f"Indexed {total} documents: {len(report.added)} added, {len(report.updated)} updated, "
                f"{len(report.unchanged)} unchanged, {len(report.renamed)} renamed, {len(report.removed)} removed; "
                f"embedded {report.chunks_embedded} chunks, removed {report.chunks_removed}"
                + (f"; {len(report.problems)} problems" if report.problems else "")
                + (f"; recovered {report.recovered} chunks of an interrupted ingest" if report.recovered else "")
                + ".",
                highlight=False,
            )
        if not report.indexed_ok:
            raise typer.Exit(1)


def _read_batch(path: Path) -> list[tuple[int, str | None, str | None]]:
    """Read {"id", "query"} lines as (line number, id, query); a malformed line has no query (and maybe no id)."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as e:
        err.print(f"[red]error:[/red] cannot read {shown(str(path))} ({e.strerror or e})", highlight=False)
        raise typer.Exit(2) from e
    items: list[tuple[int, str | None, str | None]] = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            obj = None
        item_id = str(obj["id"]) if isinstance(obj, dict) and obj.get("id") is not None else None
        query = obj.get("query") if isinstance(obj, dict) else None
        items.append((n, item_id, query if isinstance(query, str) else None))
    return items


def _run_batch(lens: BriefLens, path: Path, top_k: int | None, filters: FilterSpec) -> bool:
    """Print one JSON line per query: its results, or its error (the run goes on); True when every line worked."""
    from retrieval import contract
    from retrieval.errors import QueryError

    ok = True
    for n, item_id, query in _read_batch(path):
        try:
            if query is None or item_id is None:
                raise QueryError(
                    'expected a JSON object with "id" and "query" (a string)',
                    help='Each line of a --batch file is one JSON object: {"id": "q1", "query": "…"}.',
                )
            print_json({"id": item_id, "results": contract.search_results(lens.search(query, top_k, filters))})
            continue
        except QueryError as e:
            error = contract.ErrorInfo(code=contract.error_code(e), message=str(e), help=e.help or None)
        ok = False
        print_json(contract.BatchError(line=n, id=item_id, error=error).model_dump(mode="json"))
        err.print(f"[red]error:[/red] {shown(str(path))}:{n}: {error.message}", highlight=False)
    return ok


@app.command()
@with_filters
def search(
    query: Annotated[str | None, typer.Argument(help="What to look for.")] = None,
    top_k: TopK = None,
    filter_options: FilterOptions = NO_FILTERS,
    batch: Annotated[
        Path | None, typer.Option("--batch", help='JSONL of {"id", "query"}; one result line per query.')
    ] = None,
    data_dir: DataDir = None,
    as_json: JsonOut = False,
) -> None:
    """Show the passages most relevant to a query (or to each query of a --batch file)."""
    from retrieval import contract

    if (query is None) == (batch is None):
        err.print("[red]error:[/red] give a QUERY or --batch FILE (not both)")
        raise typer.Exit(2)
    filters = filter_options.spec()
    with _lens(data_dir) as lens:
        if batch is not None:
            if not _run_batch(lens, batch, top_k, filters):
                raise typer.Exit(1)
            return
        assert query is not None
        hits = lens.search(query, top_k, filters)
        if as_json:
            print_json(contract.search_results(hits))
            return
        print_hits(hits)


@app.command()
@with_filters
def ask(
    question: Annotated[str, typer.Argument(help="A question about the corpus.")],
    top_k: TopK = None,
    filter_options: FilterOptions = NO_FILTERS,
    generator: GeneratorOpt = None,
    stream: Annotated[bool, typer.Option("--stream", help="Print the model's tokens as they arrive.")] = False,
    data_dir: DataDir = None,
    as_json: JsonOut = False,
) -> None:
    """Answer from the corpus; every sentence cites an exact quote, or it says the corpus does not say."""
    from retrieval import contract

    filters = filter_options.spec()
    with _lens(data_dir, generator) as lens:
        if stream:
            stream_answer(lens, question, top_k, filters, as_json)
            return
        result = lens.ask(question, top_k, filters)
        if as_json:
            print_json(contract.answer(result))
        else:
            show_notes(result)
            show_answer(result)


@app.command()
@with_filters
def chat(
    top_k: TopK = None,
    filter_options: FilterOptions = NO_FILTERS,
    generator: GeneratorOpt = None,
    data_dir: DataDir = None,
    as_json: JsonOut = False,
) -> None:
    """Ask questions one after another; follow-ups ("and what about Moonshot?") carry the last topic forward."""
    from retrieval import contract
    from retrieval.errors import QueryError
    from retrieval.search.conversation import Conversation

    filters = filter_options.spec()
    with _lens(data_dir, generator) as lens:
        if not as_json:
            err.print(
                f"BriefLens chat over {len(lens.documents())} briefs. Ask a question; 'exit' or Ctrl-D to quit.",
                highlight=False,
            )
        read: Callable[[], str] = (lambda: input("you> ")) if sys.stdin.isatty() else sys.stdin.readline
        conversation = Conversation(rewrite=lens.condenser())
        streaming = lens.generator.streams_tokens and not as_json
        while True:
            try:
                line = read()
            except (EOFError, KeyboardInterrupt):
                break
            if not line or line.strip().lower() in {"exit", "quit"}:
                break
            if not line.strip():
                continue
            query = conversation.standalone(line)
            if query != line.strip() and not as_json:
                err.print(f"[dim](searching: {query})[/dim]", highlight=False)
            try:
                if streaming:
                    stream_answer(lens, query, top_k, filters, as_json=False)
                    out.print()
                    continue
                result = lens.ask(query, top_k, filters)
            except QueryError as e:
                err.print(f"[red]error:[/red] {e}", highlight=False)
                continue
            if as_json:
                print_json(contract.answer(result))
                continue
            show_notes(result)
            show_answer(result)
            out.print()


@app.command()
def documents(data_dir: DataDir = None, as_json: JsonOut = False) -> None:
    """List the indexed briefs: id, title, date, source and chunk count."""
    from rich import box
    from rich.table import Table

    from retrieval import contract

    with _lens(data_dir) as lens:
        docs = lens.documents()
        if as_json:
            print_json([contract.document_info(d) for d in docs])
            return
        # The source stays whole on one line (it is what --doc and `show` take): the title wraps instead, and a
        # path too long for the terminal widens the table rather than being cut.
        table = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
        table.add_column("id", no_wrap=True)
        table.add_column("title", min_width=12)
        table.add_column("date", no_wrap=True)
        table.add_column("source", no_wrap=True)
        table.add_column("chunks", no_wrap=True, justify="right")
        for d in docs:
            table.add_row(d.doc_id[:12], shown(d.title), d.date or "", shown(d.source), str(d.n_chunks))
        longest = max((len(shown(d.source)) for d in docs), default=0)
        terminal = out.width  # print() never renders wider than the console, so widen it for this table
        out.width = max(terminal, 12 + 12 + 10 + max(longest, 6) + 6 + 4 * 2)
        try:
            out.print(table)
        finally:
            out.width = terminal


@app.command()
def show(
    doc_id: Annotated[str, typer.Argument(help="Document id or file name, or a unique prefix of either.")],
    data_dir: DataDir = None,
    as_json: JsonOut = False,
) -> None:
    """Show one brief: metadata, sections with offsets, and its text."""
    from retrieval import contract

    with _lens(data_dir) as lens:
        doc = lens.document(doc_id)
        if as_json:
            print_json(contract.document(doc))
            return
        out.print(f"[bold]{shown(doc.title)}[/bold] [dim]{doc.id}[/dim]", highlight=False)
        out.print(
            f"source: {shown(doc.source)}   date: {doc.date or 'unknown'}   characters: {len(doc.text)}",
            highlight=False,
        )
        for section in doc.sections:
            out.print(
                f"  {'  ' * (section.level - 1)}{shown(section.title)} [dim][{section.start}:{section.end}][/dim]",
                highlight=False,
            )
        out.print()
        out.print(doc.text, highlight=False, markup=False)


app.add_typer(eval_app, name="eval")
app.command("check")(check_command)
register_drafting(app)
app.command("ui")(ui_command)
app.command("serve")(serve_command)
app.command("mcp")(mcp_command)
app.command("migrate")(migrate_command)


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
