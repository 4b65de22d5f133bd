"""The Chat page: cited answers whose markers open the quoted passage, highlighted, in its brief."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st

from app.ui import state
from app.ui.markup import highlight, sentence_html, text_html
from retrieval.answer import Answer, AnswerSentence
from retrieval.citation import Citation
from retrieval.document import Document
from retrieval.errors import BriefLensError
from retrieval.generation import Generator
from retrieval.search.conversation import Conversation
from retrieval.search.filters import FilterSpec
from retrieval.service import BriefLens
from retrieval.streaming import AnswerEvent, NoteEvent, StreamEvent, TokenEvent

TURNS, CONVERSATION, VIEWER = "chat_turns", "chat_conversation", "chat_viewer"
ANY_SECTION = "(any section)"


@dataclass
class Turn:
    """One exchange: what was typed, the standalone query searched, and the answer or the error."""

    question: str
    query: str
    answer: Answer | None = None
    error: str | None = None


@dataclass(frozen=True)
class SourceView:
    """What the source viewer shows for one citation."""

    title: str
    date: str | None
    section: str
    source: str
    start: int
    end: int
    html: str
    verified: bool


# How the chat names a question's kind under its answer (lookups, the common case, get no caption).
KIND_LABELS = {
    "lookup": "fact lookup",
    "metadata": "brief metadata",
    "aggregation": "names across briefs",
    "list": "list",
    "comparison": "comparison",
    "why": "why / how",
}


def filter_spec(
    doc_ids: Sequence[str], dates: Sequence[dt.date], section: str | None, as_of: dt.date | None
) -> FilterSpec:
    """The sidebar's choices as a FilterSpec (a one-date range means 'since')."""
    return FilterSpec(
        docs=tuple(doc_ids),
        section=section if section and section != ANY_SECTION else None,
        since=dates[0] if dates else None,
        until=dates[1] if len(dates) > 1 else None,
        as_of=as_of,
    )


def numbered(answer: Answer) -> list[tuple[AnswerSentence, list[tuple[int, Citation]]]]:
    """Each sentence with its citations numbered 1..N across the answer, in reading order."""
    out: list[tuple[AnswerSentence, list[tuple[int, Citation]]]] = []
    n = 0
    for sentence in answer.sentences:
        marks = []
        for citation in sentence.citations:
            n += 1
            marks.append((n, citation))
        out.append((sentence, marks))
    return out


def citation(answer: Answer, n: int) -> Citation | None:
    """The answer's n-th citation (1-based), if it has one."""
    cites = answer.citations
    return cites[n - 1] if 0 < n <= len(cites) else None


def gate_counts(answer: Answer) -> dict[str, int]:
    """The faithfulness gate's counts on a model-written answer; none for extractive ones (no gate ran)."""
    counts: dict[str, int] = {}
    if answer.generator == "extractive":
        return counts
    counts["removed"] = answer.removed_sentences
    counts["flagged"] = answer.flagged_sentences
    counts["citations dropped"] = answer.dropped_citations
    return counts


@st.cache_data(ttl=30, show_spinner=False)
def _reachable(name: str, url: str, _generator: Generator) -> bool:
    """The model endpoint's probe, cached briefly: the sidebar is drawn on every rerun."""
    return _generator.reachable()


def generator_label(lens: BriefLens) -> str:
    """The generator back-end's name and status line."""
    generator = lens.generator
    name = generator.name
    if generator.endpoint is not None:
        up = _reachable(name, generator.endpoint, generator)
        return f"{name} — {'reachable' if up else 'not reachable'} at {generator.endpoint}"
    if name == "extractive":
        return "extractive — offline; every sentence is a verbatim quote"
    return name


def source_view(doc: Document, cite: Citation, context: int | None = 600) -> SourceView:
    """The citation's quote highlighted in its surrounding text, with the brief's title, date and section."""
    return SourceView(
        title=doc.title or cite.title,
        date=cite.date or (doc.date.isoformat() if doc.date else None),
        section=cite.section or doc.section_at(cite.start),
        source=cite.source,
        start=cite.start,
        end=cite.end,
        html=highlight(doc.text, cite.start, cite.end, context),
        verified=doc.text[cite.start : cite.end] == cite.quote,
    )


def streams(lens: BriefLens) -> bool:
    """True for a model back-end: its tokens are worth showing while the answer is verified."""
    return lens.generator.streams_tokens


def stream_text(events: Iterator[StreamEvent], done: list[Answer]) -> Iterator[str]:
    """The text to show while streaming (tokens, notes in italics); the final Answer goes into `done`."""
    for event in events:
        if isinstance(event, TokenEvent):
            yield event.text
        elif isinstance(event, NoteEvent):
            yield f"\n\n*{event.text}*\n\n"
        elif isinstance(event, AnswerEvent):
            done.append(event.answer)


def ask_turn(
    lens: BriefLens,
    conversation: Conversation,
    question: str,
    filters: FilterSpec | None,
    show_stream: Callable[[Iterator[str]], object] | None = None,
) -> Turn:
    """Ask one chat question (a follow-up is condensed with the previous turn first); errors become the turn's.

    With `show_stream` and a model back-end, the raw text is handed to it as it arrives; the turn keeps
    the verified Answer that ends the stream.
    """
    query = conversation.standalone(question)
    try:
        with state.exclusive():
            if show_stream is None or not streams(lens):
                answer = lens.ask(query, None, filters)
            else:
                done: list[Answer] = []
                text = stream_text(lens.ask_stream(query, None, filters), done)
                show_stream(text)
                for _ in text:  # a display that stopped early must not lose the answer
                    pass
                answer = done[-1]
    except BriefLensError as e:
        return Turn(question, query, error=f"{e} {e.help}".strip())
    return Turn(question, query, answer=answer)


@st.cache_data(show_spinner=False, max_entries=8)
def _section_titles(doc_ids: tuple[str, ...], _lens: BriefLens) -> list[str]:
    """Distinct section headings of the indexed briefs (cached per set of documents)."""
    titles = {s.title for d in doc_ids for s in _lens.document(d).sections}
    return sorted(t for t in titles if t)


def filter_widgets(lens: BriefLens, prefix: str) -> FilterSpec:
    """Filter widgets (briefs, date range, section, as-of), keyed `<prefix>docs` etc.; call inside a container."""
    docs = {d.doc_id: d for d in lens.documents()}
    st.subheader("Filters")
    chosen = st.multiselect(
        "Briefs",
        list(docs),
        format_func=lambda d: f"{docs[d].title} ({docs[d].date or 'undated'})",
        placeholder="All briefs",
        key=f"{prefix}docs",
    )
    no_range: Any = ()  # an empty range: the stubs do not know that st.date_input accepts one
    dates = st.date_input("Published between", value=no_range, format="YYYY-MM-DD", key=f"{prefix}dates")
    sections = [ANY_SECTION, *_section_titles(tuple(sorted(docs)), lens)]
    section = st.selectbox("Section", sections, key=f"{prefix}section")
    as_of = st.date_input("As of (ignore later briefs)", value=None, format="YYYY-MM-DD", key=f"{prefix}as_of")
    picked = list(dates) if isinstance(dates, tuple | list) else ([dates] if dates else [])
    return filter_spec(chosen, picked, section, as_of if isinstance(as_of, dt.date) else None)


def sidebar(lens: BriefLens) -> FilterSpec:
    """Filters and the generator back-end, in the sidebar."""
    with st.sidebar:
        spec = filter_widgets(lens, "flt_")
        st.divider()
        st.caption(f"Generator: {generator_label(lens)}")
        if st.button("Clear the conversation", key="chat_clear"):
            for key in (TURNS, CONVERSATION, VIEWER):
                st.session_state.pop(key, None)
    return spec


def _open(turn: int, n: int) -> None:
    """Marker callback: show citation n of turn in the source viewer."""
    st.session_state[VIEWER] = (turn, n)


def _close() -> None:
    """Close the source viewer."""
    st.session_state[VIEWER] = None


def show_source(
    lens: BriefLens, n: int, cite: Citation, key: Callable[[str], str], on_close: Callable[[], None]
) -> None:
    """The source viewer (Chat and Draft pages): title, date, section, and the quote highlighted in its surroundings.

    `key(part)` names this viewer's widgets, so several pages and turns can each hold one.
    """
    try:
        doc = lens.document(cite.doc_id)
    except BriefLensError as e:
        st.error(f"[{n}] {cite.title}: {e}")
        return
    with st.container(border=True, key=key("viewer")):
        head, whole_col = st.columns([3, 1], vertical_alignment="center")
        whole = whole_col.toggle("Whole brief", key=key("whole"))
        view = source_view(doc, cite, None if whole else 600)
        head.markdown(f"**[{n}] {text_html(view.title)}**", unsafe_allow_html=True)
        where = (view.date or "undated", view.section, f"{view.source} [{view.start}:{view.end}]")
        st.caption(text_html(" · ".join(x for x in where if x)), unsafe_allow_html=True)
        if not view.verified:
            st.error("This quote no longer matches the indexed text at these offsets.")
        st.markdown(view.html, unsafe_allow_html=True)
        st.button("Close source", key=key("close"), on_click=on_close)


def show_answer(lens: BriefLens, turn: int, answer: Answer) -> None:
    """An answer: each sentence with its clickable citation markers, or the abstention state."""
    if answer.abstained:
        with st.container(border=True, key=f"abstain-{turn}"):
            st.markdown(f'<span class="bl-abstain">🛈 {text_html(answer.answer)}</span>', unsafe_allow_html=True)
            st.caption(f"No retrieved passage supports an answer (relevance {answer.relevance:.2f}).")
    for sentence, marks in numbered(answer):
        # Streamlit has no inline buttons: the markers sit in a tight group at the end of the sentence's row.
        with st.container(horizontal=True, wrap=False, vertical_alignment="bottom", gap="small"):
            st.markdown(sentence_html(sentence.text, sentence.supported), unsafe_allow_html=True, width="stretch")
            with st.container(horizontal=True, width="content", gap=None):
                for n, cite in marks:
                    st.button(
                        f"[{n}]",
                        key=f"cite-{turn}-{n}",
                        type="tertiary",
                        help=f"{cite.title}: open the quoted passage",
                        on_click=_open,
                        args=(turn, n),
                    )
    if answer.kind != "lookup" and not answer.abstained:
        st.caption(f"Question kind: {KIND_LABELS[answer.kind]}")
    gate = gate_counts(answer)
    if gate:
        st.caption("Faithfulness gate: " + " · ".join(f"{v} {k}" for k, v in gate.items()))
    for note in answer.notes:
        st.caption(str(note))
    opened = st.session_state.get(VIEWER)
    shown = citation(answer, opened[1]) if opened and opened[0] == turn else None
    if opened and shown is not None:
        show_source(lens, opened[1], shown, lambda part: f"{part}-{turn}-{opened[1]}", _close)
    if answer.abstained and answer.contexts:
        with st.expander("Closest passages searched"):
            for ctx in answer.contexts:
                st.markdown(f"**{text_html(ctx.title)}** · {text_html(ctx.section)}", unsafe_allow_html=True)
                st.markdown(f'<div class="bl-source">{text_html(ctx.text)}</div>', unsafe_allow_html=True)


def show_reply(lens: BriefLens, i: int, turn: Turn) -> None:
    """The assistant's side of an exchange: the standalone query searched, then the answer or the error."""
    if turn.query != turn.question.strip():
        st.caption(text_html(f"searching: {turn.query}"), unsafe_allow_html=True)
    if turn.error:
        st.error(turn.error)
    elif turn.answer is not None:
        show_answer(lens, i, turn.answer)


def show_turn(lens: BriefLens, i: int, turn: Turn) -> None:
    """One exchange as two chat messages."""
    with st.chat_message("user"):
        st.markdown(text_html(turn.question), unsafe_allow_html=True)
    with st.chat_message("assistant"):
        show_reply(lens, i, turn)


def live_turn(lens: BriefLens, i: int, conversation: Conversation, question: str, filters: FilterSpec | None) -> Turn:
    """Ask and show a new exchange; a model back-end's text streams in, then gives way to the verified answer."""
    with st.chat_message("user"):
        st.markdown(text_html(question), unsafe_allow_html=True)
    with st.chat_message("assistant"):
        if streams(lens):
            live = st.empty()
            with live.container():
                turn = ask_turn(lens, conversation, question, filters, st.write_stream)
            # The raw text may hold sentences the gate removed: only the verified answer stays on screen.
            live.empty()
        else:
            with st.spinner("Searching the briefs…"):
                turn = ask_turn(lens, conversation, question, filters)
        show_reply(lens, i, turn)
    return turn


def render() -> None:
    """The Chat page."""
    lens = state.lens()
    st.title("Chat with the briefs")
    filters = sidebar(lens)
    turns: list[Turn] = st.session_state.setdefault(TURNS, [])
    conversation: Conversation = st.session_state.setdefault(CONVERSATION, Conversation())
    question = st.chat_input("Ask a question about the briefs")
    if not turns and not question:
        st.caption(f"{len(lens.documents())} briefs indexed. Every sentence of an answer is an exact, cited quote.")
    if question:
        st.session_state[VIEWER] = None
    for i, turn in enumerate(turns):
        show_turn(lens, i, turn)
    if question:
        turns.append(live_turn(lens, len(turns), conversation, question, None if filters.empty else filters))
