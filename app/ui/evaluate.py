"""The Evaluate page: run a question or summary set with a progress bar; charts, unsupported claims, downloads."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Literal

import streamlit as st

from app.ui import state
from eval.datasets import QuestionCase, SummaryCase, load_questions, load_summaries
from eval.harness import QUESTION_METRICS, Report, evaluate_questions, evaluate_summaries, index_sources
from eval.report import render_html
from retrieval.errors import BriefLensError
from retrieval.service import BriefLens
from retrieval.support.judges import make_judge

ROOT = Path(__file__).resolve().parents[2]
REPORT = "eval_report"
UPLOAD = "Upload a JSONL file…"
Kind = Literal["questions", "summaries"]
Cases = list[QuestionCase] | list[SummaryCase]


def dev_sets(root: Path = ROOT) -> dict[str, Path]:
    """The bundled dev set, plus the shared dev sets when ../shared is beside the project."""
    candidates = {
        "Bundled dev questions (tests/data/questions.jsonl)": root / "tests" / "data" / "questions.jsonl",
        "Shared dev questions (../shared/eval/dev_questions.jsonl)": root.parent / "shared/eval/dev_questions.jsonl",
        "Shared dev summaries (../shared/eval/dev_summaries.jsonl)": root.parent / "shared/eval/dev_summaries.jsonl",
    }
    return {label: path for label, path in candidates.items() if path.is_file()}


def detect_kind(text: str) -> Kind:
    """Summaries when the first case carries a summary or sentences, else questions."""
    for line in text.splitlines():
        if line.strip():
            try:
                first = json.loads(line)
            except json.JSONDecodeError:
                return "questions"  # the loader names the bad line
            is_summary = isinstance(first, dict) and ("summary" in first or "sentences" in first)
            return "summaries" if is_summary else "questions"
    return "questions"


def load_cases(data: bytes, name: str) -> tuple[Kind, Cases]:
    """Parse a JSONL set with the evaluation loaders (their errors name the line); the kind is detected."""
    text = data.decode("utf-8-sig")
    kind = detect_kind(text)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(name).name
        path.write_text(text, encoding="utf-8")
        cases: Cases = load_questions(path) if kind == "questions" else load_summaries(path)
    if not cases:
        raise BriefLensError(f"{name} holds no cases")
    return kind, cases


def run(lens: BriefLens, kind: Kind, cases: Cases, progress: Callable[[int, int], None] | None = None) -> Report:
    """Evaluate the cases against the index with the configured judge."""
    judge = make_judge(lens.settings, lens.index.embedder)
    with state.exclusive():
        if kind == "questions":
            return evaluate_questions([c for c in cases if isinstance(c, QuestionCase)], lens, judge, None, progress)
        summaries = [c for c in cases if isinstance(c, SummaryCase)]
        return evaluate_summaries(summaries, judge, index_sources(lens), progress)


def headline(report: Report) -> dict[str, float]:
    """The report's rate metrics in [0, 1], for the bar chart."""
    names = (*QUESTION_METRICS, "abstention_accuracy", "faithful_share", "balanced_accuracy", "precision", "recall")
    return {n: float(v) for n in names if isinstance(v := report.metrics.get(n), int | float)}


def score_histogram(report: Report, bins: int = 10) -> dict[str, int]:
    """How many items scored in each tenth of [0, 1]."""
    counts = [0] * bins
    for item in report.items:
        counts[min(bins - 1, int(float(item["score"]) * bins))] += 1
    return {f"{i / bins:.1f}–{(i + 1) / bins:.1f}": c for i, c in enumerate(counts)}


def unsupported_claims(report: Report) -> list[dict[str, str | float]]:
    """Each unsupported claim beside its best source quote, reason and score."""
    return [
        {
            "item": item["id"],
            "claim": s["text"],
            "reason": s["reason"] + (f" ({s['detail']})" if s.get("detail") else ""),
            "best source quote": s["quote"],
            "offsets": f"[{s['start']}:{s['end']}]",
            "score": round(float(s["score"]), 3),
        }
        for item in report.items
        for s in item.get("sentences", [])
        if not s["supported"]
    ]


def show_report(report: Report) -> None:
    """Metrics, charts, the unsupported-claims table and the downloads."""
    st.subheader(f"Report: {len(report.items)} {report.kind}, judge {report.judge} (threshold {report.threshold:.3f})")
    st.caption(report.validation)
    rates = headline(report)
    cols = st.columns(min(4, max(1, len(rates))))
    for i, (name, value) in enumerate(rates.items()):
        cols[i % len(cols)].metric(name.replace("_", " "), f"{value:.2f}")
    left, right = st.columns(2)
    with left:
        st.caption("Metrics")
        st.bar_chart({"value": rates}, horizontal=True, height=260)
    with right:
        st.caption("Item scores")
        st.bar_chart({"items": score_histogram(report)}, height=260)
    by_kind = report.metrics.get("by_kind") or {}
    if by_kind:
        st.caption("By question kind")
        rows = [{"kind": k, **{m: v.get(m) for m in QUESTION_METRICS}, "n": v["n_items"]} for k, v in by_kind.items()]
        st.dataframe(rows, hide_index=True, width="stretch")
    st.subheader("Unsupported claims")
    claims = unsupported_claims(report)
    if claims:
        st.dataframe(claims, hide_index=True, width="stretch")
    else:
        st.success("Every claim is supported.")
    with st.expander("Every item"):
        keep = ("id", "kind", "question", "answer", "abstained", "faithful", "score", "label", "latency_s")
        st.dataframe([{k: i.get(k) for k in keep if k in i} for i in report.items], hide_index=True)
    a, b = st.columns(2)
    a.download_button(
        "Download report.json",
        json.dumps(report.to_json(), ensure_ascii=False, indent=2),
        file_name="report.json",
        mime="application/json",
        on_click="ignore",
    )
    b.download_button(
        "Download report.html", render_html(report), file_name="report.html", mime="text/html", on_click="ignore"
    )


def _chosen_set() -> tuple[bytes, str] | None:
    """The picked dev set or uploaded file, as bytes and a name."""
    sets = dev_sets()
    choice = st.radio("Test set", [*sets, UPLOAD], key="eval_set")
    if choice != UPLOAD:
        path = sets[str(choice)]
        return path.read_bytes(), path.name
    upload = st.file_uploader("Questions or summaries (JSONL)", type=["jsonl", "json"], key="eval_upload")
    return (upload.getvalue(), upload.name) if upload else None


def render() -> None:
    """The Evaluate page."""
    lens = state.lens()
    st.title("Evaluate")
    st.caption(
        "Questions: evidence recall, citation validity and precision, keyword recall, abstention, faithfulness. "
        "Summaries: claim-level faithfulness (with labels: balanced accuracy)."
    )
    chosen = _chosen_set()
    if chosen is not None:
        try:
            kind, cases = load_cases(*chosen)
        except BriefLensError as e:
            st.error(f"{e} {e.help}".strip())
        else:
            st.caption(f"{len(cases)} {kind} in {chosen[1]}")
            if st.button("Run the evaluation", type="primary", key="eval_run"):
                bar = st.progress(0.0, text="Starting…")

                def tick(done: int, total: int) -> None:
                    bar.progress(done / total, text=f"{kind}: {done}/{total}")

                try:
                    report = run(lens, kind, cases, tick)
                except BriefLensError as e:
                    st.error(f"{e} {e.help}".strip())
                else:
                    st.session_state[REPORT] = report
                bar.empty()
    kept = st.session_state.get(REPORT)
    if isinstance(kept, Report):
        show_report(kept)
