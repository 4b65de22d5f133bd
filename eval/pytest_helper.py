"""Assert faithfulness in your own test suite: `from eval.pytest_helper import assert_faithful`."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from retrieval.index.embedders import make_embedder
from retrieval.settings import Settings
from retrieval.support.judge import Judge
from retrieval.support.judges import make_judge
from retrieval.support.verdict import Verdict


@lru_cache(maxsize=1)
def default_judge() -> Judge:
    """The judge named by the settings (env BRIEFLENS_*), built once per test session."""
    settings = Settings()
    return make_judge(settings, make_embedder(settings))


def format_failures(verdict: Verdict) -> str:
    """One line per unsupported claim: the reason, the claim and the best source quote with offsets."""
    lines = [f"{len(verdict.unsupported)} of {len(verdict.sentences)} claims unsupported (score {verdict.score:.2f}):"]
    for s in verdict.unsupported:
        detail = f" [{s.detail}]" if s.detail else ""
        lines.append(f"  - {s.reason}{detail}: {s.text!r}")
        lines.append(f"    best source quote [{s.start}:{s.end}]: {s.quote!r}")
    return "\n".join(lines)


def assert_faithful(
    text: str | Sequence[str], source: str, question: str | None = None, judge: Judge | None = None
) -> Verdict:
    """Raise AssertionError listing each unsupported claim with its reason and best quote; return the verdict."""
    verdict = (judge or default_judge()).judge(source, text, question)
    if not verdict.faithful:
        raise AssertionError(format_failures(verdict))
    return verdict


def assert_unfaithful(
    text: str | Sequence[str], source: str, question: str | None = None, judge: Judge | None = None
) -> Verdict:
    """Raise AssertionError when the judge finds every claim supported (for testing that errors are caught)."""
    verdict = (judge or default_judge()).judge(source, text, question)
    if verdict.faithful:
        raise AssertionError(f"expected an unsupported claim; all {len(verdict.sentences)} claims are supported")
    return verdict
