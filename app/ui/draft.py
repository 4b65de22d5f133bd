"""The Draft page: outline and draft a cited report section, edit it, export it; and summarise a brief or a topic."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import streamlit as st

from app.ui import state
from app.ui.chat import filter_widgets, show_source
from app.ui.drafting import (
    EDITED,
    MIME,
    apply_edit,
    downloads,
    edited_export,
    file_stem,
    paragraph_text,
    summary_export,
    summary_title,
    unverified,
)
from app.ui.markup import sentence_html, text_html
from retrieval.answer import AnswerSentence
from retrieval.errors import BriefLensError
from retrieval.ingest.sync import Progress
from retrieval.search.filters import FilterSpec
from retrieval.service import BriefLens
from retrieval.writing.draft import ReportDraft, Subsection
from retrieval.writing.export import FLAG_NOTES
from retrieval.writing.summarize import Summary

OUTLINE, RESULT, EDITS, GEN = "draft_outline", "draft_result", "draft_edits", "draft_gen"
SUMMARY, VIEWER = "draft_summary", "draft_viewer"
# What the download buttons were last given (file name -> bytes): the tests read the exports from here.
DRAFT_FILES, SUMMARY_FILES = "draft_files", "summary_files"
BRIEF, TOPIC = "A brief", "A topic"
FLAG_COLORS: dict[str, Literal["orange", "red"]] = {"single source": "orange", "no source": "red"}


def filters_sidebar(lens: BriefLens) -> FilterSpec:
    """The Chat page's filters with this page's own widget keys, so each page keeps its choices."""
    with st.sidebar:
        spec = filter_widgets(lens, "draft_flt_")
        st.caption("The filters apply to drafts and topic summaries.")
    return spec


def _open(kind: str, n: int) -> None:
    """Marker callback: show citation n of the draft or the summary in the source viewer."""
    st.session_state[VIEWER] = (kind, n)


def _close() -> None:
    """Close the source viewer."""
    st.session_state[VIEWER] = None


def cited_rows(
    lens: BriefLens, kind: str, sentences: Sequence[AnswerSentence], first: int, bullet: bool = False
) -> int:
    """Sentences with clickable citation markers numbered from `first`; opens the viewer below them. Returns next n."""
    n = first
    for sentence in sentences:
        # Streamlit has no inline buttons: the markers sit in a tight group at the end of the sentence's row.
        with st.container(horizontal=True, wrap=False, vertical_alignment="bottom", gap="small"):
            html = ("• " if bullet else "") + sentence_html(sentence.text, sentence.supported)
            st.markdown(html, unsafe_allow_html=True, width="stretch")
            with st.container(horizontal=True, width="content", gap=None):
                for cite in sentence.citations:
                    st.button(
                        f"[{n}]",
                        key=f"{kind}-cite-{n}",
                        type="tertiary",
                        help=f"{cite.title}: open the quoted passage",
                        on_click=_open,
                        args=(kind, n),
                    )
                    n += 1
    opened = st.session_state.get(VIEWER)
    if opened and opened[0] == kind and first <= opened[1] < n:
        cites = [c for s in sentences for c in s.citations]
        m = opened[1]  # not `n`: that is the running marker number this function returns
        show_source(lens, m, cites[m - first], lambda part: f"{kind}-{part}-{m}", _close)
    return n


def heading(sub: Subsection, level: int = 4) -> None:
    """A subsection heading (brief text, escaped) with its flag as a visible badge."""
    st.markdown(f"<h{level}>{text_html(sub.heading)}</h{level}>", unsafe_allow_html=True)
    if sub.flag:
        st.badge(sub.flag, icon=":material/warning:", color=FLAG_COLORS[sub.flag])
        st.caption(FLAG_NOTES[sub.flag])


def show_outline(lens: BriefLens, outline: ReportDraft) -> None:
    """The outline: each subsection's heading, flag, salient terms and the briefs its evidence comes from."""
    titles = {d.doc_id: d.title for d in lens.documents()}
    st.subheader(f"Outline · {len(outline.subsections)} subsections")
    for i, sub in enumerate(outline.subsections, 1):
        with st.container(border=True, key=f"outline-{i}"):
            heading(sub.model_copy(update={"heading": f"{i}. {sub.heading}"}), level=5)
            if sub.terms:
                st.caption(text_html("Terms: " + ", ".join(sub.terms)), unsafe_allow_html=True)
            briefs = ", ".join(titles.get(d, d) for d in sub.doc_ids) or "none"
            st.caption(text_html(f"Briefs: {briefs}"), unsafe_allow_html=True)


def _keep(gen: int, i: int) -> None:
    """Edit-area callback: keep subsection i's text beyond the widget's life (page switches drop widget state)."""
    st.session_state.setdefault(EDITS, {})[i] = st.session_state[f"draft_edit_{gen}_{i}"]


def edit_area(draft: ReportDraft, i: int, sub: Subsection) -> None:
    """The subsection's text, one sentence per line, for editing; says how the export will treat the changes."""
    edits: dict[int, str] = st.session_state.setdefault(EDITS, {})
    gen = st.session_state.get(GEN, 0)
    with st.expander("Edit this subsection", expanded=i in edits):
        st.text_area(
            "One sentence per line. Unchanged lines keep their citations.",
            value=edits.get(i, paragraph_text(sub)),
            key=f"draft_edit_{gen}_{i}",
            height=160,
            on_change=_keep,
            args=(gen, i),
        )
        if i in edits:
            drafted = [s for x in draft.subsections for s in x.sentences]
            n = unverified(apply_edit(edits[i], drafted))
            st.caption(f"{n} edited line(s): exported without a citation, marked “{EDITED}”." if n else "No edits.")


def download_buttons(files: dict[str, bytes], key: str) -> None:
    """One download button per export format."""
    cols = st.columns(len(files))
    for col, (name, data) in zip(cols, files.items(), strict=True):
        suffix = name[name.rfind(".") :]
        col.download_button(f"Download {suffix}", data, file_name=name, mime=MIME[suffix], key=f"{key}-{suffix[1:]}")


def show_draft(lens: BriefLens, draft: ReportDraft) -> None:
    """The draft: cited paragraphs per subsection with flags and edit areas, then the downloads and the sources."""
    flagged = sum(1 for s in draft.subsections if s.flag)
    st.markdown(f"<h3>{text_html(draft.title)}</h3>", unsafe_allow_html=True)
    st.caption(
        f"{len(draft.subsections)} subsections · {len(draft.citations)} citations · {len(draft.sources)} briefs"
        + (f" · {flagged} flagged" if flagged else "")
    )
    n = 1
    for i, sub in enumerate(draft.subsections):
        with st.container(border=True, key=f"draft-sub-{i}"):
            heading(sub)
            n = cited_rows(lens, "draft", sub.sentences, n)
            edit_area(draft, i, sub)
    doc = edited_export(draft, st.session_state.get(EDITS, {}))
    files = st.session_state[DRAFT_FILES] = downloads(doc, file_stem(draft.title))
    download_buttons(files, "draft-dl")
    with st.expander("Sources"):
        for src in doc.sources:
            st.markdown(
                f"**{text_html(src.title)}** ({src.date or 'undated'}) — {text_html(src.source)}",
                unsafe_allow_html=True,
            )
            for q in src.quotes:
                st.markdown(f'<div class="bl-source">{text_html(q.quote)}</div>', unsafe_allow_html=True)


def progress_bar() -> Progress:
    """A progress bar fed by the drafting phases: reading the evidence, then writing each subsection."""
    bar = st.progress(0.0, text="Reading the evidence…")

    def report(phase: str, done: int, total: int) -> None:
        if phase == "read":
            bar.progress(0.2 * done / max(total, 1), text="Reading the evidence…")
        else:
            text = f"Wrote {total} subsections." if done >= total else f"Writing subsection {done + 1} of {total}…"
            bar.progress(min(1.0, 0.2 + 0.8 * done / max(total, 1)), text=text)

    return report


def run_draft(lens: BriefLens, title: str, guidance: str, filters: FilterSpec | None, outline_only: bool) -> None:
    """Outline or draft the section into session state; errors are shown, not raised."""
    try:
        with state.exclusive():
            result = lens.draft(title, guidance, outline_only, filters, None if outline_only else progress_bar())
    except BriefLensError as e:
        st.error(f"{e} {e.help}".strip())
        return
    st.session_state[VIEWER] = None
    if outline_only:
        st.session_state[OUTLINE] = result
        st.session_state.pop(RESULT, None)
    else:
        st.session_state[RESULT] = result
        st.session_state.pop(OUTLINE, None)
        # A new draft starts from its own text: fresh edit areas (new keys) and no edits.
        st.session_state[EDITS] = {}
        st.session_state[GEN] = st.session_state.get(GEN, 0) + 1


def draft_tab(lens: BriefLens, filters: FilterSpec | None) -> None:
    """Section title and guidance, the Outline and Draft buttons, and whatever they produced."""
    title = st.text_input("Section title", key="draft_title", placeholder="Model distillation and export controls")
    guidance = st.text_area("Guidance (optional)", key="draft_guidance", height=68, placeholder="focus on enforcement")
    left, right, _ = st.columns([1, 1, 4])
    outline_clicked = left.button("Outline", key="draft_outline_btn", icon=":material/format_list_numbered:")
    draft_clicked = right.button("Draft", key="draft_btn", type="primary", icon=":material/edit_note:")
    if (outline_clicked or draft_clicked) and not title.strip():
        st.warning("Give the section a title first.")
    elif outline_clicked or draft_clicked:
        run_draft(lens, title.strip(), guidance.strip(), filters, outline_only=outline_clicked)
    if RESULT in st.session_state:
        show_draft(lens, st.session_state[RESULT])
    elif OUTLINE in st.session_state:
        show_outline(lens, st.session_state[OUTLINE])


def show_summary(lens: BriefLens, summary: Summary, title: str) -> None:
    """The summary's cited bullets grouped by brief and section, or the abstention; then the downloads."""
    if summary.abstained:
        with st.container(border=True, key="summary-abstain"):
            st.markdown('<span class="bl-abstain">🛈 The corpus does not say.</span>', unsafe_allow_html=True)
        return
    st.markdown(f"<h3>{text_html(title)}</h3>", unsafe_allow_html=True)
    n = 1
    for section in summary.sections:
        label = f"{section.title} — {section.section}" if section.section else section.title
        st.markdown(f"<h5>{text_html(label)}</h5>", unsafe_allow_html=True)
        n = cited_rows(lens, "summary", section.sentences, n, bullet=True)
    files = st.session_state[SUMMARY_FILES] = downloads(summary_export(summary, title), file_stem(title))
    download_buttons(files, "summary-dl")


def summary_tab(lens: BriefLens, filters: FilterSpec | None) -> None:
    """Pick a brief or a topic and a bullet count; show the cited summary."""
    docs = {d.doc_id: d for d in lens.documents()}
    mode = st.radio("Summarise", [BRIEF, TOPIC], horizontal=True, key="summary_mode")
    if mode == BRIEF:
        ref = st.selectbox("Brief", list(docs), format_func=lambda d: docs[d].title, key="summary_doc")
        topic = None
    else:
        ref, topic = None, st.text_input("Topic", key="summary_topic", placeholder="model distillation")
    bullets = st.number_input("Bullets", 1, 20, lens.settings.summary_bullets, key="summary_bullets")
    if st.button("Summarize", key="summary_btn", icon=":material/summarize:"):
        if mode == TOPIC and not (topic or "").strip():
            st.warning("Give a topic first.")
        elif ref is None and mode == BRIEF:
            st.warning("No brief is indexed yet.")
        else:
            try:
                with state.exclusive(), st.spinner("Summarising…"):
                    summary = lens.summarize(ref, (topic or "").strip() or None, int(bullets), filters)
            except BriefLensError as e:
                st.error(f"{e} {e.help}".strip())
            else:
                brief = docs[ref].title if ref in docs else None
                st.session_state[SUMMARY] = (summary, summary_title(summary, brief))
                st.session_state[VIEWER] = None
    if SUMMARY in st.session_state:
        show_summary(lens, *st.session_state[SUMMARY])


def render() -> None:
    """The Draft page."""
    lens = state.lens()
    st.title("Draft a report section")
    filters = filters_sidebar(lens)
    spec = None if filters.empty else filters
    st.caption("Every sentence is an exact quote of a brief with its citation; thin evidence is flagged.")
    drafting, summarizing = st.tabs(["Draft", "Summarize"])
    with drafting:
        draft_tab(lens, spec)
    with summarizing:
        summary_tab(lens, spec)
