"""The extractive generator: answer with the best-supported retrieved sentences, each a verbatim quote."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence, Set
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from retrieval.answer import AnswerSentence, Draft
from retrieval.chunk import ScoredChunk
from retrieval.citation import Citation
from retrieval.index.embedding import Embedder
from retrieval.sentences import split_sentences
from retrieval.settings import DEFAULT_RESCUE_BELOW, Settings
from retrieval.streaming import DraftEvent, GeneratorEvent, SentenceEvent
from retrieval.support.answerability import NEVER_NAMES, OVERRULABLE, answers, context_before, in_context
from retrieval.terms import content_terms, coverage, idf_weights, what_is_asked
from retrieval.writing.compose import Composer, ExtractiveComposer

MIN_WORDS = 4
REDUNDANT = 0.82
MARGIN = 0.12
NEW_DOC_BONUS = 0.03
# A question with more content terms than this asks several things at once (MultiHop-RAG's have 14 or more at
# the 5th percentile, SQuAD's and the seed near-misses' 5 at the 95th): no one sentence answers it, so the
# one-sentence checks (answer type, names, polarity, the answer model) do not apply to it.
COMPOUND_TERMS = 12
# The share of the model's threshold a sentence trust_margin over the bar needs: answers-v2 scored right sentences
# of the briefs' "Besides X, what …?" questions at P 0.009-0.04, SQuAD 2.0's edited questions (a "not" put in,
# "after" for "before") mostly under 0.005 (training-side articles). With the answer model's threshold (0.3) it is 0.03;
# that threshold was swept with this share in place.
TRUSTED_SHARE = 0.1
# P(sentence answers question) for each sentence (support/tuned.py).
AnswerScorer = Callable[[str, Sequence[str]], list[float]]


@dataclass(frozen=True)
class Candidate:
    """A sentence of a retrieved chunk with its relevance features."""

    context: ScoredChunk
    start: int
    end: int
    quote: str
    cosine: float
    lexical: float
    relevance: float


def _candidates(contexts: Sequence[ScoredChunk]) -> list[tuple[ScoredChunk, int, int, str]]:
    """Every distinct sentence of the contexts, with absolute offsets in its document."""
    seen: set[tuple[str, int]] = set()
    out: list[tuple[ScoredChunk, int, int, str]] = []
    for ctx in contexts:
        for a, b in split_sentences(ctx.chunk.text):
            start, end = ctx.chunk.start + a, ctx.chunk.start + b
            quote = ctx.chunk.text[a:b]
            if (ctx.chunk.doc_id, start) in seen or len(quote.split()) < MIN_WORDS:
                continue
            seen.add((ctx.chunk.doc_id, start))
            out.append((ctx, start, end, quote))
    return out


def split_by_reason(reasons: Sequence[str | None]) -> tuple[list[int], list[int]]:
    """The candidates that may answer (no reason against them), and those a sure model may still let answer: held
    back by the name check (a pronoun's sentence names its subject earlier) or one of OVERRULABLE; the rest never.
    """
    keep = [i for i, why in enumerate(reasons) if why is None]
    overrulable = [i for i, why in enumerate(reasons) if why and (why.startswith(NEVER_NAMES) or why in OVERRULABLE)]
    return keep, overrulable


@dataclass(frozen=True)
class Abstention:
    """When to say the corpus does not say: relevance must reach a bar set by the question's length."""

    threshold: float
    slope: float
    cosine_weight: float
    check_answers: bool = True
    # P(sentence answers question) for each sentence; None = no model check.
    model: AnswerScorer | None = field(default=None, compare=False)
    model_threshold: float = 0.5
    model_candidates: int = 5
    check_focus: bool = True
    # P(answers) at which the model overrides the checks `split_by_reason` holds and the bar (within rescue_below).
    rescue: float = 1.0
    # Relevance over the bar at which a sentence needs only TRUSTED_SHARE of the model's threshold (2.0: never).
    trust_margin: float = 2.0
    # How far under the relevance bar a sentence may be and still be rescued by a sure answer model.
    rescue_below: float = DEFAULT_RESCUE_BELOW
    # Whether the model reads each sentence with the text before it (its weights' card says so).
    model_context: bool = False

    @classmethod
    def from_settings(cls, settings: Settings) -> Abstention:
        """The calibrated abstention bar the settings give."""
        from retrieval.support.tuned import ANSWERS, reads_context

        s = settings
        model = _answer_scorer(s.local_cache_dir, s.answer_model_weights) if s.answer_model else None
        context = model is not None and reads_context(s.answer_model_weights or ANSWERS)
        return cls(
            s.abstain_threshold,
            s.abstain_slope,
            s.cosine_weight,
            s.answer_check,
            model,
            s.answer_model_threshold,
            s.answer_model_candidates,
            s.answer_focus,
            s.answer_model_rescue,
            s.answer_model_trust_margin,
            s.answer_model_rescue_below,
            context,
        )

    def answering(self, question: str, candidates: list[Candidate]) -> tuple[list[int], list[int]]:
        """Indices of the candidates that may answer the question (all of them when the check is off), and
        of those held back by a check the model may overrule (`split_by_reason`)."""
        if not self.check_answers or self.compound(question):
            return list(range(len(candidates))), []
        return split_by_reason([answers(question, c.quote, text_before(c), focus=self.check_focus) for c in candidates])

    def confirmed(
        self, question: str, candidates: list[Candidate], bar: float, held_back: Sequence[int] = ()
    ) -> list[int]:
        """Indices of the candidates over the bar, most relevant first; none when the answer model says that
        none of the most relevant few answers the question. `held_back` candidates, and any under the bar, join
        when no more than `rescue_below` under it and the model is at least `rescue` sure that they answer.

        The model decides whether to answer, and drops no sentence: used to drop sentences as well it scored
        the same on the calibration article and lost "Which open-source model ranks ahead of DeepSeek V4 Pro?"
        (dev-07), whose answering sentence states the converse ("behind Kimi K2.6"). It may add one (`sure`).
        """
        by_relevance = sorted(range(len(candidates)), key=lambda i: -candidates[i].relevance)
        held = set(held_back)
        over = [i for i in by_relevance if candidates[i].relevance >= bar and i not in held]
        if self.model is None or self.compound(question):
            return over
        rescued = self.rescued(question, candidates, bar, held)
        head = over[: self.model_candidates]
        sure = self.model(question, self.read(candidates, head)) if head else []
        trusted = [candidates[i].relevance >= bar + self.trust_margin for i in head]
        # Far over the bar, a tenth of the model's threshold will do; under it the model still has its say.
        floor = self.model_threshold * TRUSTED_SHARE
        if not any(p >= self.model_threshold or (t and p >= floor) for p, t in zip(sure, trusted, strict=True)):
            return rescued
        return sorted(over + rescued, key=lambda i: -candidates[i].relevance)

    def rescued(
        self, question: str, candidates: list[Candidate], bar: float, held: Set[int] = frozenset()
    ) -> list[int]:
        """Candidates the model is at least `rescue` sure answer though held back by a check it may overrule
        (`held`, over the bar or not: `split_by_reason`) or just under the bar (never more than `rescue_below`
        under it); most relevant first."""
        by_relevance = sorted(range(len(candidates)), key=lambda i: -candidates[i].relevance)
        near = [
            i
            for i in by_relevance
            if candidates[i].relevance >= bar - self.rescue_below and (i in held or candidates[i].relevance < bar)
        ]
        return self._sure_of(question, candidates, near)

    def sure(self, question: str, candidates: list[Candidate]) -> list[int]:
        """Of the most relevant few candidates, those the model is at least `rescue` sure answer the question."""
        return self._sure_of(
            question, candidates, sorted(range(len(candidates)), key=lambda i: -candidates[i].relevance)
        )

    def _sure_of(self, question: str, candidates: list[Candidate], ranked: list[int]) -> list[int]:
        """Of the first `model_candidates` of `ranked`, those the model is at least `rescue` sure answer."""
        if self.model is None or self.rescue >= 1.0 or self.compound(question):
            return []
        head = ranked[: self.model_candidates]
        sure = self.model(question, self.read(candidates, head)) if head else []
        return [i for i, p in zip(head, sure, strict=True) if p >= self.rescue]

    def read(self, candidates: list[Candidate], picked: Sequence[int]) -> list[str]:
        """What the model reads of each picked candidate: its sentence, with the text before it for a model trained
        so (`in_context`)."""
        if self.model_context:
            return [in_context(candidates[i].quote, text_before(candidates[i])) for i in picked]
        return [" ".join(candidates[i].quote.split()) for i in picked]

    @staticmethod
    def compound(question: str) -> bool:
        """Whether the question asks several things at once (then no single sentence is checked against it)."""
        return _terms(question) > COMPOUND_TERMS

    def bar(self, question: str) -> float:
        """The relevance a sentence needs; lower for questions with many content terms."""
        return self.threshold + self.slope * math.log(max(1, _terms(question)))


def _terms(question: str) -> int:
    """How many distinct content terms the question has: what the bar and the compound test count."""
    return len(set(content_terms(question, drop_question_words=True)))


def _answer_scorer(cache_dir: Path, weights: Path | None = None) -> AnswerScorer | None:
    """The answer model (`weights`, else the shipped one), loaded on first use (its built graph kept in
    `cache_dir`); None when the shipped weights are absent."""
    from retrieval.support.tuned import ANSWERS, shared_model

    path = weights or ANSWERS
    if weights is None and not ANSWERS.exists():
        return None

    # `ask` scores the same (question, sentence) pairs more than once (to confirm, then to quote): each once. Only
    # the latest question's scores are kept: another question forgets them, so no cache grows or hides the model.
    seen: dict[tuple[str, str], float] = {}

    def score(question: str, sentences: Sequence[str]) -> list[float]:
        # Read into a local dict first: another request's thread may clear `seen` meanwhile.
        known = {s: seen.get((question, s)) for s in sentences}
        new = [s for s, p in known.items() if p is None]
        if new:
            known.update(zip(new, shared_model(path, cache_dir).answers(what_is_asked(question), new), strict=True))
        if any(q != question for q, _ in list(seen)[:1]):
            seen.clear()
        seen.update({(question, s): p for s, p in known.items() if p is not None})
        return [p for s in sentences if (p := known[s]) is not None]

    return score


def score_sentences(
    question: str, contexts: Sequence[ScoredChunk], embedder: Embedder, cosine_weight: float
) -> tuple[list[Candidate], np.ndarray]:
    """Score sentences by a blend of meaning (cosine) and of the question's rare terms found verbatim."""
    raw = _candidates(contexts)
    if not raw:
        return [], np.zeros((0, 0), dtype=np.float32)
    vectors = embedder.embed([question] + [" ".join(q.split()) for _, _, _, q in raw])
    cosines = vectors[1:] @ vectors[0]
    term_sets = [set(content_terms(q)) for _, _, _, q in raw]
    scores = relevance(question, cosines, term_sets, cosine_weight)
    candidates = [
        Candidate(ctx, start, end, quote, float(cos), lex, rel)
        for (ctx, start, end, quote), cos, (lex, rel) in zip(raw, cosines, scores, strict=True)
    ]
    return candidates, vectors[1:]


def relevance(
    question: str, cosines: Sequence[float] | np.ndarray, term_sets: Sequence[set[str]], cosine_weight: float
) -> list[tuple[float, float]]:
    """(rare-term coverage, relevance) of each sentence for the question, given its cosine and its content
    terms: what `ask` ranks sentences by (bench/answer_data.py mines training negatives with it too)."""
    idf = idf_weights(term_sets)
    q_terms = content_terms(question, drop_question_words=True)
    out = []
    for cos, terms in zip(cosines, term_sets, strict=True):
        lex = coverage(q_terms, terms, idf, len(term_sets))
        out.append((lex, cosine_weight * float(cos) + (1 - cosine_weight) * lex))
    return out


def _select(candidates: list[Candidate], vectors: np.ndarray, floor: float, limit: int) -> list[int]:
    """Greedy pick of relevant, non-redundant sentences, nudged towards covering more briefs."""
    chosen: list[int] = []
    docs: set[str] = set()
    while len(chosen) < limit:
        best, best_value = -1, -1.0
        for i, cand in enumerate(candidates):
            if i in chosen or cand.relevance < floor:
                continue
            if chosen and float(np.max(vectors[chosen] @ vectors[i])) > REDUNDANT:
                continue
            value = cand.relevance + (NEW_DOC_BONUS if cand.context.chunk.doc_id not in docs else 0.0)
            if value > best_value:
                best, best_value = i, value
        if best < 0:
            break
        chosen.append(best)
        docs.add(candidates[best].context.chunk.doc_id)
    return chosen


def text_before(cand: Candidate) -> str:
    """The candidate's section heading and the chunk text just before it: where the names its pronouns stand for are."""
    chunk = cand.context.chunk
    return context_before(chunk.text, cand.start - chunk.start, chunk.section)


def source_order(picked: Sequence[Candidate]) -> list[Candidate]:
    """Order an answer's sentences by brief (in order of first appearance), then by position in the brief."""
    first_seen: dict[str, int] = {}
    for rank, c in enumerate(picked):
        first_seen.setdefault(c.context.chunk.doc_id, rank)
    return sorted(picked, key=lambda c: (first_seen[c.context.chunk.doc_id], c.start))


def _citation(cand: Candidate) -> Citation:
    """A citation of the candidate sentence, quoting it exactly."""
    return Citation.quoting(cand.context, cand.quote, cand.start, cand.end)


class ExtractiveGenerator:
    """No model: selects and orders the best-supported sentences, so every sentence is a quote."""

    name = "extractive"
    streams_tokens = False
    endpoint: str | None = None

    def __init__(
        self, embedder: Embedder, abstention: Abstention, max_sentences: int = 3, margin: float = MARGIN
    ) -> None:
        self.embedder = embedder
        self.abstention = abstention
        self.max_sentences = max_sentences
        # How far below the best sentence a quote may be: wider when the sentences are evidence for a model.
        self.margin = margin

    def generate(self, question: str, contexts: Sequence[ScoredChunk]) -> Draft:
        """Abstain when no sentence clears the calibrated bar; otherwise quote the best few."""
        candidates, vectors = score_sentences(question, contexts, self.embedder, self.abstention.cosine_weight)
        keep, held_back = self.abstention.answering(question, candidates)
        top = max((candidates[i].relevance for i in keep), default=0.0)
        pool = sorted(keep + held_back)
        candidates, vectors = [candidates[i] for i in pool], vectors[pool]
        held = [pool.index(i) for i in held_back]
        bar = self.abstention.bar(question)
        confirmed = self.abstention.confirmed(question, candidates, bar, held)
        if not confirmed:
            return Draft(sentences=(), abstained=True, relevance=top)
        candidates, vectors = [candidates[i] for i in confirmed], vectors[confirmed]
        top = candidates[0].relevance
        # A rescued sentence may sit under the bar: the floor then follows it down (within the margin of the top).
        floor = max(min(bar, candidates[-1].relevance), top - self.margin)
        chosen = _select(candidates, vectors, floor, self.max_sentences)
        # Relevance picks the quote, but a sentence the model is sure answers joins it though further under the
        # best than the margin ("Emerging powers are following suit" under the Saudi sentence it follows).
        room = self.max_sentences - len(chosen)
        chosen += [i for i in self.abstention.sure(question, candidates) if i not in chosen][: max(0, room)]
        sentences = tuple(
            AnswerSentence(text=" ".join(c.quote.split()), citations=(_citation(c),), support=round(c.relevance, 4))
            for c in source_order([candidates[i] for i in chosen])
        )
        return Draft(sentences=sentences, abstained=False, relevance=top)

    def stream(self, question: str, contexts: Sequence[ScoredChunk]) -> Iterator[GeneratorEvent]:
        """No tokens: the whole draft at once, each of its sentences (all quotes, none removed), then the draft."""
        draft = self.generate(question, contexts)
        yield from (SentenceEvent(s, kept=True) for s in draft.sentences)
        yield DraftEvent(draft)

    def reachable(self) -> bool:
        """Always: it runs in-process."""
        return True

    def close(self) -> None:
        """Nothing to stop."""

    def composer(self, prompts_dir: Path | None) -> Composer:
        """The evidence itself (no model, no prompts)."""
        return ExtractiveComposer()

    def condenser(self, prompts_dir: Path | None) -> None:
        """None: chat follow-ups use the word carry-over."""
        return None
