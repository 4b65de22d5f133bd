"""Where in `ask` a miss happened: the stage of the extractive answer that lost the gold or let a wrong quote through.

For an answerable question abstained on, the most relevant retrieved sentence holding a gold answer is followed
through the stages in `ask`'s order (retrieval/generation/extractive.py):
- `not retrieved`: no retrieved sentence holds a gold answer (retrieval, or the answer spelt otherwise);
- `held by a check`: a one-sentence check no model may overrule says it does not answer (`answerability.answers`);
- `held, model unsure`: a check the model may overrule holds it, and the model is not `rescue` sure;
- `under the bar`: no check holds it, but its relevance is under the question's bar (and no sure model rescued it);
- `model says no`: it is over the bar, no check holds it, yet `ask` abstained (the answer model said no);
- `quoted another`: `ask` answered it, but with sentences that hold no gold answer.
For an unanswerable question answered: `model sure` (P(answers) of the best quoted sentence at least `rescue`),
`model over threshold`, or `model under threshold` (let through by relevance far over the bar).
These name the stage to change: a better answer model moves only the model rows.
"""

from __future__ import annotations

from collections.abc import Callable

from retrieval.answer import Answer
from retrieval.generation.extractive import Abstention, Candidate, score_sentences, split_by_reason, text_before
from retrieval.search.whole import whole_sentences
from retrieval.service import BriefLens
from retrieval.support.answerability import answers

STAGES = (
    "not retrieved",
    "held by a check",
    "held, model unsure",
    "under the bar",
    "model says no",
    "quoted another",
    "model sure",
    "model over threshold",
    "model under threshold",
)


def asked_candidates(lens: BriefLens, question: str) -> list[Candidate]:
    """The sentences `ask` weighs for the question: its passages, each cut sentence made whole, scored for relevance."""
    hits = whole_sentences(lens.passages(question), lens.index.catalog.document)
    return score_sentences(question, hits, lens.index.embedder, lens.settings.cosine_weight)[0]


def miss_stage(
    lens: BriefLens, abstention: Abstention, question: str, answer: Answer, gold: Callable[[str], bool] | None
) -> str:
    """The stage at which `ask` missed the question: `gold(text)` says whether a text holds a gold answer; None for
    an unanswerable question (which `ask` answered)."""
    candidates = asked_candidates(lens, question)
    said = {" ".join(s.text.split()) for s in answer.sentences}
    if gold is None:
        quoted = [i for i, c in enumerate(candidates) if " ".join(c.quote.split()) in said]
        if abstention.model is None or not quoted:
            return "model under threshold"
        p = max(abstention.model(question, abstention.read(candidates, quoted)))
        if p >= abstention.rescue:
            return "model sure"
        return "model over threshold" if p >= abstention.model_threshold else "model under threshold"
    if not answer.abstained:
        return "quoted another"
    held = [i for i, c in enumerate(candidates) if gold(" ".join(c.quote.split()))]
    if not held:
        return "not retrieved"
    cand = candidates[max(held, key=lambda i: candidates[i].relevance)]
    why = answers(question, cand.quote, text_before(cand), focus=abstention.check_focus)
    _, overrulable = split_by_reason([why])
    if why is not None:
        return "held, model unsure" if overrulable else "held by a check"
    return "under the bar" if cand.relevance < abstention.bar(question) else "model says no"
