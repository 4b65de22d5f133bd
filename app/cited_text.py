"""Cited results as Markdown text for chat clients and agents: sentences with [n] markers, then the references."""

from __future__ import annotations

from collections.abc import Sequence

from retrieval.answer import ABSTAIN_TEXT, Answer, AnswerSentence
from retrieval.citation import Citation
from retrieval.support.verdict import Verdict
from retrieval.writing.summarize import Summary

# A reference shows the start of its quote: enough to recognise it; the whole quote travels in the structured field.
QUOTE_CHARS = 200


def shorten(quote: str) -> str:
    """The quote on one line, cut at QUOTE_CHARS."""
    quote = " ".join(quote.split())
    return quote if len(quote) <= QUOTE_CHARS else quote[: QUOTE_CHARS - 1].rstrip() + "…"


def marked(sentence: AnswerSentence, notes: list[Citation]) -> str:
    """The sentence with its [n] markers, numbering its citations after the notes collected so far."""
    marks = ""
    for citation in sentence.citations:
        notes.append(citation)
        marks += f"[{len(notes)}]"
    return f"{sentence.text} {marks}" if marks else sentence.text


def references(notes: Sequence[Citation]) -> str:
    """The references block: `[n] Title (date): "quote"` per citation; empty without citations."""
    if not notes:
        return ""
    lines = (f'- [{n}] {c.title} ({c.date or "undated"}): "{shorten(c.quote)}"' for n, c in enumerate(notes, 1))
    return "\n\nReferences:\n" + "\n".join(lines)


def answer_pieces(answer: Answer) -> list[str]:
    """The answer text in the order a stream sends it: one piece per sentence, then the references block.

    Joined, the pieces are `answer_text(answer)`; an abstention is its one sentence with no references.
    """
    if answer.abstained:
        return [answer.answer]
    notes: list[Citation] = []
    pieces = [("" if i == 0 else " ") + marked(s, notes) for i, s in enumerate(answer.sentences)]
    return [*pieces, references(notes)] if notes else pieces


def answer_text(answer: Answer) -> str:
    """The whole reply as any chat UI shows it, citations included."""
    return "".join(answer_pieces(answer))


def summary_text(summary: Summary) -> str:
    """A summary as one bullet list per section, then the references."""
    if summary.abstained or not summary.sections:
        return ABSTAIN_TEXT
    notes: list[Citation] = []
    blocks = []
    for section in summary.sections:
        heading = f"{section.title} ({section.date or 'undated'})" + (
            f" — {section.section}" if section.section else ""
        )
        blocks.append(heading + "\n" + "\n".join(f"- {marked(s, notes)}" for s in section.sentences))
    return "\n\n".join(blocks) + references(notes)


def verdict_text(verdict: Verdict) -> str:
    """Each claim with its verdict, score and best source quote, then the overall verdict."""
    lines = []
    for s in verdict.sentences:
        mark = "SUPPORTED" if s.supported else f"UNSUPPORTED ({s.reason})"
        lines.append(f'- {mark}, score {s.score:.2f}: {s.text}\n  best quote [{s.start}:{s.end}]: "{shorten(s.quote)}"')
    overall = "faithful" if verdict.faithful else "NOT faithful"
    lines.append(f"{overall} (score {verdict.score:.2f}, judge {verdict.judge}, threshold {verdict.threshold:.2f})")
    return "\n".join(lines)
