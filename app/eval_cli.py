"""The evaluator's commands: `brieflens eval questions|summaries FILE.jsonl` and `brieflens check`."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from app.cli_common import DataDir, JsonOut, TopK, _guard, _lens, _settings, err, out
from app.cli_render import print_json, print_note

if TYPE_CHECKING:
    from eval.datasets import SummaryCase
    from eval.harness import Report, SourceResolver
    from retrieval.service import BriefLens
    from retrieval.settings import Settings
    from retrieval.support.judge import Judge

eval_app = typer.Typer(
    help="Score answers and summaries against the briefs with a calibrated faithfulness judge.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
JudgeOpt = Annotated[
    str | None,
    # A name outside the registry is refused by make_judge with the list of known judges.
    typer.Option(
        "--judge",
        help="offline (the tuned judge for summaries; answers must pass the rules and the support model), "
        "tuned (the support model alone for answers), "
        "rules, support (the rules with the NLI model) or llm (the BRIEFLENS_LLM_* endpoint) "
        "\\[default: $BRIEFLENS_JUDGE or offline].",
    ),
]
OutDir = Annotated[Path | None, typer.Option("--out", help="Write report.json and report.html into this folder.")]
InFile = Annotated[Path, typer.Argument(help="A JSON-lines file of cases.", exists=True, dir_okay=False)]


def _judge(settings: Settings, lens: BriefLens | None, name: str | None = None) -> Judge:
    """The configured judge (or the one --judge names), sharing the index's embedder when an index is open."""
    from retrieval.index.embedders import make_embedder
    from retrieval.support.judges import make_judge

    if name is not None:
        settings = settings.model_copy(update={"judge": name})
    return make_judge(settings, lens.index.embedder if lens is not None else make_embedder(settings))


def _finish(report: Report, out_dir: Path | None, as_json: bool) -> None:
    """Write the report files when asked, then print JSON or a readable summary."""
    from eval.report import write_report

    for note in report.notes:
        print_note(note)
    if out_dir is not None:
        json_path, html_path = write_report(report, out_dir)
        err.print(f"wrote {json_path} and {html_path}", highlight=False)
    if as_json:
        data = {"items": list(report.items), "metrics": report.metrics}
        print_json({**data, "judge": report.judge, "validation": report.validation, "notes": list(report.notes)})
        return
    out.print(f"judge: {report.judge} (threshold {report.threshold:.3f})", highlight=False)
    out.print(report.validation, style="dim", highlight=False)
    table = Table("metric", "value")
    for name, value in report.metrics.items():
        if not isinstance(value, dict):
            table.add_row(name, "–" if value is None else str(value))
    for name in ("confusion_matrix", "latency"):
        if name in report.metrics:
            # The matrix's classes are otherwise unnamed: tp/fn are faithful items, fp/tn unfaithful ones.
            label = "confusion_matrix (positive = faithful)" if name == "confusion_matrix" else name
            table.add_row(label, ", ".join(f"{k} {v}" for k, v in report.metrics[name].items()))
    out.print(table)
    _print_unsupported(report.items)


def _print_unsupported(items: Iterable[dict[str, Any]]) -> None:
    """One block per unsupported claim: reason, claim and best source quote."""
    for item in items:
        for s in item.get("sentences", []):
            if not s["supported"]:
                detail = f" ({s['detail']})" if s["detail"] else ""
                out.print(f"[red]✗[/red] {item['id']}: {s['reason']}{detail}: {s['text']}", highlight=False)
                out.print(f"  [dim]best quote [{s['start']}:{s['end']}]: {s['quote']}[/dim]", highlight=False)


@eval_app.command("questions")
def questions(
    file: InFile,
    top_k: TopK = None,
    data_dir: DataDir = None,
    out_dir: OutDir = None,
    as_json: JsonOut = False,
    judge: JudgeOpt = None,
) -> None:
    """Ask each question; score evidence recall@k, citations, keywords, abstention, faithfulness, latency."""
    from eval.datasets import load_questions
    from eval.harness import evaluate_questions

    with _guard():
        cases = load_questions(file)
    with _lens(data_dir) as lens:
        report = evaluate_questions(cases, lens, _judge(lens.settings, lens, judge), top_k)
    _finish(report, out_dir, as_json)


@eval_app.command("summaries")
def summaries(
    file: InFile,
    top_k: TopK = None,
    data_dir: DataDir = None,
    out_dir: OutDir = None,
    as_json: JsonOut = False,
    judge: JudgeOpt = None,
) -> None:
    """Judge each summary against its source text or indexed brief; -k passages serve as the source of
    an item that gives only a question."""
    from eval.datasets import load_summaries
    from eval.harness import evaluate_summaries

    with _guard():
        cases = load_summaries(file)
    needs_index = any(not c.source for c in cases)
    with ExitStack() as stack:
        lens = stack.enter_context(_lens(data_dir)) if needs_index else None
        with _guard():
            settings = lens.settings if lens is not None else _settings(data_dir)
            report = evaluate_summaries(cases, _judge(settings, lens, judge), _resolver(lens, top_k))
    _finish(report, out_dir, as_json)


def _resolver(lens: BriefLens | None, top_k: int | None) -> SourceResolver:
    """Source text of a case from the index (eval.harness.index_sources); no index is open when every case gives one."""
    from eval.harness import index_sources

    if lens is not None:
        return index_sources(lens, top_k)

    def unreachable(case: SummaryCase) -> str:
        raise AssertionError("only cases without a source text are resolved, and those open the index")

    return unreachable


def _read_text(value: str) -> str:
    """A file's text when the value names an existing file, else the value itself."""
    path = Path(value)
    try:
        if len(value) < 4096 and path.is_file():
            return path.read_text(encoding="utf-8")
    except OSError:
        return value
    return value


def check_command(
    source: Annotated[Path, typer.Option("--source", help="The source text file.", exists=True, dir_okay=False)],
    summary: Annotated[str, typer.Option("--summary", help="The summary or answer: text, or a file holding it.")],
    question: Annotated[str | None, typer.Option("--question", help="Judge the text as an answer to this.")] = None,
    data_dir: DataDir = None,
    as_json: JsonOut = False,
    judge_name: JudgeOpt = None,
) -> None:
    """Check one summary or answer against one source file; exit code 1 when a claim is unsupported."""
    from eval.harness import failure_note, fallback_of, sentence_dicts
    from retrieval.errors import GenerationError
    from retrieval.support.validation import statement

    notes: list[str] = []
    with _guard():
        settings = _settings(data_dir)
        judge = _judge(settings, None, judge_name)
        texts = (source.read_text(encoding="utf-8"), _read_text(summary), question)
        try:
            verdict = judge.judge(*texts)
        except GenerationError as e:
            fallback = fallback_of(judge)
            if fallback is None:
                raise
            notes.append(failure_note(judge, fallback, e))
            print_note(notes[-1])
            judge = fallback
            verdict = judge.judge(*texts)
    item = {"id": "check", "faithful": verdict.faithful, "score": verdict.score, "sentences": sentence_dicts(verdict)}
    if as_json:
        print_json(
            {"items": [item], "metrics": {}, "judge": judge.name, "validation": statement(judge.name), "notes": notes}
        )
    else:
        for s in verdict.sentences:
            mark = "[green]✓[/green]" if s.supported else f"[red]✗ {s.reason}[/red]"
            out.print(f"{mark} ({s.score:.2f}) {s.text}", highlight=False)
            out.print(f"  [dim]best quote [{s.start}:{s.end}]: {s.quote}[/dim]", highlight=False)
        verdict_word = "faithful" if verdict.faithful else "NOT faithful"
        out.print(
            f"{verdict_word} (score {verdict.score:.2f}, judge {judge.name}, threshold {judge_threshold(judge):.3f})"
        )
        out.print(statement(judge.name), style="dim", highlight=False)
    if not verdict.faithful:
        raise typer.Exit(1)


def judge_threshold(judge: Judge) -> float:
    """The judge's decision threshold."""
    return judge.threshold
