"""The CLI's view of a model answer: gate counts and notes, and a streamed answer as it arrives."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.cli import _print_json, _show_answer, err

if TYPE_CHECKING:
    from retrieval.search.filters import FilterSpec
    from retrieval.service import BriefLens


def show_notes(result: Any) -> None:
    """Fallback notes and what the faithfulness gate removed or flagged, on stderr."""
    for note in result.notes:
        err.print(f"[yellow]note:[/yellow] {note}", highlight=False)
    gate = []
    if result.removed_sentences:
        gate.append(f"removed {result.removed_sentences} unsupported sentence(s)")
    if result.flagged_sentences:
        gate.append(f"flagged {result.flagged_sentences} unsupported sentence(s)")
    if result.dropped_citations:
        gate.append(f"dropped {result.dropped_citations} citation(s) to sources not given")
    if gate:
        err.print(f"[dim](faithfulness gate: {', '.join(gate)})[/dim]", highlight=False)


def stream_answer(lens: BriefLens, question: str, top_k: int | None, filters: FilterSpec, as_json: bool) -> Any:
    """Print events as they come (JSON lines with --json), then the verified answer; return the Answer."""
    from dataclasses import asdict

    from retrieval import contract
    from retrieval.streaming import AnswerEvent, TokenEvent

    result: Any = None
    for event in lens.ask_stream(question, top_k, filters):
        if isinstance(event, AnswerEvent):
            result = event.answer
            if as_json:
                _print_json({"kind": "answer", "answer": contract.answer(result)})
            continue
        if as_json:
            data = asdict(event)
            if "sentence" in data:
                data["sentence"] = event.sentence.model_dump(mode="json")  # type: ignore[union-attr]
            _print_json(data)
        elif isinstance(event, TokenEvent):
            err.print(event.text, end="", style="dim", highlight=False, markup=False)
    if not as_json and result is not None:
        err.print()
        show_notes(result)
        _show_answer(result)
    return result
