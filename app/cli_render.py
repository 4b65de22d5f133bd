"""How the CLI prints results: JSON lines, search hits, cited answers, summaries and drafts, gate notes, streams.

Every command module imports its printing from here, so app.cli and the streaming view need not import each other.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING

from app.cli_common import err, out, shown

if TYPE_CHECKING:
    from retrieval.answer import Answer, AnswerSentence, GateReport
    from retrieval.chunk import ScoredChunk
    from retrieval.citation import Citation
    from retrieval.search.filters import FilterSpec
    from retrieval.service import BriefLens


def print_json(data: object) -> None:
    """Write JSON to stdout, unwrapped and unstyled."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")


def print_note(note: str) -> None:
    """A note for the user (a fallback, a failed back-end) on stderr."""
    err.print(f"[yellow]note:[/yellow] {note}", highlight=False)


def print_hits(hits: Iterable[ScoredChunk]) -> None:
    """Search results: rank, brief, offsets and score, section, and the passage's first 400 characters."""
    for rank, hit in enumerate(hits, 1):
        where = f"{shown(hit.source)} {hit.chunk.start}-{hit.chunk.end}, score {hit.score:.3f}"
        out.print(f"[bold]{rank}.[/bold] {shown(hit.title)} [dim]({where})[/dim]", highlight=False)
        if hit.chunk.section:
            out.print(f"   [italic]{shown(hit.chunk.section)}[/italic]", highlight=False)
        out.print("   " + shown(" ".join(hit.chunk.text.split())[:400]), highlight=False)


def cite(citations: Iterable[Citation], notes: list[Citation]) -> str:
    """Number the citations after the notes collected so far, and return their [n] marks."""
    marks = ""
    for citation in citations:
        notes.append(citation)
        marks += f"[{len(notes)}]"
    return marks


def print_notes(notes: Iterable[Citation], undated: str = "undated") -> None:
    """The numbered references: brief, date (or `undated`), path and offsets of each quote."""
    for n, c in enumerate(notes, 1):
        date = c.date or undated
        dated = f", {date}" if date else ""
        out.print(f"[dim][{n}] {shown(c.title)}{dated} — {shown(c.source)} [{c.start}:{c.end}][/dim]", highlight=False)


def show_answer(result: Answer) -> None:
    """Print an answer as one paragraph with numbered citations, then the exact quotes they point to."""
    if result.abstained:
        out.print(f"[bold]{result.answer}[/bold]", highlight=False)
        return
    notes: list[Citation] = []
    out.print(" ".join(s.text + " " + cite(s.citations, notes) for s in result.sentences), highlight=False)
    out.print()
    print_notes(notes)


def show_notes(result: GateReport) -> None:
    """An answer's fallback notes and what the faithfulness gate removed or flagged, on stderr."""
    for note in result.notes:
        print_note(note)
    counts = (
        (result.removed_sentences, "removed {} unsupported sentence(s)"),
        (result.flagged_sentences, "flagged {} unsupported sentence(s)"),
        (result.dropped_citations, "dropped {} citation(s) to sources not given"),
    )
    gate = [text.format(count) for count, text in counts if count]
    if gate:
        err.print(f"[dim](faithfulness gate: {', '.join(gate)})[/dim]", highlight=False)


def print_sentences(sentences: Iterable[AnswerSentence], notes: list[Citation], bullet: str = "•") -> None:
    """Print cited sentences one a line with running reference numbers, collecting the citations."""
    for sentence in sentences:
        marks = cite(sentence.citations, notes)
        if not sentence.supported:
            marks += "[yellow]⚠ unsupported[/yellow]"
        out.print(f"  {bullet} {sentence.text} [cyan]{marks}[/cyan]", highlight=False)


def print_references(notes: list[Citation]) -> None:
    """The references under a summary, draft or comparison: a blank line, then each numbered quote."""
    if notes:
        out.print()
    print_notes(notes, undated="undated")


def print_gate(result: GateReport) -> None:
    """What the faithfulness gate did to a summary or draft, then any fallback notes, on stderr."""
    removed, flagged, dropped = result.removed_sentences, result.flagged_sentences, result.dropped_citations
    if removed or flagged or dropped:
        err.print(
            f"[dim]gate: {removed} unsupported sentences removed, {flagged} flagged, "
            f"{dropped} citations to sources not given dropped[/dim]",
            highlight=False,
        )
    for note in result.notes:
        print_note(note)


def stream_answer(
    lens: BriefLens, question: str, top_k: int | None, filters: FilterSpec, as_json: bool
) -> Answer | None:
    """Print events as they come (JSON lines with --json), then the verified answer; return the Answer."""
    from dataclasses import asdict

    from retrieval import contract
    from retrieval.streaming import AnswerEvent, SentenceEvent, TokenEvent

    result: Answer | None = None
    for event in lens.ask_stream(question, top_k, filters):
        if isinstance(event, AnswerEvent):
            result = event.answer
            if as_json:
                print_json({"kind": "answer", "answer": contract.answer(result)})
            continue
        if as_json:
            data = asdict(event)
            if isinstance(event, SentenceEvent):
                data["sentence"] = event.sentence.model_dump(mode="json")
            print_json(data)
        elif isinstance(event, TokenEvent):
            err.print(event.text, end="", style="dim", highlight=False, markup=False)
    if not as_json and result is not None:
        err.print()
        show_notes(result)
        show_answer(result)
    return result
