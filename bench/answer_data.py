"""Build the answer model's (question, sentence) training pairs from ../shared/datasets.

Does this sentence answer this question? Positives are the sentence holding a gold answer; negatives are
the ways a near-miss looks right in real use:
- SQuAD 2.0's own unanswerable questions against the sentence with their plausible distractor;
- the most word-similar other sentence of the paragraph;
- with `--mined`, the sentences of the whole article BriefLens's own relevance (cosine + rare terms, as
  `ask` ranks them) puts highest that hold no gold answer: the true but off-target quotes an answer
  gives when it should abstain;
- the answerable question edited the way SQuAD 2.0's annotators wrote unanswerable ones, against the
  sentence that answered the original: a name of the question swapped for another of the same article,
  a number or year changed, a negation inserted, an antonym swapped (the sentence no longer answers);
- with `--deleted`, the sentence that answered with its answer cut out, with the word that led into it ("in
  response to", "because", "in"): it still restates what is asked, the question's names and verb, but no longer
  says the answer. That is the near-miss an answer gives most often ("Why did OpenAI agree to deploy its models
  within classified networks?" answered by the sentence saying it agreed, with no reason).

With `--seed-questions`, the near-miss and answerable questions about the two seed briefs whose splits are in
`SEED_TRAIN` (tests/data/answerability.jsonl; sets already read and mended) join them, asked of the briefs in
corpus/ through BriefLens itself: an answerable question's best-ranked candidate sentence holding its answer
is a positive, the most relevant candidates without it negatives; a near-miss question's most relevant
candidates are negatives (the briefs state nothing that answers it). Every other split stays out: the later
read sets to compare models on, the blind ones to run once. `--seed-through N` trains on dev, holdout and
holdout2 to holdoutN (default 26: answers-v8, v10 and v12; answers-v4 trained through holdout16).

With `--written`, the questions written in SQuAD 2.0's manner over training passages (bench/data/
written_questions.jsonl, from bench/written_questions.py: the 4 training articles' paragraphs and HaluEval
summarisation's training half): an answerable one's sentence answers it; an unanswerable one's sentence, the
plausible distractor it was edited away from, does not, nor does the passage's most word-similar other sentence.

With `--audited`, SQuAD's unanswerable questions that session 28's label audit found answered as asked by their
distractor sentence (bench/label_audit.py: 34 of the 887 in the training articles) are trained as answers
("squad audited answer"), not as near-misses.

Splits (never read for training): the 3 SQuAD 2.0 articles held out for the benchmark
(`support_data.SQUAD_VALIDATION`), the calibration article `CALIBRATION` (its threshold is fitted there),
the validation half of HaluEval QA, the seed splits not in `SEED_TRAIN`; SummEdits is never read.

Run: .venv/bin/python bench/answer_data.py [--out .brieflens/answers] [--seed 13] [--mined 3] [--seed-questions]
     [--seed-through 26] [--written [--written-rows N]] [--deleted] [--edits 1] [--audited] [--drop-kind KIND ...]
Writes train.jsonl and calibration.jsonl ({"a", "b", "label", "kind", "source"}, and "answer", the answer as the
sentence spells it, on a positive whose answer is known: all but the written questions'; "before", the text before the
sentence in its paragraph, passage or chunk, read by a `train_nli.py --context` model) and prints the counts.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.datasets import read_jsonl, shared_path
from bench.support_data import (
    SQUAD_VALIDATION,
    _literal,
    flip_negation,
    is_train,
    sentences,
    squad_articles,
    swap_antonym,
    swap_entity,
    swap_number,
    words_of,
)

CALIBRATION = "1973_oil_crisis"  # a training-side article kept out of training: the threshold is fitted on it
ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "tests" / "data" / "answerability.jsonl"
# The seed sets read and mended before the shipped model was trained: a split must be listed here to be trained on.
# answers-v4 (session 18) trained through holdout16; answers-v8 (session 22) through holdout26 (and answers-v10
# and answers-v12, sessions 23-24), so the read sets holdout27-34 compare models; holdout35-36 were run in session
# 23, holdout37-40 in session 24; later ones are blind.
SEED_THROUGH = 26


def seed_splits(through: int = SEED_THROUGH) -> frozenset[str]:
    """The read seed splits a model trains on: dev, holdout and holdout2 to holdout<through>."""
    return frozenset({"dev", "holdout", *(f"holdout{i}" for i in range(2, through + 1))})


SEED_TRAIN = seed_splits()


def training_articles(names: Iterable[str]) -> set[str]:
    """The SQuAD articles a model may train on: neither held out for the benchmark nor the calibration article."""
    return set(names) - set(SQUAD_VALIDATION) - {CALIBRATION}


Pair = dict[str, Any]


def before_in(sentences: list[str], i: int) -> str:
    """The text before sentence i of its paragraph as `ask` reads it beside the sentence (`context_before`: at most
    its last BEFORE_CHARS characters): the pair's "before", read by a model trained with --context."""
    from retrieval.support.answerability import context_before

    text = " ".join(sentences[:i]) + " " if i else ""
    return " ".join(context_before(text, len(text)).split())


def edits(question: str, sentence: str, doc_text: str, rng: random.Random, n: int = 1) -> Iterator[Pair]:
    """Up to n unanswerable variants of an answered question (each of another kind): the sentence answered the
    original, not these."""
    tries = [
        ("question name swap", swap_entity(question, doc_text, rng)),
        ("question number swap", swap_number(question, doc_text, rng)),
        ("question negation", flip_negation(question, rng)),
        ("question antonym", swap_antonym(question, rng)),
    ]
    usable = []
    for kind, edited in tries:
        # A swapped-in name the sentence also holds could still be answered by it.
        new_words = words_of(edited or "") - words_of(question)
        if edited and edited != question and not (new_words and new_words <= words_of(sentence)):
            usable.append((kind, edited))
    # One edit per question by default (v2), so no question dominates; the sampling for n = 1 is v2's.
    picked = [rng.choice(usable)] if usable and n == 1 else rng.sample(usable, min(n, len(usable)))
    for kind, edited in picked:
        yield {"a": edited, "b": sentence, "label": 0, "kind": kind}


# The words that lead into an answer and go with it when it is cut out: "raised prices in response to | American
# aid to Israel", "because | capability is diffusing", "in | 1973".
_LEAD_IN = re.compile(
    r"(?:\b(?:because(?:\s+of)?|due\s+to|owing\s+to|thanks\s+to|in\s+response\s+to|in\s+order\s+to|so\s+that|such\s+as"
    r"|as\s+(?:a|an)|as|in|on|at|by|from|to|for|of|with|since|during|after|before|about|around|nearly|some|over|"
    r"under|the|a|an|is|was|were|are|called|named|known\s+as)\s+)*$",
    re.IGNORECASE,
)
# Cutting may leave ", ," or " ." or empty brackets or quotes behind.
_STRAY = [
    (re.compile(r"\(\s*\)|\"\s*\"|“\s*”|'\s*'"), ""),
    (re.compile(r"\s+([,.;:!?])"), r"\1"),
    (re.compile(r"([,;:])\s*([,;:.])"), r"\2"),
]
MAX_ANSWER_SHARE = 0.4  # an answer of more than this share of the sentence leaves too little to restate
MIN_LEFT_WORDS = 6


def _whole(text: str) -> re.Pattern[str]:
    """The text as whole words."""
    return re.compile(rf"(?<!\w){re.escape(text)}(?!\w)")


def without_answer(sentence: str, answers: list[str]) -> str | None:
    """The sentence with its first answer and the words leading into it cut out; None when the answer opens it or
    is most of it, too little is left, or another of the answers is still there."""
    # Whole words only ("no" is not in "known"); a yes or no is no span of the sentence.
    found = [(m, a) for a in answers if a and a.lower() not in ("yes", "no") for m in [_whole(a).search(sentence)] if m]
    if not found or len(found[0][1]) > MAX_ANSWER_SHARE * len(sentence):
        return None
    start, answer = found[0][0].start(), found[0][1]
    lead = _LEAD_IN.search(sentence[:start])
    cut = lead.start() if lead else start
    if not sentence[:cut].strip(" \"'“‘("):  # an answer that opens the sentence is its subject: no sentence is left
        return None
    left = sentence[:cut] + " " + sentence[start + len(answer) :]
    for pattern, repl in _STRAY:
        left = pattern.sub(repl, left)
    left = " ".join(left.split()).strip(" ,;:")
    if left and not left[0].isupper():
        left = left[0].upper() + left[1:]
    if len(left.split()) < MIN_LEFT_WORDS or any(a and a.casefold() in left.casefold() for a in answers):
        return None
    return left if left.endswith((".", "!", "?")) else left + "."


def deleted(question: str, sentence: str, answers: list[str]) -> Iterator[Pair]:
    """The answering sentence without its answer, a negative for the same question (none when it cannot be cut)."""
    left = without_answer(sentence, answers)
    if left is not None:
        yield {"a": question, "b": left, "label": 0, "kind": "answer deleted"}


class Miner:
    """Rank an article's sentences for a question the way `ask` does (extractive.relevance)."""

    def __init__(self, articles: dict[str, list[list[str]]]) -> None:
        from retrieval.index.embedding import SentenceTransformerEmbedder
        from retrieval.settings import Settings

        self.settings = Settings()
        self.embedder = SentenceTransformerEmbedder(self.settings.embedding_model)
        self.articles = articles
        self._cache: dict[str, tuple[list[str], Any, list[set[str]]]] = {}

    def _article(self, name: str) -> tuple[list[str], Any, list[set[str]]]:
        """The article's sentences (as `ask` keeps them: 4 words or more), their vectors and term sets, once."""
        from retrieval.generation.extractive import MIN_WORDS
        from retrieval.terms import content_terms

        if name not in self._cache:
            sents = [s for p in self.articles[name] for s in p if len(s.split()) >= MIN_WORDS]
            self._cache[name] = (sents, self.embedder.embed(sents), [set(content_terms(s)) for s in sents])
        return self._cache[name]

    def ranked(self, name: str, question: str) -> list[str]:
        """The article's sentences, most relevant to the question first."""
        from retrieval.generation.extractive import relevance

        sents, vectors, terms = self._article(name)
        cosines = vectors @ self.embedder.embed([question])[0]
        rel = [r for _, r in relevance(question, cosines, terms, self.settings.cosine_weight)]
        return [sents[i] for i in sorted(range(len(sents)), key=lambda i: -rel[i])]


def mined(miner: Miner, article: str, question: str, avoid: list[str], taken: set[str], k: int) -> Iterator[Pair]:
    """The k most relevant sentences of the article that hold none of `avoid` (gold or plausible answers) and
    are not already `taken` as the question's pairs."""
    folded = [a.casefold() for a in avoid]
    ranked = miner.ranked(article, question)
    picked = [s for s in ranked if s not in taken and not any(a in s.casefold() for a in folded)][:k]
    for sentence in picked:
        yield {"a": question, "b": sentence, "label": 0, "kind": "squad retrieved sentence", "source": article}


def squad_pairs(
    rng: random.Random,
    articles: dict[str, list[list[str]]],
    keep: set[str],
    miner: Miner | None = None,
    k: int = 0,
    n_edits: int = 1,
    cut: bool = False,
) -> Iterator[Pair]:
    """Pairs from the SQuAD 2.0 articles in `keep` (with `miner`, k retrieved negatives per question; up to
    n_edits edited questions per answerable one; with `cut`, its answering sentence without the answer)."""
    path = shared_path("datasets", "squad2_answerability", "questions.jsonl")
    for q in read_jsonl(path) if path else []:
        article = q["article"].replace(" ", "_")
        if article not in keep or article not in articles:
            continue
        paragraphs = articles[article]
        para = paragraphs[int(q["paragraph"])] if int(q["paragraph"]) < len(paragraphs) else []
        answerable = _literal(q["answerable"])
        answers = [a for a in _literal(q["answers"] if answerable else q["plausible_answers"]) if a]
        holding = [i for i, s in enumerate(para) if any(a in s for a in answers)]
        question = q["question"]
        if holding:
            sentence = para[holding[0]]
            kind = "squad answer" if answerable else "squad plausible distractor"
            here = {"source": article, "before": before_in(para, holding[0])}
            pair = {"a": question, "b": sentence, "label": int(answerable), "kind": kind, "qid": q["id"]} | here
            yield pair | ({"answer": next(a for a in answers if a in sentence)} if answerable else {})
            if answerable:
                doc_text = " ".join(s for p in paragraphs for s in p)
                for pair in edits(question, sentence, doc_text, rng, n_edits):
                    yield pair | here
                if cut:
                    yield from (pair | here for pair in deleted(question, sentence, answers))
        rest = [i for i in range(len(para)) if i not in holding]
        if rest:
            i = max(rest, key=lambda j: len(words_of(question) & words_of(para[j])))
            yield {"a": question, "b": para[i], "label": 0, "kind": "squad other sentence", "source": article} | {
                "before": before_in(para, i)
            }
            holding.append(i)
        if miner is not None and k:
            # Every answer and plausible answer is avoided: a sentence holding one may answer after all.
            avoid = [a for a in _literal(q["answers"]) + _literal(q["plausible_answers"]) if a]
            taken = {para[i] for i in holding}
            befores = _befores(article, paragraphs)
            for pair in mined(miner, article, question, avoid, taken, k):
                yield pair | {"before": befores.get(pair["b"], "")}


_BEFORES: dict[str, dict[str, str]] = {}


def _befores(article: str, paragraphs: list[list[str]]) -> dict[str, str]:
    """Each sentence of the article -> the text before it in its paragraph (the first paragraph holding it; once)."""
    if article not in _BEFORES:
        out: dict[str, str] = {}
        for para in paragraphs:
            for i, sentence in enumerate(para):
                out.setdefault(sentence, before_in(para, i))
        _BEFORES[article] = out
    return _BEFORES[article]


def _span(sentence: str, answer: str) -> str:
    """The answer as the sentence spells it (found case-blind)."""
    at = sentence.casefold().find(answer.casefold())
    return sentence[at : at + len(answer)] if at >= 0 else answer


def halueval_pairs(rng: random.Random, n_edits: int = 1, cut: bool = False) -> Iterator[Pair]:
    """Training half of HaluEval QA: the knowledge sentence holding the right answer, and its near-misses."""
    path = shared_path("datasets", "halueval_qa_dev.jsonl")
    for item in read_jsonl(path) if path else []:
        if not is_train(f"halueval-qa:{item['idx']}"):
            continue
        knowledge = " ".join(item["knowledge"].replace(".", ". ").split())
        doc = sentences(knowledge)
        answer = str(item["right_answer"]).lower()
        holding = [i for i, s in enumerate(doc) if answer in s.lower()]
        # A few HaluEval "questions" are statements: only real questions are paired.
        if not holding or not item["question"].rstrip().endswith("?") or len(item["question"].split()) > 40:
            continue
        question, sentence = item["question"], doc[holding[0]]
        here = {"source": "halueval-qa", "before": before_in(doc, holding[0])}
        span = _span(sentence, answer)
        yield {"a": question, "b": sentence, "label": 1, "kind": "halueval answer", "answer": span} | here
        for pair in edits(question, sentence, knowledge, rng, n_edits):
            yield pair | here
        if cut:
            yield from (p | here for p in deleted(question, sentence, [span]))
        rest = [i for i in range(len(doc)) if i not in holding and len(doc[i].split()) >= 5]
        if rest:
            j = rng.choice(rest)
            yield {
                "a": question,
                "b": doc[j],
                "label": 0,
                "kind": "halueval other sentence",
                "source": "halueval-qa",
                "before": before_in(doc, j),
            }


def written_pairs(k: int = 1, limit: int | None = None) -> Iterator[Pair]:
    """Pairs from the first `limit` (all when None) questions written over training passages (bench/
    written_questions.py): an answerable one's sentence answers it; an unanswerable one's sentence (its plausible
    distractor) does not, nor do the k other sentences of the passage that share the most words with either kind."""
    from bench.written_questions import WRITTEN, passages

    rows = read_jsonl(WRITTEN)[:limit] if WRITTEN.exists() else []
    known = passages() if rows else {}
    for row in rows:
        passage = known.get(row["doc"])
        if passage is None or row["sentence"] >= len(passage):
            continue
        question, at = row["question"], row["sentence"]
        kind = "written answer" if row["answerable"] else "written distractor"
        yield {"a": question, "b": passage[at], "label": int(row["answerable"]), "kind": kind, "source": row["doc"]} | {
            "before": before_in(passage, at)
        }
        rest = sorted(
            (i for i in range(len(passage)) if i != at and len(passage[i].split()) >= 5),
            key=lambda i: -len(words_of(question) & words_of(passage[i])),
        )
        for i in rest[:k]:
            other = "written other sentence"
            yield {"a": question, "b": passage[i], "label": 0, "kind": other, "source": row["doc"]} | {
                "before": before_in(passage, i)
            }


def question_pairs(lens: Any, item: dict[str, Any], k: int, cut: bool = False) -> Iterator[Pair]:
    """One seed question asked of `lens` (a BriefLens): for an answerable one, the best-ranked candidate sentence
    holding its answer (none when it was never retrieved), with `cut` that sentence without its answer, and k
    negatives; for a near-miss, k negatives."""
    from bench.miss_stages import asked_candidates
    from retrieval.generation.extractive import text_before

    question = item["question"]
    candidates = asked_candidates(lens, question)
    # Each sentence with the text `ask` reads before it (the first, most relevant, time it was retrieved).
    befores: dict[str, str] = {}
    for c in sorted(candidates, key=lambda c: -c.relevance):
        befores.setdefault(" ".join(c.quote.split()), " ".join(text_before(c).split()))
    ranked = list(befores)  # a sentence retrieved twice is one pair
    answer = " ".join(str(item.get("answer", "")).split()).casefold()
    holding = [s for s in ranked if answer and answer in s.casefold()] if item["answerable"] else []
    if item["answerable"]:
        if not holding:  # the answer was never retrieved: nothing to learn which sentence says it
            return
        span = _span(holding[0], answer)
        before = befores[holding[0]]
        yield {"a": question, "b": holding[0], "label": 1, "kind": "seed answer", "source": "seed", "answer": span} | {
            "before": before
        }
        if cut:
            yield from (p | {"source": "seed", "before": before} for p in deleted(question, holding[0], [span]))
    kind = "seed off-target sentence" if item["answerable"] else "seed near-miss sentence"
    for sentence in [s for s in ranked if s not in holding][:k]:
        yield {"a": question, "b": sentence, "label": 0, "kind": kind, "source": "seed"} | {"before": befores[sentence]}


def seed_pairs(k: int, cut: bool = False, splits: frozenset[str] = SEED_TRAIN) -> Iterator[Pair]:
    """Pairs from the seed questions of these splits, asked of corpus/ through BriefLens (k negatives each)."""
    import tempfile

    from retrieval.service import BriefLens
    from retrieval.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        lens = BriefLens(Settings(data_dir=Path(tmp)))
        lens.ingest([ROOT / "corpus"])
        for item in read_jsonl(SEED):
            if item["split"] in splits:
                yield from question_pairs(lens, item, k, cut)


def build(
    seed: int,
    k: int = 0,
    n_edits: int = 1,
    seed_questions: bool = False,
    cut: bool = False,
    splits: frozenset[str] = SEED_TRAIN,
    written: bool = False,
    written_rows: int | None = None,
) -> tuple[list[Pair], list[Pair]]:
    """The training pairs (shuffled with the seed) and the calibration article's pairs."""
    rng = random.Random(seed)
    articles = squad_articles()
    training = training_articles(articles)
    miner = Miner(articles) if k else None
    train = list(squad_pairs(rng, articles, training, miner, k, n_edits, cut)) + list(halueval_pairs(rng, n_edits, cut))
    if seed_questions:  # a near-miss seed question gives only negatives: at least 3 even when --mined is 0
        train += list(seed_pairs(max(k, 3), cut, splits))
    if written:
        train += list(written_pairs(limit=written_rows))
    calibration = list(squad_pairs(rng, articles, {CALIBRATION}))
    rng.shuffle(train)
    return train, calibration


AUDITED = "squad audited answer"


def relabelled(pairs: list[Pair], mislabelled: frozenset[str]) -> list[Pair]:
    """The pairs with each plausible-distractor pair whose question the label audit found answered as asked by that
    sentence (bench/label_audit.py) made a positive of its own kind, in place; the rest as built."""
    wrong = [p["kind"] == "squad plausible distractor" and p.get("qid") in mislabelled for p in pairs]
    return [p | {"label": 1, "kind": AUDITED} if w else p for p, w in zip(pairs, wrong, strict=True)]


def without_kinds(pairs: list[Pair], kinds: Iterable[str]) -> list[Pair]:
    """The pairs not of these kinds, in their order (so an ablation keeps the rest as built); unknown kinds raise."""
    drop = set(kinds)
    unknown = drop - {p["kind"] for p in pairs}
    if unknown:
        raise ValueError(f"no training pairs of kind {', '.join(sorted(unknown))}")
    return [p for p in pairs if p["kind"] not in drop]


def main() -> int:
    """Write train.jsonl and calibration.jsonl and print counts by kind and label."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(".brieflens/answers"))
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--mined", type=int, default=3, help="retrieved negatives per SQuAD question (v1: 0)")
    parser.add_argument("--edits", type=int, default=1, help="edited questions per answerable one (v2: 1)")
    parser.add_argument("--seed-questions", action="store_true", help="add the read seed questions of SEED_TRAIN")
    parser.add_argument(
        "--seed-through",
        type=int,
        default=SEED_THROUGH,
        help=f"with --seed-questions: train on dev, holdout and holdout2 to holdoutN (default {SEED_THROUGH})",
    )
    parser.add_argument("--deleted", action="store_true", help="add each answering sentence without its answer")
    parser.add_argument(
        "--written", action="store_true", help="add the questions written over training passages (bench/data)"
    )
    parser.add_argument(
        "--written-rows",
        type=int,
        help="with --written: only the first N questions (v8: 859; v10: 2811; default all: v12)",
    )
    parser.add_argument(
        "--audited",
        action="store_true",
        help="train SQuAD's unanswerable questions that the label audit found answered as asked as answers",
    )
    parser.add_argument(
        "--drop-kind",
        action="append",
        default=[],
        metavar="KIND",
        help="leave out the training pairs of this kind (repeatable; an ablation: the rest stay as built)",
    )
    args = parser.parse_args()
    if shared_path("datasets") is None:
        print("../shared/datasets is absent: nothing to build")
        return 0
    splits = seed_splits(args.seed_through)
    train, calibration = build(
        args.seed, args.mined, args.edits, args.seed_questions, args.deleted, splits, args.written, args.written_rows
    )
    if args.audited:
        from bench.label_audit import MISLABELLED

        train = relabelled(train, MISLABELLED)
    try:
        train = without_kinds(train, args.drop_kind)
    except ValueError as e:
        parser.error(str(e))
    args.out.mkdir(parents=True, exist_ok=True)
    for name, pairs in (("train", train), ("calibration", calibration)):
        with (args.out / f"{name}.jsonl").open("w", encoding="utf-8") as f:
            for p in pairs:
                f.write(json.dumps(p, ensure_ascii=False) + "\n")
    counts = Counter((p["kind"], p["label"]) for p in train)
    print(f"{'kind':32} {'label':>5} {'pairs':>7}")
    for (kind, label), n in sorted(counts.items()):
        print(f"{kind:32} {label:>5} {n:>7}")
    print(f"train {len(train)} pairs, calibration ({CALIBRATION}) {len(calibration)} pairs -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
