"""Aggregation answers: which briefs name something, which names all briefs share, which name comes up most."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from retrieval.answer import AnswerSentence
from retrieval.citation import Citation
from retrieval.kinds.briefs import Brief
from retrieval.kinds.entity_index import DocEntities, Span
from retrieval.kinds.gazetteer import COUNTRY_OF, is_generic, is_place, organisation, person
from retrieval.support.entities import proper_nouns
from retrieval.terms import content_terms

MAX_NAMES = 10
MAX_TIED = 3
_WHICH_BRIEFS = re.compile(r"\b(?:which|what) (?:briefs?|reports?|documents?|articles?)\b", re.I)
_MOST = re.compile(r"\bmost (?:often|frequently|mentioned|named|cited)\b|\bhow (?:many|often) times\b", re.I)
_SOME = re.compile(r"\b(?:more than one|several|two or more)\b", re.I)
_BRIEF_WORDS = frozenset(["brief", "briefs", "report", "reports", "document", "documents", "article", "articles"])
# What kind of name the question asks for, by its noun.
_ORGS = re.compile(
    r"\b(?:compan(?:y|ies)|firms?|organi[sz]ations?|labs?|startups?|businesses|corporations?|makers?)\b", re.I
)
_COUNTRIES = re.compile(r"\b(?:countr(?:y|ies)|nations?|states)\b", re.I)
_PEOPLE = re.compile(r"\b(?:people|persons?|individuals|officials|analysts|researchers|who)\b", re.I)
_PLACES = re.compile(r"\b(?:places?|regions?|locations?)\b", re.I)

# A typed view of one brief's names: canonical name -> spans (a country gathers its demonyms and aliases).
Names = dict[str, tuple[Span, ...]]


def _typed(entities: DocEntities, question: str) -> Names:
    """The brief's names of the kind the question asks for."""
    if _COUNTRIES.search(question):
        merged: dict[str, list[Span]] = {}
        for name, spans in entities.spans.items():
            country = COUNTRY_OF.get(name.lower())
            if country:
                merged.setdefault(country, []).extend(spans)
        return {k: tuple(sorted(v)) for k, v in merged.items()}
    keep: Callable[[str], bool]
    if _ORGS.search(question):
        keep = organisation
    elif _PLACES.search(question):
        keep = is_place
    elif _PEOPLE.search(question):
        keep = person
    else:
        keep = lambda name: not is_generic(name)  # noqa: E731 - a one-line predicate
    return {k: v for k, v in entities.spans.items() if keep(k)}


def _mention(brief: Brief, span: Span) -> Citation:
    """A citation of the sentence in which the brief names something."""
    return brief.cite(*brief.sentence_at(span[0]))


def _without_parts(names: list[str]) -> list[str]:
    """Drop a name that is one word of a longer kept name ("Grid" beside "State Grid")."""
    return [n for n in names if not any(n != m and f" {n} " in f" {m} " for m in names)]


def _in_briefs(question: str, briefs: Sequence[Brief], names: list[Names]) -> tuple[AnswerSentence, ...]:
    """The names every brief (or, when asked, more than one) uses, each cited in each brief that names it."""
    need = 2 if _SOME.search(question) else len(briefs)
    counts: dict[str, int] = {}
    for typed in names:
        for name in typed:
            counts[name] = counts.get(name, 0) + 1
    shared = _without_parts([n for n, c in counts.items() if c >= need and need >= 2])
    total = {n: sum(len(t.get(n, ())) for t in names) for n in shared}
    shared = sorted(shared, key=lambda n: (-total[n], n))[:MAX_NAMES]
    out = []
    for name in shared:
        cites = tuple(_mention(b, t[name][0]) for b, t in zip(briefs, names, strict=True) if name in t)
        where = "both briefs" if len(cites) == 2 and len(briefs) == 2 else f"{len(cites)} briefs"
        out.append(AnswerSentence(text=f"{name} is named in {where}.", citations=cites))
    return tuple(out)


def _most(briefs: Sequence[Brief], names: list[Names]) -> tuple[AnswerSentence, ...]:
    """The name (or names, when tied) used most often, each cited where every brief first uses it."""
    total: dict[str, int] = {}
    for typed in names:
        for name, spans in typed.items():
            total[name] = total.get(name, 0) + len(spans)
    if not total:
        return ()
    most = max(total.values())
    tops = _without_parts(sorted(n for n, c in total.items() if c == most))[:MAX_TIED]
    scope = "in the brief" if len(briefs) == 1 else f"across the {len(briefs)} briefs"
    times = "once" if most == 1 else f"{most} times"
    out = []
    for top in tops:
        cites = tuple(_mention(b, t[top][0]) for b, t in zip(briefs, names, strict=True) if top in t)
        tied = " (tied)" if len(tops) > 1 else ""
        out.append(AnswerSentence(text=f"{top} is named most often{tied}: {times} {scope}.", citations=cites))
    return tuple(out)


def _target(question: str) -> list[str]:
    """What a "which briefs mention X" question asks about: its names, else its content words."""
    after = _WHICH_BRIEFS.split(question, maxsplit=1)[-1]
    found = [n for n in proper_nouns(after) if n.lower() not in _BRIEF_WORDS]
    return found or [t for t in content_terms(after, drop_question_words=True) if t not in _BRIEF_WORDS]


def _find(brief: Brief, word: str) -> Span | None:
    """Where the brief's body first uses the word (case-insensitive, whole word, possessives allowed)."""
    m = re.search(r"(?<![\w-])" + re.escape(word) + r"(?![\w-])", brief.doc.text[brief.doc.body_start :], re.I)
    return None if m is None else (brief.doc.body_start + m.start(), brief.doc.body_start + m.end())


def _which_briefs(question: str, briefs: Sequence[Brief]) -> tuple[AnswerSentence, ...]:
    """Each brief that names every word the question asks about, cited where it first does."""
    wanted = _target(question)
    if not wanted:
        return ()
    out = []
    for brief in briefs:
        spans = [_find(brief, w) for w in wanted]
        if all(s is not None for s in spans):
            cites = tuple(_mention(brief, s) for s in spans if s is not None)
            what = " and ".join(wanted)
            out.append(
                AnswerSentence(text=f"“{brief.info.title}” mentions {what}.", citations=tuple(dict.fromkeys(cites)))
            )
    return tuple(out)


def answer_aggregation(
    question: str, briefs: Sequence[Brief], entities: Sequence[DocEntities]
) -> tuple[AnswerSentence, ...]:
    """The cited sentences that answer an aggregation question; empty when the briefs hold no answer."""
    if _WHICH_BRIEFS.search(question) and not _MOST.search(question):
        return _which_briefs(question, briefs)
    names = [_typed(e, question) for e in entities]
    if _MOST.search(question):
        return _most(briefs, names)
    return _in_briefs(question, briefs, names)
