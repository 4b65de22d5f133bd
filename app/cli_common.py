"""Helpers every command module shares: consoles, option types, Settings, the error guard, the filter options.

They live apart from app.cli so the command modules (eval_cli, draft_cli, serve_cli, ui.launch) can import them
while app.cli imports those modules, also when it runs as `python -m app.cli`.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, get_type_hints

import typer
from rich.console import Console
from rich.markup import escape

from retrieval.limits import MAX_K
from retrieval.printable import printable

if TYPE_CHECKING:
    from retrieval.search.filters import FilterSpec
    from retrieval.service import BriefLens
    from retrieval.settings import Settings

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def shown(text: str) -> str:
    """User-given text (a file name, a title) for rich output: one line, and never read as markup."""
    return escape(printable(text))


DataDir = Annotated[
    Path | None,
    typer.Option("--data-dir", help="Index folder \\[default: $BRIEFLENS_DATA_DIR or ./.brieflens]."),
]
CatalogUrl = Annotated[
    str | None,
    typer.Option(
        "--catalog-url",
        help="PostgreSQL catalog shared by many servers, postgresql://… [default: $BRIEFLENS_CATALOG_URL or the "
        "embedded SQLite catalog].",
    ),
]
JsonOut = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON (the documented contract).")]
TopK = Annotated[
    int | None, typer.Option("-k", "--top-k", min=1, max=MAX_K, help="Passages to retrieve \\[default: 5].")
]
Docs = Annotated[
    list[str] | None,
    typer.Option("--doc", help="Only these briefs (id or file name, or a unique prefix of either); repeatable."),
]
Sources = Annotated[
    list[str] | None, typer.Option("--source", help="Only briefs whose path matches this glob; repeatable.")
]
Section = Annotated[str | None, typer.Option("--section", help="Only sections whose heading path contains this text.")]
Since = Annotated[str | None, typer.Option("--since", help="Only briefs published on or after DATE (YYYY-MM-DD).")]
Until = Annotated[str | None, typer.Option("--until", help="Only briefs published on or before DATE (YYYY-MM-DD).")]
AsOf = Annotated[str | None, typer.Option("--as-of", help="Ignore briefs published after DATE (undated briefs stay).")]
GeneratorOpt = Annotated[
    str | None,
    typer.Option("--generator", help="extractive, openai or local \\[default: $BRIEFLENS_GENERATOR or extractive]."),
]


def _settings(data_dir: Path | None, generator: str | None = None, **options: Any) -> Settings:
    """Build Settings once, from the environment and the command line (`options`: other settings given there)."""
    from pydantic import ValidationError

    from retrieval.errors import ConfigError
    from retrieval.settings import Settings

    # Settings' __init__ also types its _env_file-style arguments; options left unset keep the environment's.
    overrides: dict[str, Any] = {k: v for k, v in options.items() if v is not None}
    if data_dir is not None:
        overrides["data_dir"] = data_dir
    if generator is not None:
        overrides["generator"] = generator
    try:
        settings = Settings(**overrides)
    except ValidationError as e:
        raise ConfigError("; ".join(f"{'.'.join(map(str, x['loc']))}: {x['msg']}" for x in e.errors())) from e
    logging.basicConfig(
        level=settings.log_level.upper(), stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s"
    )
    return settings


@contextmanager
def _guard() -> Iterator[None]:
    """Turn a BriefLens error into one clear line, its help, and exit code 2."""
    from retrieval.errors import BriefLensError

    try:
        yield
    except BriefLensError as e:
        err.print(f"[red]error:[/red] {shown(str(e))}", highlight=False)
        if e.help:
            err.print(f"[dim]{e.help}[/dim]", highlight=False)
        raise typer.Exit(2) from e


@contextmanager
def _lens(data_dir: Path | None, generator: str | None = None, **options: Any) -> Iterator[BriefLens]:
    """Open BriefLens under the error guard, and close it afterwards."""
    from retrieval.service import BriefLens

    with _guard():
        lens = BriefLens(_settings(data_dir, generator, **options))
        try:
            yield lens
        finally:
            lens.close()


def _date(value: str | None, option: str) -> dt.date | None:
    """Parse a YYYY-MM-DD option value, or exit with a clear message."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as e:
        err.print(f"[red]error:[/red] {option} expects a date as YYYY-MM-DD, got {value!r}", highlight=False)
        raise typer.Exit(2) from e


@dataclass(frozen=True)
class FilterOptions:
    """The retrieval filter options as given on the command line, declared once for every command that takes them."""

    doc: Docs = None
    source: Sources = None
    section: Section = None
    since: Since = None
    until: Until = None
    as_of: AsOf = None

    def spec(self) -> FilterSpec:
        """The filters, once the dates are checked (a bad date exits with a clear message)."""
        from retrieval.search.filters import FilterSpec

        return FilterSpec(
            docs=tuple(self.doc or ()),
            sources=tuple(self.source or ()),
            section=self.section,
            since=_date(self.since, "--since"),
            until=_date(self.until, "--until"),
            as_of=_date(self.as_of, "--as-of"),
        )


NO_FILTERS = FilterOptions()


def with_filters(command: Callable[..., None]) -> Callable[..., None]:
    """Show Typer the filter options in place of the command's FilterOptions parameter, and gather them back into it."""
    # Typer reads options from the signature and has no option groups: the six options take that parameter's place
    # (keeping --help's order), and the dates are checked only where the command calls `.spec()`, as before.
    hints = get_type_hints(FilterOptions, include_extras=True)
    names = [f.name for f in fields(FilterOptions)]
    options = [
        inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None, annotation=hints[name])
        for name in names
    ]
    signature = inspect.signature(command, eval_str=True)
    params = list(signature.parameters.values())
    [at] = [i for i, p in enumerate(params) if p.annotation is FilterOptions]
    target = params[at].name
    params[at : at + 1] = options

    @functools.wraps(command)
    def run(**kwargs: Any) -> None:
        given = FilterOptions(**{name: kwargs.pop(name) for name in names})
        command(**kwargs, **{target: given})

    run.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
    run.__annotations__ = {p.name: p.annotation for p in params} | {"return": None}
    return run
