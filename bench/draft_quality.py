"""Outline/draft agreement, flags and headings of drafts over the seed corpus; print one table.

Per section title: subsections; flags (single source / no source); subsections the outline lists with passages
that the draft leaves without a cited sentence; subsections whose passages come from two or more briefs but
cite only one; the briefs cited per subsection; headings that are comma lists; repeated headings (a "(…)" suffix
ignored).
Run: .venv/bin/python bench/draft_quality.py [--data-dir DIR] [TITLE ...]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.datasets import ROOT
from retrieval.service import BriefLens
from retrieval.settings import Settings
from retrieval.writing.draft import ReportDraft

TITLES = (
    "Model distillation and export controls",
    "Hardware sovereignty: implications for export controls",
    "China's AI chip industry",
    "Military wargames and strategic stability",
)


def row(lens: BriefLens, title: str, owner: dict[str, str]) -> str:
    """One table row for a title."""
    outline = lens.draft(title, outline_only=True)
    draft: ReportDraft = lens.draft(title)
    single = sum(s.flag == "single source" for s in draft.subsections)
    none = sum(s.flag == "no source" for s in draft.subsections)
    uncited = sum(bool(s.passages) and not s.sentences for s in draft.subsections)
    missed = sum(
        len({owner[p] for p in s.passages}) > 1 and len(s.doc_ids) < 2 for s in draft.subsections if s.sentences
    )
    agree = [s.heading for s in outline.subsections] == [s.heading for s in draft.subsections]
    cited = ",".join(str(len(s.doc_ids)) for s in draft.subsections)
    headings = [s.heading for s in draft.subsections]
    commas = sum(h.count(",") >= 1 for h in headings)
    dupes = len(headings) - len({h.split(" (")[0] for h in headings})
    return (
        f"| {title} | {len(draft.subsections)} | {single} / {none} | {uncited} | {missed} | {cited} | "
        f"{'yes' if agree else 'no'} | {commas} | {dupes} |"
    )


def main() -> None:
    """Draft each title and print the table, then the headings of each draft."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, help="an index of corpus/ to reuse (default: a fresh temp index)")
    parser.add_argument("titles", nargs="*", default=list(TITLES))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, data_dir=args.data_dir or Path(tmp), corpus_dir=ROOT / "corpus")  # type: ignore[call-arg]
        lens = BriefLens(settings)
        if args.data_dir is None:
            lens.ingest([ROOT / "corpus"])
        owner = {cid: d.doc_id for d in lens.documents() for cid, _, _ in lens.index.catalog.chunk_spans(d.doc_id)}
        print(
            "| title | subsections | flagged single / none | outlined but uncited | multi-brief citing one | "
            "briefs cited per subsection | outline = draft | comma-list headings | repeated headings |"
        )
        print("|---|---|---|---|---|---|---|---|---|")
        for title in args.titles:
            print(row(lens, title, owner))
        for title in args.titles:
            print(f"\n{title}")
            for s in lens.draft(title).subsections:
                print(f"- {s.heading} [{s.flag or 'ok'}; {len(s.sentences)} sentences]")
        lens.close()


if __name__ == "__main__":
    main()
