"""The report writer's commands: `brieflens summarize`, `brieflens draft` and `brieflens compare`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from app.cli_common import (
    NO_FILTERS,
    DataDir,
    FilterOptions,
    GeneratorOpt,
    JsonOut,
    _lens,
    err,
    out,
    shown,
    with_filters,
)
from app.cli_render import print_gate, print_json, print_references, print_sentences

if TYPE_CHECKING:
    from rich.progress import TaskID

    from retrieval.citation import Citation
    from retrieval.writing.export import Exportable

OutFile = Annotated[
    Path | None, typer.Option("--out", help="Also write the result to FILE.md (footnotes) or FILE.docx (references).")
]


def register(app: typer.Typer) -> None:
    """Add summarize, draft and compare to the main command line."""
    app.command("summarize")(summarize)
    app.command("draft")(draft)
    app.command("compare")(compare)


@contextmanager
def _working(message: str, enabled: bool) -> Iterator[None]:
    """A spinner on stderr while the model reads the evidence (only on a terminal)."""
    if not enabled or not err.is_terminal:
        yield
        return
    with err.status(message):
        yield


def _check_out(path: Path | None) -> None:
    """Reject an --out path we could not write before any work is done."""
    from retrieval.errors import ExportError
    from retrieval.writing.export import FORMATS

    if path is None:
        return
    if path.suffix.lower() not in FORMATS:
        raise ExportError(f"cannot export to {path.name!r}: the file name must end in .md or .docx")
    if not path.parent.is_dir():
        raise ExportError(f"cannot write {path}: folder {path.parent} does not exist")


def _write(doc: Exportable, path: Path | None) -> None:
    """Export when --out was given, and say where."""
    from retrieval.writing.export import export

    if path is not None:
        err.print(f"wrote {export(doc, path)}", highlight=False)


@with_filters
def summarize(
    doc_ref: Annotated[
        str | None, typer.Argument(help="A brief: id or file name, or a unique prefix of either.", show_default=False)
    ] = None,
    topic: Annotated[str | None, typer.Option("--topic", help="Summarise a topic across briefs instead.")] = None,
    bullets: Annotated[
        int | None, typer.Option("--bullets", "-n", min=1, max=50, help="Sentences \\[default: 8].")
    ] = None,
    filter_options: FilterOptions = NO_FILTERS,
    out_file: OutFile = None,
    generator: GeneratorOpt = None,
    data_dir: DataDir = None,
    as_json: JsonOut = False,
) -> None:
    """Summarise a brief (DOC) or a --topic: salient, non-redundant sentences, each a cited verbatim quote."""
    from retrieval.errors import QueryError
    from retrieval.writing.export import from_summary

    filters = filter_options.spec()
    with _lens(data_dir, generator) as lens:
        if (doc_ref is None) == (topic is None):
            raise QueryError("give a DOC or --topic TEXT (exactly one)")
        _check_out(out_file)
        with _working("Summarising…", not as_json):
            result = lens.summarize(ref=doc_ref, topic=topic, bullets=bullets, filters=filters)
        title = f"Summary: {topic}" if topic else f"Summary: {result.sections[0].title if result.sections else doc_ref}"
        _write(from_summary(result, title), out_file)
        if as_json:
            print_json(result.model_dump(mode="json"))
            return
        if result.abstained:
            out.print("[bold]The corpus does not say.[/bold]")
            return
        notes: list[Citation] = []
        for block in result.sections:
            out.print(f"[bold]{shown(block.title)}[/bold] — {shown(block.section or '(no section)')}", highlight=False)
            print_sentences(block.sentences, notes)
        print_references(notes)
        print_gate(result)


@with_filters
def draft(
    title: Annotated[
        str, typer.Argument(help='The section to draft, e.g. "Hardware sovereignty and export controls".')
    ],
    guidance: Annotated[str, typer.Option("--guidance", help="What the section should focus on.")] = "",
    outline_only: Annotated[bool, typer.Option("--outline-only", help="Only the outline, no paragraphs.")] = False,
    filter_options: FilterOptions = NO_FILTERS,
    out_file: OutFile = None,
    generator: GeneratorOpt = None,
    data_dir: DataDir = None,
    as_json: JsonOut = False,
) -> None:
    """Draft a report section: an outline of 3–6 subsections, cited paragraphs, flags and a Sources list."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from retrieval.writing.export import from_draft

    filters = filter_options.spec()
    with _lens(data_dir, generator) as lens:
        _check_out(out_file)
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
        with Progress(*columns, console=err, transient=True, disable=as_json or not err.is_terminal) as bar:
            tasks: dict[str, TaskID] = {}

            def progress(phase: str, done: int, total: int) -> None:
                label = {"read": "Reading the evidence", "write": "Writing subsections"}.get(phase, phase)
                if phase not in tasks:
                    tasks[phase] = bar.add_task(label, total=total)
                bar.update(tasks[phase], completed=done, total=total)

            result = lens.draft(title, guidance, outline_only, filters, progress)
        _write(from_draft(result), out_file)
        if as_json:
            print_json(result.model_dump(mode="json"))
            return
        out.print(f"[bold]{result.title}[/bold]", highlight=False)
        notes: list[Citation] = []
        for n, sub in enumerate(result.subsections, 1):
            flag = f" [yellow]⚠ {sub.flag}[/yellow]" if sub.flag else ""
            briefs = f"{len(sub.doc_ids)} brief" + ("" if len(sub.doc_ids) == 1 else "s")
            out.print(f"\n[bold]{n}. {shown(sub.heading)}[/bold]{flag} [dim]({briefs})[/dim]", highlight=False)
            print_sentences(sub.sentences, notes, bullet="")
        print_references(notes)
        print_gate(result)


@with_filters
def compare(
    topic: Annotated[str, typer.Option("--topic", help="What to compare the briefs on.")],
    filter_options: FilterOptions = NO_FILTERS,
    data_dir: DataDir = None,
    as_json: JsonOut = False,
) -> None:
    """What each brief says on a topic, side by side; flags statements that disagree on a figure."""
    filters = filter_options.spec()
    with _lens(data_dir) as lens:
        with _working("Comparing…", not as_json):
            result = lens.compare(topic, filters)
        if as_json:
            print_json(result.model_dump(mode="json"))
            return
        if result.abstained:
            out.print("[bold]The corpus does not say.[/bold]")
            return
        notes: list[Citation] = []
        for column in result.columns:
            out.print(
                f"[bold]{shown(column.title)}[/bold] [dim]({column.date or 'undated'}, {shown(column.source)})[/dim]"
            )
            print_sentences(column.sentences, notes)
        for d in result.disagreements:
            out.print(
                f"\n[red]⚠ disagreement on {d.subject} ({d.unit}):[/red] {', '.join(d.first_figures)} "
                f"in {d.first.title} [{d.first.start}:{d.first.end}] vs {', '.join(d.second_figures)} "
                f"in {d.second.title} [{d.second.start}:{d.second.end}]",
                highlight=False,
            )
        print_references(notes)
