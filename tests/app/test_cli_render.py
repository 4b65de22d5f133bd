"""The CLI's printing, byte for byte, and the filter options every retrieval command shares."""

from __future__ import annotations

import datetime as dt

import pytest
import typer
from typer.core import TyperGroup, TyperOption

from app.cli import app
from app.cli_common import FilterOptions
from app.cli_render import print_gate, print_references, print_sentences, show_answer, show_notes
from retrieval.answer import Answer, AnswerSentence
from retrieval.citation import Citation
from retrieval.writing.draft import ReportDraft

FILTER_COMMANDS = ("search", "ask", "chat", "summarize", "draft", "compare")
FILTER_OPTIONS = ["--doc", "--source", "--section", "--since", "--until", "--as-of"]


def cited(n: int, date: str | None) -> Citation:
    """A citation whose fields say which one it is."""
    source, title = f"corpus/b{n}.md", f"Brief {n}"
    return Citation(doc_id="d", chunk_id="c", source=source, title=title, quote="q", start=n, end=n + 5, date=date)


SENTENCES = (
    AnswerSentence(text="First.", citations=(cited(1, "2025-01-02"),)),
    AnswerSentence(text="Second.", citations=(cited(2, None), cited(3, "2024-05-06")), supported=False),
    AnswerSentence(text="Third."),
)


def test_answer_is_one_paragraph_then_its_quotes(capsys: pytest.CaptureFixture[str]) -> None:
    show_answer(Answer(question="q", answer="x", abstained=False, sentences=SENTENCES))
    assert capsys.readouterr().out == (
        "First. [1] Second. [2][3] Third. \n\n"
        "[1] Brief 1, 2025-01-02 — corpus/b1.md [1:6]\n"
        "[2] Brief 2, undated — corpus/b2.md [2:7]\n"
        "[3] Brief 3, 2024-05-06 — corpus/b3.md [3:8]\n"
    )
    show_answer(Answer(question="q", answer="The corpus does not say.", abstained=True))
    assert capsys.readouterr().out == "The corpus does not say.\n"


def test_answer_notes_then_gate_counts(capsys: pytest.CaptureFixture[str]) -> None:
    gated = Answer(question="q", answer="x", abstained=False, removed_sentences=2, dropped_citations=1, notes=("n",))
    show_notes(gated)
    assert capsys.readouterr().err == (
        "note: n\n(faithfulness gate: removed 2 unsupported sentence(s), dropped 1 citation(s) to sources not given)\n"
    )
    show_notes(Answer(question="q", answer="x", abstained=False, flagged_sentences=1))
    assert capsys.readouterr().err == "(faithfulness gate: flagged 1 unsupported sentence(s))\n"
    show_notes(Answer(question="q", answer="x", abstained=False))
    assert capsys.readouterr().err == ""


def test_writing_sentences_references_and_gate(capsys: pytest.CaptureFixture[str]) -> None:
    notes: list[Citation] = []
    print_sentences(SENTENCES, notes)
    print_sentences(SENTENCES[:1], notes, bullet="")
    print_references(notes)
    assert capsys.readouterr().out == (
        "  • First. [1]\n  • Second. [2][3]⚠ unsupported\n  • Third. \n   First. [4]\n\n"
        "[1] Brief 1, 2025-01-02 — corpus/b1.md [1:6]\n"
        "[2] Brief 2, undated — corpus/b2.md [2:7]\n"
        "[3] Brief 3, 2024-05-06 — corpus/b3.md [3:8]\n"
        "[4] Brief 1, 2025-01-02 — corpus/b1.md [1:6]\n"
    )
    print_references([])
    print_gate(ReportDraft(title="t", removed_sentences=1, notes=("fell back",)))
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "gate: 1 unsupported sentences removed, 0 flagged, 0 citations to sources not given dropped\nnote: fell back\n"
    )


def test_filter_options_are_the_same_on_every_retrieval_command() -> None:
    group = typer.main.get_command(app)
    assert isinstance(group, TyperGroup)
    shown = {}
    for name in FILTER_COMMANDS:
        params = [p for p in group.commands[name].params if isinstance(p, TyperOption)]
        at = [p.opts[0] for p in params].index("--doc")
        shown[name] = [(p.opts, p.name, p.help, p.multiple, p.default) for p in params[at : at + 6]]
        assert [opts[0] for opts, *_ in shown[name]] == FILTER_OPTIONS, name  # together, in FilterOptions' order
    assert [name for _, name, *_ in shown["search"]] == list(FilterOptions.__dataclass_fields__)
    assert all(options == shown["search"] for options in shown.values())


def test_filter_options_reach_the_command_as_one_value() -> None:
    assert FilterOptions().spec().docs == ()
    spec = FilterOptions(doc=["a"], since="2024-01-02", as_of="2025-03-04").spec()
    assert (spec.docs, spec.since, spec.until, spec.as_of) == (("a",), dt.date(2024, 1, 2), None, dt.date(2025, 3, 4))
