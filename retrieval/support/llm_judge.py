"""The LLM judge: the offline judge's alignment and targeted checks, then a model's verdict per claim."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from retrieval.generation.llm_client import ChatClient, LLMConfig, TokenLogprobs
from retrieval.index.embedding import Embedder
from retrieval.prompts import Prompt, load_prompt
from retrieval.settings import Settings
from retrieval.support.claims import Span, split_claims
from retrieval.support.judge import Features, Judge, OfflineJudge
from retrieval.support.verdict import SentenceVerdict, Verdict

SUPPORTED, UNSUPPORTED = "SUPPORTED", "UNSUPPORTED"
# Longest first, so "UNSUPPORTED" and "NOT SUPPORTED" are never read as "SUPPORTED".
_VERDICT = re.compile(r"\b(UNSUPPORTED|NOT[\s_-]+SUPPORTED|SUPPORTED|YES|NO)\b")
# Verdict words whose first token may open the reply; a token that starts one of them votes for it.
_OPENERS = {SUPPORTED: (SUPPORTED, "YES"), UNSUPPORTED: (UNSUPPORTED, "NOT SUPPORTED", "NO")}
_REPLY_TOKENS = 6  # room for a verdict word plus stray markup ("**SUPPORTED**")


def parse_verdict(reply: str) -> bool | None:
    """True for SUPPORTED, False for UNSUPPORTED, None when the reply states neither (its first verdict word wins)."""
    found = _VERDICT.search(reply.upper())
    if found is None:
        return None
    return found.group(1) in (SUPPORTED, "YES")


def _key(token: str) -> str:
    """A token as it would start a verdict word: no spaces, markup or quotes, upper case."""
    return token.strip().strip("*_`'\"").upper()


def _side(token: str) -> str | None:
    """Which verdict a token opens, if any."""
    key = _key(token)
    if not key:
        return None
    for verdict, words in _OPENERS.items():
        if any(word.startswith(key) for word in words):
            return verdict
    return None


def logprob_score(tokens: TokenLogprobs) -> float | None:
    """P(SUPPORTED) / (P(SUPPORTED) + P(UNSUPPORTED)) at the token where the verdict starts, or None.

    The position is the first generated token that opens a verdict word (else the first token). A side
    missing from the top alternatives is given the least listed probability: an upper bound, not zero.
    """
    if not tokens:
        return None
    position = next((i for i, (token, _) in enumerate(tokens) if _side(token)), 0)
    alternatives = tokens[position][1]
    mass = {SUPPORTED: 0.0, UNSUPPORTED: 0.0}
    for token, logprob in alternatives:
        side = _side(token)
        if side:
            mass[side] += math.exp(logprob)
    if not any(mass.values()):
        return None
    floor = min(math.exp(lp) for _, lp in alternatives)
    supported, unsupported = mass[SUPPORTED] or floor, mass[UNSUPPORTED] or floor
    return supported / (supported + unsupported)


@dataclass(frozen=True)
class ModelVerdict:
    """What the model said about one claim, and the score drawn from it."""

    score: float
    detail: str


class LLMJudge:
    """Offline alignment and targeted checks first; the model then decides each claim the checks let through.

    Combination rule: a claim failing a targeted check (number, date, entity, negation, hedging) is
    unsupported with that reason, whatever the model would say, and is not sent to the model; its
    score is the offline judge's vetoed score (at most 0.3). Every other claim goes to the model with
    its top-aligned source sentences; its score is P(SUPPORTED) from the reply's logprobs when the
    server gives them, else 1 or 0 from the parsed reply (a reply with no verdict scores 0: "unknown"
    is never faithful), and it is supported when the score reaches the threshold.
    """

    name = "llm"

    def __init__(
        self,
        offline: OfflineJudge,
        client: ChatClient,
        prompt: Prompt,
        threshold: float = 0.5,
        context_sentences: int = 5,
        context_chars: int = 2000,
        logprobs: bool = True,
    ) -> None:
        self.offline = offline
        self.fallback: Judge | None = offline
        self.client = client
        self.prompt = prompt
        self.threshold = threshold
        self.context_sentences = context_sentences
        self.context_chars = context_chars
        self.logprobs = logprobs

    def aligned(self, source: str, claims: Sequence[Span], question: str | None) -> list[tuple[Features, str]]:
        """The offline judge's features of each claim, with the context the model will see."""
        return [(f, self.context(f.ranked)) for f in self.offline.features(source, claims, question)]

    def context(self, ranked: Sequence[Span]) -> str:
        """The best-aligned source sentences within the budget, in source order so they read as text."""
        chosen: list[Span] = []
        used = 0
        for unit in ranked[: self.context_sentences]:
            if chosen and used + len(unit.text) > self.context_chars:
                break
            chosen.append(unit)
            used += len(unit.text) + 1
        text = " ".join(u.text for u in sorted(chosen, key=lambda u: u.start))
        return text[: self.context_chars]

    def ask(self, context: str, claim: str, question: str | None) -> ModelVerdict:
        """The model's verdict on one claim; raises GenerationError when the endpoint fails."""
        # An answer alone is often a bare span: the model judges it together with its question.
        stated = f"{claim} (the answer to: {question})" if question else claim
        messages = self.prompt.render(source=context, claim=stated)
        if self.logprobs:
            reply, tokens = self.client.complete_logprobs(messages, _REPLY_TOKENS)
        else:
            reply, tokens = self.client.complete(messages, _REPLY_TOKENS), None
        parsed = parse_verdict(reply)
        scored = logprob_score(tokens) if tokens else None
        said = " ".join(reply.split())[:60]
        if scored is not None:
            return ModelVerdict(round(scored, 4), f"model: {said!r}, P(supported) {scored:.2f}")
        if parsed is None:
            return ModelVerdict(0.0, f"model gave no verdict: {said!r}")
        return ModelVerdict(1.0 if parsed else 0.0, f"model: {said!r}")

    def judge(self, source: str, text: str | Sequence[str], question: str | None = None) -> Verdict:
        """Judge each claim of `text` against `source` (see Judge.judge for the contract)."""
        claims = split_claims(text)
        aligned = self.aligned(source, claims, question) if claims else []
        verdicts = [self._verdict(c, f, context, question) for c, (f, context) in zip(claims, aligned, strict=True)]
        return Verdict.of(verdicts, self.name, self.threshold)

    def _verdict(self, claim: Span, f: Features, context: str, question: str | None) -> SentenceVerdict:
        """Veto by the targeted checks, else the model's verdict against the threshold."""
        if f.reason:
            return f.verdict(claim, self.offline.score(f), f.detail, self.threshold)
        said = self.ask(context, claim.text, question)
        return f.verdict(claim, said.score, said.detail, self.threshold)


def make_llm_judge(settings: Settings, embedder: Embedder, base_url: str | None = None) -> LLMJudge:
    """The LLM judge on the configured OpenAI-compatible endpoint (or `base_url`), at temperature 0."""
    # A judge must be deterministic whatever the generator's sampling is; it needs room for one verdict word.
    config = replace(LLMConfig.from_settings(settings, base_url), temperature=0.0, max_tokens=_REPLY_TOKENS)
    return LLMJudge(
        OfflineJudge.from_settings(settings, embedder),
        ChatClient(config),
        load_prompt("judge", settings.prompts_dir),
        settings.judge_llm_threshold,
        settings.judge_llm_context_sentences,
        settings.judge_llm_context_chars,
        settings.judge_llm_logprobs,
    )
