"""Build the support model's training pairs from ../shared/datasets (FactCC-style edits of real text).

Two tasks share one cross-encoder:
- claim: (claim, evidence sentences) -> is the claim supported by the evidence?
- question: (question, sentence) -> does the sentence answer the question?

Only the training halves are read for training (splits are by article or item, fixed by a hash of
its id): SQuAD 2.0 by article, HaluEval QA and summarisation by item, MultiHop-RAG by query.
SummEdits (all eight domains, news included) is never trained on by the default build (support-v2): it is validation
only. `--summedits DOMAINS` adds the named non-news domains' real summary sentences (support-v4, session 29, measured
against v2 on domains and news items it never read; not shipped).

Run: .venv/bin/python bench/support_data.py [--out .brieflens/support] [--seed 13] [--summedits podcast,qmsumm,...]
Writes train.jsonl ({"task", "a", "b", "label", "kind", "source"}) and prints the counts by kind.
"""

from __future__ import annotations

import argparse
import ast
import functools
import hashlib
import json
import random
import re
import sys
from collections import Counter
from collections.abc import Iterator, Set
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.datasets import read_jsonl, shared_path
from retrieval.sentences import split_sentences
from retrieval.support.claims import split_claims

SQUAD_VALIDATION = ("Normans", "Steam_engine", "Harvard_University")  # held-out articles (of 8)
EVIDENCE_SENTENCES = 3  # the judge aligns each claim to its top 3 source sentences
NEGATION_AUX = frozenset(
    [
        "is",
        "are",
        "was",
        "were",
        "has",
        "have",
        "had",
        "will",
        "would",
        "can",
        "could",
        "should",
        "may",
        "might",
        "must",
        "does",
        "do",
        "did",
    ]
)
ANTONYMS = [
    ("increase", "decrease"),
    ("increased", "decreased"),
    ("rise", "fall"),
    ("rose", "fell"),
    ("higher", "lower"),
    ("more", "fewer"),
    ("larger", "smaller"),
    ("largest", "smallest"),
    ("first", "last"),
    ("before", "after"),
    ("early", "late"),
    ("earlier", "later"),
    ("win", "lose"),
    ("won", "lost"),
    ("strong", "weak"),
    ("stronger", "weaker"),
    ("positive", "negative"),
    ("support", "oppose"),
    ("supported", "opposed"),
    ("accept", "reject"),
    ("accepted", "rejected"),
    ("approve", "reject"),
    ("approved", "rejected"),
    ("open", "closed"),
    ("success", "failure"),
    ("successful", "unsuccessful"),
    ("allow", "forbid"),
    ("allowed", "banned"),
    ("gain", "loss"),
    ("profit", "loss"),
    ("buy", "sell"),
    ("bought", "sold"),
    ("north", "south"),
    ("east", "west"),
    ("above", "below"),
    ("maximum", "minimum"),
    ("agree", "disagree"),
    ("agreed", "refused"),
    ("praised", "criticised"),
    ("expand", "reduce"),
    ("expanded", "reduced"),
    ("begin", "end"),
    ("began", "ended"),
    ("started", "stopped"),
    ("include", "exclude"),
    ("included", "excluded"),
    ("legal", "illegal"),
    ("possible", "impossible"),
    ("likely", "unlikely"),
    ("always", "rarely"),
    ("men", "women"),
    ("man", "woman"),
    ("his", "her"),
    ("he", "she"),
    ("public", "private"),
    ("young", "old"),
    ("cheap", "expensive"),
    ("easy", "difficult"),
    ("new", "old"),
]
_ANTONYM = {a: b for a, b in ANTONYMS} | {b: a for a, b in ANTONYMS}
_NUMBER = re.compile(r"(?<![\w.])(\$?\d[\d,]*(?:\.\d+)?%?)(?![\w])")
_YEAR = re.compile(r"^(1[5-9]|20)\d\d$")
# A run of capitalised words not at the very start of the sentence: a rough proper-noun span.
_PROPER = re.compile(r"(?<=[a-z,;:] )((?:[A-Z][\w'’.-]+)(?: (?:of |de |the |and )?[A-Z][\w'’.-]+)*)")
_CLAUSE_BREAK = re.compile(r",\s+(?:which|who|while|although|but|and|as|after|before|when|where)\s+|;\s+")


def bucket(key: str) -> float:
    """A stable number in [0, 1) from a key: the splits do not depend on file order or Python's hash seed."""
    return int(hashlib.sha256(key.encode("utf-8")).hexdigest()[:8], 16) / 2**32


def is_train(key: str) -> bool:
    """Half of the items by hash train; the other half validate."""
    return bucket(key) < 0.5


def sentences(text: str) -> list[str]:
    """The project's own sentence split (the judge splits sources the same way)."""
    return [" ".join(text[a:b].split()) for a, b in split_sentences(text)]


def usable(sentence: str) -> bool:
    """A claim-sized sentence: 6 to 60 words, mostly letters."""
    words = sentence.split()
    return 6 <= len(words) <= 60 and sum(c.isalpha() for c in sentence) > 0.6 * len(sentence)


def words_of(text: str) -> set[str]:
    """Lower-case word set for the lexical alignment used to pick evidence."""
    return set(re.findall(r"[a-z0-9]+", text.lower()))


def evidence_for(
    claim: str, doc: list[str], exclude: int | None = None, must: int | None = None, *claims: str, pack: bool = False
) -> str:
    """The claim's top sentences of the document by word overlap (with `must` always in), in source order; with
    `pack`, the least aligned left out until the support model reads the pair whole with `claim` and each of
    `claims` (as the judge packs its premise: retrieval/support/model_judge.evidence).

    Without it (support-v2's data) training cut the pair at 128 word pieces: 16% of the source-sentence positives
    lost the very sentence they quote. Packed (support-v3, session 13) the model read SummEdits no better.
    """
    cw = words_of(claim)
    ranked = sorted(
        (i for i in range(len(doc)) if i != exclude),
        key=lambda i: -len(cw & words_of(doc[i])) / (1 + len(words_of(doc[i])) ** 0.5),
    )
    chosen = (([must] if must is not None else []) + [i for i in ranked if i != must])[:EVIDENCE_SENTENCES]
    longest = max((claim, *claims), key=len)
    while True:
        premise = " ".join(doc[i] for i in sorted(chosen))
        if not pack or len(chosen) <= 1 or reads_whole(longest, premise):
            return premise
        chosen.pop()


@functools.cache
def _pair_tokenizer() -> Any:
    """The tokenizer training reads pairs with (bench/train_nli.tokenizer, cut at its MAX_LEN), loaded once."""
    from bench.train_nli import tokenizer  # imports torch: only a --pack build pays for it

    return tokenizer()


def reads_whole(claim: str, premise: str) -> bool:
    """Whether the support model reads (claim, premise) with nothing cut."""
    return not _pair_tokenizer().encode(claim, premise).overflowing


# --- edits that make a claim unsupported -------------------------------------------------------


def swap_entity(sentence: str, doc_text: str, rng: random.Random) -> str | None:
    """Replace a proper-noun span with another one of the same document that the sentence lacks."""
    spans = _PROPER.findall(sentence)
    pool = sorted({s for s in _PROPER.findall(doc_text) if s not in sentence and len(s) > 2})
    if not spans or not pool:
        return None
    old = rng.choice(spans)
    return sentence.replace(old, rng.choice(pool), 1)


def swap_roles(sentence: str, rng: random.Random) -> str | None:
    """Exchange two different proper-noun spans of the sentence (who did what to whom)."""
    spans = list(dict.fromkeys(_PROPER.findall(sentence)))
    if len(spans) < 2:
        return None
    a, b = rng.sample(spans, 2)
    if a in b or b in a:
        return None
    return sentence.replace(a, "\0").replace(b, a).replace("\0", b)


def swap_number(sentence: str, doc_text: str, rng: random.Random) -> str | None:
    """Replace a number by another of the document, or by a nearby value of the same form."""
    found = _NUMBER.findall(sentence)
    if not found:
        return None
    old = rng.choice(found)
    others = sorted({n for n in _NUMBER.findall(doc_text) if n != old and n not in sentence})
    if others and rng.random() < 0.5:
        new = rng.choice(others)
    else:
        digits = old.strip("$%").replace(",", "")
        try:
            value = float(digits)
        except ValueError:
            return None
        if _YEAR.match(digits):
            new_value = value + rng.choice([-10, -3, -2, -1, 1, 2, 5])
        else:
            new_value = value * rng.choice([0.5, 2, 3, 10, 0.1]) if value else rng.choice([1, 2, 5])
        new = str(int(new_value)) if new_value == int(new_value) else f"{new_value:.1f}"
        new = ("$" if old.startswith("$") else "") + new + ("%" if old.endswith("%") else "")
    return re.sub(rf"(?<![\w.]){re.escape(old)}(?![\w])", new, sentence, count=1)


def flip_negation(sentence: str, rng: random.Random) -> str | None:
    """Insert a negation after an auxiliary verb, or remove one."""
    removed = re.sub(r"\b(not|never) ", "", sentence, count=1)
    if removed != sentence:
        return removed
    removed = re.sub(r"n't\b", "", sentence, count=1)
    if removed != sentence:
        return removed
    words = sentence.split(" ")
    places = [
        i for i, w in enumerate(words[:-1]) if w.lower() in NEGATION_AUX and words[i + 1].lower() not in ("no", "not")
    ]
    if not places:
        return None
    i = rng.choice(places)
    return " ".join([*words[: i + 1], "not", *words[i + 1 :]])


def swap_antonym(sentence: str, rng: random.Random) -> str | None:
    """Swap one word for its opposite from a small list."""
    words = sentence.split(" ")
    places = [i for i, w in enumerate(words) if w.lower().strip(",.;:") in _ANTONYM]
    if not places:
        return None
    i = rng.choice(places)
    bare = words[i].strip(",.;:")
    new = _ANTONYM[bare.lower()]
    new = new.capitalize() if bare[0].isupper() else new
    words[i] = words[i].replace(bare, new)
    return " ".join(words)


def insert_fact(sentence: str, foreign: str) -> str | None:
    """Append a clause taken from another document: a fact the source does not state."""
    clause = foreign.rstrip(".").split(", ")[-1]
    if len(clause.split()) < 4:
        return None
    return sentence.rstrip(".") + ", and " + clause[0].lower() + clause[1:] + "."


# --- edits that keep it supported ---------------------------------------------------------------


def clause_of(sentence: str, rng: random.Random) -> str | None:
    """The main clause alone (a trailing relative or subordinate clause dropped): still supported."""
    parts = _CLAUSE_BREAK.split(sentence, maxsplit=1)
    head = parts[0].strip().rstrip(",")
    if len(parts) < 2 or len(head.split()) < 6:
        return None
    return head + "."


def drop_parenthetical(sentence: str) -> str | None:
    """Remove a bracketed aside or an appositive between commas."""
    out = re.sub(r"\s*\([^)]*\)", "", sentence)
    if out == sentence:
        out = re.sub(r", [^,]{3,40}, ", " ", sentence, count=1)
    return out if out != sentence and len(out.split()) >= 6 else None


# --- sources ------------------------------------------------------------------------------------

Pair = dict[str, Any]


def claim_pairs(
    doc_text: str, source: str, foreign: list[str], rng: random.Random, per_doc: int, pack: bool = False
) -> Iterator[Pair]:
    """Supported and unsupported claims made from up to `per_doc` sentences of one document."""
    doc = sentences(doc_text)
    picks = [i for i, s in enumerate(doc) if usable(s)]
    rng.shuffle(picks)
    for i in picks[:per_doc]:
        s = doc[i]
        positive = rng.choice([s, clause_of(s, rng), drop_parenthetical(s)]) or s
        edits = [
            ("entity swap", swap_entity(s, doc_text, rng)),
            ("role swap", swap_roles(s, rng)),
            ("number swap", swap_number(s, doc_text, rng)),
            ("negation", flip_negation(s, rng)),
            ("antonym", swap_antonym(s, rng)),
            ("inserted fact", insert_fact(s, rng.choice(foreign))),
        ]
        edits = [(k, e) for k, e in edits if e and e != s]
        kind, edited = rng.choice(edits) if edits else ("", "")
        # One premise for both: the pair differs only in the claim (the edit is all the model can learn from).
        evidence = evidence_for(s, doc, None, i, positive, edited, pack=pack)
        yield {"task": "claim", "a": positive, "b": evidence, "label": 1, "kind": "source sentence", "source": source}
        if edits:
            yield {"task": "claim", "a": edited, "b": evidence, "label": 0, "kind": kind, "source": source}
        # The same claim against the document's other sentences: on topic, but not what supports it.
        others = evidence_for(s, doc, i, None, pack=pack)
        if others and len(words_of(s) & words_of(others)) < 0.6 * len(words_of(s)) and rng.random() < 0.4:
            yield {"task": "claim", "a": s, "b": others, "label": 0, "kind": "wrong evidence", "source": source}


def halueval_summaries(rng: random.Random, foreign: list[str], pack: bool = False) -> Iterator[Pair]:
    """Training half of HaluEval summarisation: synthetic edits of its articles, and its labelled summaries."""
    path = shared_path("datasets", "halueval_summarization_dev.jsonl")
    for item in read_jsonl(path) if path else []:
        if not is_train(f"halueval-sum:{item['idx']}"):
            continue
        doc = sentences(item["document"])
        yield from claim_pairs(item["document"], "halueval-sum", foreign, rng, 20, pack)
        # Real abstractive sentences: each sentence of the faithful summary against its aligned evidence.
        for sentence in sentences(item["right_summary"]):
            if usable(sentence):
                yield {
                    "task": "claim",
                    "a": sentence,
                    "b": evidence_for(sentence, doc, pack=pack),
                    "label": 1,
                    "kind": "halueval right summary sentence",
                    "source": "halueval-sum",
                }
        for key, label in (("right_summary", 1), ("hallucinated_summary", 0)):
            summary = " ".join(item[key].split())
            yield {
                "task": "claim",
                "a": summary,
                "b": evidence_for(summary, doc, pack=pack),
                "label": label,
                "kind": f"halueval {key}",
                "source": "halueval-sum",
            }


def halueval_qa(rng: random.Random, foreign: list[str], pack: bool = False) -> Iterator[Pair]:
    """Training half of HaluEval QA: question + answer as the claim, the knowledge as evidence."""
    path = shared_path("datasets", "halueval_qa_dev.jsonl")
    for item in read_jsonl(path) if path else []:
        if not is_train(f"halueval-qa:{item['idx']}"):
            continue
        knowledge = " ".join(item["knowledge"].split())
        for key, label in (("right_answer", 1), ("hallucinated_answer", 0)):
            claim = f"{item['question']} {item[key]}"
            yield {
                "task": "claim",
                "a": claim,
                "b": knowledge,
                "label": label,
                "kind": f"halueval qa {key}",
                "source": "halueval-qa",
            }
        yield from claim_pairs(knowledge, "halueval-qa", foreign, rng, 2, pack)


def _literal(value: Any) -> Any:
    """SQuAD fields are stored as Python literals in strings ("True", "['France']")."""
    return ast.literal_eval(value) if isinstance(value, str) else value


def squad_articles() -> dict[str, list[list[str]]]:
    """SQuAD 2.0 articles: their paragraphs, each as its sentences."""
    base = shared_path("datasets", "squad2_answerability", "corpus")
    out: dict[str, list[list[str]]] = {}
    for path in sorted(base.glob("*.md")) if base else []:
        body = path.read_text(encoding="utf-8").split("---\n", 2)[-1]
        paragraphs = [p for p in body.split("\n\n") if p.strip() and not p.startswith("#")]
        out[path.stem] = [sentences(p) for p in paragraphs]
    return out


def squad_questions(rng: random.Random, articles: dict[str, list[list[str]]]) -> Iterator[Pair]:
    """Training articles of SQuAD 2.0: the sentence holding the answer answers; the rest of the paragraph,
    and every sentence for an unanswerable question (the plausible distractor first), does not."""
    path = shared_path("datasets", "squad2_answerability", "questions.jsonl")
    for q in read_jsonl(path) if path else []:
        article = q["article"].replace(" ", "_")
        if article in SQUAD_VALIDATION or article not in articles:
            continue
        para = articles[article][int(q["paragraph"])] if int(q["paragraph"]) < len(articles[article]) else []
        answerable = _literal(q["answerable"])
        answers = [a for a in _literal(q["answers"] if answerable else q["plausible_answers"]) if a]
        holding = [i for i, s in enumerate(para) if any(a in s for a in answers)]
        if answerable and holding:
            i = holding[0]
            yield {
                "task": "question",
                "a": q["question"],
                "b": para[i],
                "label": 1,
                "kind": "squad answer",
                "source": "squad",
            }
        elif not answerable and holding:
            yield {
                "task": "question",
                "a": q["question"],
                "b": para[holding[0]],
                "label": 0,
                "kind": "squad plausible distractor",
                "source": "squad",
            }
        rest = [i for i in range(len(para)) if i not in holding]
        if rest and rng.random() < 0.7:
            i = max(rest, key=lambda j: len(words_of(q["question"]) & words_of(para[j])))
            yield {
                "task": "question",
                "a": q["question"],
                "b": para[i],
                "label": 0,
                "kind": "squad other sentence",
                "source": "squad",
            }


def squad_claims(
    rng: random.Random, articles: dict[str, list[list[str]]], foreign: list[str], pack: bool = False
) -> Iterator[Pair]:
    """Synthetic claims from the training articles' paragraphs."""
    for article, paragraphs in articles.items():
        if article in SQUAD_VALIDATION:
            continue
        for para in paragraphs:
            yield from claim_pairs(" ".join(para), "squad", foreign, rng, 4, pack)


def near_miss(rng: random.Random, pairs: list[Pair]) -> Iterator[Pair]:
    """A question whose named subject is swapped for another name: its answer sentence no longer answers it."""
    answered = [p for p in pairs if p["task"] == "question" and p["label"] == 1]
    names = sorted({n for p in answered for n in _PROPER.findall(p["b"])})
    for p in answered:
        spans = [s for s in _PROPER.findall(" " + p["a"][0].lower() + p["a"][1:]) if s in p["b"]]
        if not spans or not names or rng.random() < 0.5:
            continue
        old = rng.choice(spans)
        new = rng.choice(names)
        if new in p["b"] or new == old:
            continue
        yield {
            "task": "question",
            "a": p["a"].replace(old, new, 1),
            "b": p["b"],
            "label": 0,
            "kind": "near-miss subject",
            "source": p["source"],
        }


def multihop(rng: random.Random, foreign: list[str], pack: bool = False) -> Iterator[Pair]:
    """Training half of MultiHop-RAG: synthetic claims from the evidence facts of each article."""
    base = shared_path("datasets", "multihop_rag_500")
    if base is None:
        return
    truth = json.loads((base / "ground_truth.json").read_text())
    facts: dict[str, list[str]] = {}
    for qid, item in truth.items():
        if not is_train(f"multihop:{qid}"):
            continue
        for ev in item["evidence_list"]:
            facts.setdefault(ev["title"], [])
            if ev["fact"] not in facts[ev["title"]]:
                facts[ev["title"]].append(ev["fact"])
    for title in sorted(facts):
        yield from claim_pairs(" ".join(facts[title]), "multihop", foreign, rng, 4, pack)


def summedits_claims(item: dict[str, Any]) -> list[tuple[str, int]]:
    """A SummEdits summary's claims (the judge's split) with their labels: all supported in a consistent summary; in
    an inconsistent one, only those its original summary states verbatim."""
    original = " ".join(item["original_summary"].split())
    claims = [" ".join(span.text.split()) for span in split_claims(item["summary"])]
    return [(c, 1 if item["label"] == 1 or c in original else 0) for c in claims]


def summedits(domains: Set[str]) -> Iterator[Pair]:
    """Real SummEdits claims of these domains against their aligned evidence, each (claim, evidence) once: every
    claim of a consistent summary is supported; of an inconsistent one, a claim its original summary states
    verbatim is, the others (what the edit touched) are not."""
    path = shared_path("datasets", "summedits_other_domains.jsonl") if domains else None
    seen: set[tuple[str, str]] = set()
    for item in read_jsonl(path) if path else []:
        if item["domain"] not in domains:
            continue
        doc = sentences(item["doc"])
        for claim, label in summedits_claims(item):
            evidence = evidence_for(claim, doc)
            if (claim, evidence) not in seen:
                seen.add((claim, evidence))
                kind = f"summedits {'supported' if label else 'edited'} sentence"
                yield {
                    "task": "claim",
                    "a": claim,
                    "b": evidence,
                    "label": label,
                    "kind": kind,
                    "source": "summedits",
                    "domain": item["domain"],  # leave-one-domain-out folds (bench/support_lodo.py) split on it
                }


def build(seed: int, pack: bool = False, domains: frozenset[str] = frozenset()) -> list[Pair]:
    """Every training pair, shuffled with the seed (`pack`: premises packed to the model's bound; `domains`: the
    SummEdits domains whose real sentences join, none by default)."""
    rng = random.Random(seed)
    articles = squad_articles()
    foreign = [s for paras in articles.values() for p in paras for s in p if usable(s)]
    pairs: list[Pair] = []
    pairs += halueval_summaries(rng, foreign, pack)
    pairs += halueval_qa(rng, foreign, pack)
    pairs += squad_claims(rng, articles, foreign, pack)
    pairs += squad_questions(rng, articles)
    pairs += near_miss(rng, pairs)
    pairs += multihop(rng, foreign, pack)
    pairs += summedits(domains)
    rng.shuffle(pairs)
    return pairs


def main() -> int:
    """Write train.jsonl and print counts by task, kind and label."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(".brieflens/support"))
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument(
        "--pack", action="store_true", help="premises packed to the model's bound (support-v3, not shipped)"
    )
    parser.add_argument(
        "--summedits",
        default="",
        help="comma-separated non-news SummEdits domains whose real sentences join (support-v4; none: v2's pairs)",
    )
    args = parser.parse_args()
    if shared_path("datasets") is None:
        print("../shared/datasets is absent: nothing to build")
        return 0
    pairs = build(args.seed, args.pack, frozenset(d for d in args.summedits.split(",") if d))
    args.out.mkdir(parents=True, exist_ok=True)
    with (args.out / "train.jsonl").open("w", encoding="utf-8") as f:
        for p in pairs:
            f.write(json.dumps(p, ensure_ascii=False) + "\n")
    counts = Counter((p["task"], p["kind"], p["label"]) for p in pairs)
    print(f"{'task':9} {'kind':32} {'label':>5} {'pairs':>7}")
    for (task, kind, label), n in sorted(counts.items()):
        print(f"{task:9} {kind:32} {label:>5} {n:>7}")
    print(f"total {len(pairs)} pairs -> {args.out / 'train.jsonl'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
