"""The Library page: the indexed briefs, uploads into the corpus folder, re-indexing and deletion."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import streamlit as st

from app.ui import state
from retrieval.errors import BriefLensError
from retrieval.ingest.loaders import LOADERS
from retrieval.ingest.sync import IngestReport
from retrieval.service import BriefLens

REPORT = "library_report"
UPLOADS = "library_uploads"  # bumping it gives the uploader a new key, which empties it
PHASES = {"scan": "Reading files", "embed": "Embedding chunks"}


def document_rows(lens: BriefLens) -> list[dict[str, str | int]]:
    """One row per indexed brief: title, date, sections, chunk count, source and id."""
    rows: list[dict[str, str | int]] = []
    for info in lens.documents():
        doc = lens.document(info.doc_id)
        rows.append(
            {
                "title": info.title,
                "date": info.date or "",
                "sections": ", ".join(s.title for s in doc.sections if s.level == 1) or "—",
                "chunks": info.n_chunks,
                "source": info.source,
                "id": info.doc_id[:12],
            }
        )
    return rows


def save_uploads(corpus_dir: Path, files: Sequence[tuple[str, bytes]]) -> tuple[list[Path], list[str]]:
    """Write uploaded files into the corpus folder under their bare names; unsupported or hidden names are refused."""
    corpus_dir.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []
    problems: list[str] = []
    for name, data in files:
        bare = Path(name.replace("\\", "/")).name  # never a path: an upload cannot escape the corpus folder
        if not bare or bare.startswith("."):
            problems.append(f"{name!r}: not a usable file name")
        elif Path(bare).suffix.lower() not in LOADERS:
            problems.append(f"{bare}: unsupported file type (use {', '.join(sorted(LOADERS))})")
        else:
            target = corpus_dir / bare
            target.write_bytes(data)
            saved.append(target)
    return saved, problems


def corpus_file(lens: BriefLens, doc_id: str) -> Path | None:
    """The file a brief was indexed from, when it lies in the corpus folder (only those can be deleted here)."""
    root = lens.settings.corpus_dir.resolve()
    for path, row in lens.index.catalog.files().items():
        if row.doc_id == doc_id and root in Path(path).parents:
            return Path(path)
    return None


def sync(lens: BriefLens, progress: Callable[[str, int, int], None] | None = None) -> IngestReport:
    """Re-index the corpus folder: new files added, changed ones re-embedded, deleted ones dropped."""
    with state.exclusive():
        return lens.ingest([lens.settings.corpus_dir], progress)


def delete(lens: BriefLens, doc_id: str, progress: Callable[[str, int, int], None] | None = None) -> IngestReport:
    """Delete a brief's file from the corpus folder and drop it from the index."""
    path = corpus_file(lens, doc_id)
    if path is None:
        raise BriefLensError(
            "this brief was not ingested from the corpus folder",
            help="Remove its file where it lives, then re-ingest that folder with `brieflens ingest`.",
        )
    path.unlink(missing_ok=True)
    return sync(lens, progress)


def summary(report: IngestReport) -> str:
    """One line saying what an ingest did."""
    return (
        f"{len(report.added)} added, {len(report.updated)} updated, {len(report.unchanged)} unchanged, "
        f"{len(report.renamed)} renamed, {len(report.removed)} removed; embedded {report.chunks_embedded} chunks."
    )


def _with_problems(report: IngestReport, problems: list[str]) -> IngestReport:
    """The report with the uploads that were refused listed first."""
    report.problems[:0] = problems
    return report


def _bar() -> Callable[[str, int, int], None]:
    """A progress bar fed by ingest's (phase, done, total) callback."""
    bar = st.progress(0.0, text="Starting…")

    def update(phase: str, done: int, total: int) -> None:
        bar.progress(done / total if total else 1.0, text=f"{PHASES.get(phase, phase)} {done}/{total}")

    return update


def _run(action: Callable[[Callable[[str, int, int], None]], IngestReport]) -> None:
    """Run an ingest with a progress bar; keep its report (or error) for the next run of the page."""
    try:
        st.session_state[REPORT] = ("ok", action(_bar()))
    except BriefLensError as e:
        st.session_state[REPORT] = ("error", f"{e} {e.help}".strip())
    st.rerun()


def _show_report() -> None:
    """The last ingest's outcome, problems and warnings."""
    kind, value = st.session_state.get(REPORT, (None, None))
    if kind == "error":
        st.error(value)
    elif isinstance(value, IngestReport):
        st.success("Index updated: " + summary(value))
        for problem in value.problems:
            st.warning(f"skipped: {problem}")
        for warning in value.warnings:
            st.caption(f"warning: {warning}")


def render() -> None:
    """The Library page."""
    lens = state.lens()
    st.title("Library")
    _show_report()
    rows = document_rows(lens)
    st.caption(f"{len(rows)} briefs indexed from `{lens.settings.corpus_dir}` and elsewhere.")
    st.dataframe(rows, hide_index=True, width="stretch")

    st.subheader("Add briefs")
    files = st.file_uploader(
        "Files to copy into the corpus folder",
        type=[ext.lstrip(".") for ext in LOADERS],
        accept_multiple_files=True,
        key=f"uploader-{st.session_state.get(UPLOADS, 0)}",
    )
    left, right = st.columns(2)
    if left.button("Add to the corpus and index", disabled=not files, type="primary"):
        saved, problems = save_uploads(lens.settings.corpus_dir, [(f.name, f.getvalue()) for f in files or []])
        st.session_state[UPLOADS] = st.session_state.get(UPLOADS, 0) + 1
        _run(lambda bar: _with_problems(sync(lens, bar) if saved else IngestReport(), problems))
    if right.button("Re-index the corpus folder"):
        _run(lambda bar: sync(lens, bar))

    st.subheader("Delete a brief")
    infos = {d.doc_id: d for d in lens.documents()}
    if not infos:
        st.caption("Nothing is indexed yet.")
        return
    doc_id = st.selectbox("Brief", list(infos), format_func=lambda d: f"{infos[d].title} — {infos[d].source}")
    confirm = st.checkbox("Also delete its file from the corpus folder", key="library_confirm")
    if st.button("Delete", disabled=not confirm, key="library_delete") and doc_id:
        _run(lambda bar: delete(lens, doc_id, bar))
