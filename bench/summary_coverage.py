"""How much of brief 000's own "Top Line" an extractive summary of its other sections recovers; print one table.

The summary reads only "Key Developments" and "Signals & Trends"; the brief's authors wrote "Top Line"
as its summary. Two scores per configuration:
- the five Top Line points the issue names, each checked by the words that state it (a scoring rubric
  written from the Top Line, never seen by the summariser);
- the mean, over the Top Line sentences, of the best cosine between that sentence and a summary bullet
  (the same score works for any brief with a Top Line, so it travels to held-out briefs).
Configurations vary the salience weights, to show what the position cue and MMR contribute.
Run: .venv/bin/python bench/summary_coverage.py [--bullets 8]
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
from retrieval.textnorm import normalize
from retrieval.writing.summarize import Summary

BRIEF = "000_e770148319605323"
SECTIONS = ("Key Developments", "Signals & Trends")
# Each point is covered when one bullet holds, for every group, at least one of the group's words.
POINTS: dict[str, list[list[str]]] = {
    "950PR/950DT": [["950pr", "950dt"]],
    "distillation threat": [["distillation"], ["white house", "kratsios", "memo", "crackdown"]],
    "95% of wargames": [["95 percent"], ["wargame"]],
    "6.8 bn yuan": [["6.8 billion yuan"]],
    "Kimi K2.6 > V4 Pro": [["kimi k2.6"], ["v4 pro"]],
}
CONFIGS: dict[str, dict[str, float]] = {
    "default": {},
    "centrality only (no position cue)": {"summary_position_weight": 0.0},
    "position cue only": {"summary_position_weight": 1.0},
    "no MMR, no section spread": {"summary_diversity": 0.0, "summary_section_decay": 1.0},
}


def covered(summary: Summary, groups: list[list[str]]) -> bool:
    """True when one bullet holds a word of every group."""
    return any(all(any(w in s.text.lower() for w in g) for g in groups) for s in summary.sentences)


def top_line(lens: BriefLens, doc_id: str) -> list[str]:
    """The sentences of the brief's Top Line section."""
    from retrieval.sentences import split_sentences

    doc = lens.index.catalog.document(doc_id)
    assert doc is not None
    section = next(s for s in doc.sections if s.title == "Top Line")
    spans = split_sentences(doc.text, section.start + len(section.title), section.end)
    return [normalize(doc.text[a:b]) for a, b in spans]


def best_cosine(lens: BriefLens, reference: list[str], summary: Summary) -> float:
    """Mean over reference sentences of the best cosine to any summary sentence."""
    texts = [s.text for s in summary.sentences]
    if not texts:
        return 0.0
    vectors = lens.index.embedder.embed(reference + texts)
    sims = vectors[: len(reference)] @ vectors[len(reference) :].T
    return float(sims.max(axis=1).mean())


def main() -> None:
    """Summarise brief 000 under each configuration and print the coverage table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bullets", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Settings(_env_file=None, data_dir=Path(tmp), corpus_dir=ROOT / "corpus")  # type: ignore[call-arg]
        lens = BriefLens(base)
        lens.ingest([ROOT / "corpus"])
        doc_id = lens.resolve_docs([BRIEF])[0]
        reference = top_line(lens, doc_id)
        print(f"| configuration | bullets | {' | '.join(POINTS)} | covered | mean best cosine to Top Line |")
        print("|---|---|" + "---|" * len(POINTS) + "---|---|")
        shown: Summary | None = None
        for name, overrides in CONFIGS.items():
            variant = BriefLens(base.model_copy(update=overrides), lens.index.embedder)
            summary = variant.summarize(ref=BRIEF, bullets=args.bullets, sections=SECTIONS)
            variant.close()
            hits = [covered(summary, g) for g in POINTS.values()]
            marks = " | ".join("✓" if h else "✗" for h in hits)
            cosine = best_cosine(lens, reference, summary)
            print(f"| {name} | {len(summary.sentences)} | {marks} | {sum(hits)}/5 | {cosine:.3f} |")
            shown = shown or summary
        lens.close()
    assert shown is not None
    print("\nDefault summary:")
    for section in shown.sections:
        print(f"\n{section.section}")
        for s in section.sentences:
            c = s.citations[0]
            print(f"- {s.text} [{c.start}:{c.end}]")


if __name__ == "__main__":
    main()
