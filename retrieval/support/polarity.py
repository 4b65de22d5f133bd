"""Negation, antonym and hedging cues with the words they govern, to spot flipped or unhedged claims."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable

from retrieval.terms import is_content_word, stem

_TOKEN = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?|[,;:.!?()—–\"]")
_CASED_TOKEN = re.compile(_TOKEN.pattern, re.IGNORECASE)
_NEGATIONS = frozenset(
    [
        "not",
        "no",
        "never",
        "none",
        "nothing",
        "nobody",
        "neither",
        "nor",
        "without",
        "cannot",
        "nowhere",
        "absence",
        "lack",
        "lacks",
        "lacked",
        "lacking",
        "fail",
        "fails",
        "failed",
        "failing",
        "refuse",
        "refused",
        "refuses",
        "refusing",
        "refusal",
        "denied",
        "denies",
    ]
)
_HEDGES = frozenset(
    [
        "may",
        "might",
        "could",
        "possibly",
        "possible",
        "perhaps",
        "reportedly",
        "allegedly",
        "likely",
        "unlikely",
        "suggest",
        "suggests",
        "suggested",
        "suggesting",
        "appear",
        "appears",
        "appeared",
        "seem",
        "seems",
        "seemed",
        "estimated",
        "expected",
        "potential",
        "potentially",
        "probably",
        "believed",
        "rumored",
        "rumoured",
        "reports",
        "claimed",
        "claims",
        "alleged",
        "would",
    ]
)
_BREAKS = frozenset(',;:.!?()—–"') | {"but", "while", "although", "however", "whereas", "and"}
_SCOPE = 6
# Hand list of opposites (word forms, not stems, so "win" never matches "window"); words with a common
# second sense are left out ("back" the plan, "close" to, a "fire", "last" year).
_ANTONYMS: tuple[tuple[frozenset[str], frozenset[str]], ...] = tuple(
    (frozenset(a.split()), frozenset(b.split()))
    for a, b in [
        ("praise praised praises praising", "criticism criticised criticized criticise criticize criticisms"),
        (
            "increase increased increases increasing rise rose risen rising grew growth gain gains gained",
            "decrease decreased decreases decline declined declines declining fall fell drop dropped reduction",
        ),
        ("ahead forward forwards", "behind backward backwards"),
        ("win won wins winning victory", "lose lost loses losing defeat"),
        ("accept accepted accepts approve approved approves", "reject rejected rejects"),
        ("support supported supports", "oppose opposed opposes"),
        ("allow allowed allows permit permitted", "ban banned bans prohibit prohibited forbid forbade"),
        ("success successful succeeded", "failure failed unsuccessful"),
        ("higher", "lower"),
        ("largest biggest", "smallest"),
        ("strengthen strengthened", "weaken weakened"),
        ("confirm confirmed confirms", "deny denied denies"),
        ("legal", "illegal"),
        ("agreed agree agrees", "refused refuse refuses"),
        ("welcomed welcome welcomes", "condemned condemn condemns"),
        ("struggling troubled ailing failing", "thriving triumphant flourishing prospering booming"),
        ("guilty convicted", "innocent acquitted exonerated"),
        ("arrested detained jailed", "released freed acquitted"),
        ("buy bought buys buying", "sell sold sells selling"),
        ("before", "after"),
        ("open opened opens", "closed closes shut"),
        ("hired", "fired"),
        ("more", "less fewer"),
        ("most", "least"),
        ("maximum", "minimum"),
        ("profit profits", "loss losses"),
        ("import imports imported", "export exports exported"),
        ("survived survive survives", "died die dies killed"),
        ("alive", "dead"),
        ("peaceful peacefully", "violent violently"),
        ("positive", "negative"),
        ("younger youngest", "older oldest"),
        ("cheaper cheapest", "dearer costlier"),
        ("stronger strongest", "weaker weakest"),
        ("early earlier", "late later"),
        ("public", "private"),
        ("majority", "minority"),
    ]
)


def _words(text: str) -> list[str]:
    """Lower-cased words and clause-breaking punctuation, in order; "No" before a number ("world No 1", "No. 10")
    is the number sign, not a negation, and becomes "number"."""
    raw = _CASED_TOKEN.findall(text)
    words = [t.lower().replace("’", "'") for t in raw]
    return [
        "number" if raw[i] == "No" and any(n[0].isdigit() for n in words[i + 1 : i + 3] if n != ".") else w
        for i, w in enumerate(words)
    ]


def _negated(word: str) -> bool:
    """True for a negation cue, including contractions such as didn't."""
    return word in _NEGATIONS or word.endswith("n't")


def scoped_terms(text: str, hedges: bool = False) -> set[str]:
    """Stemmed content words governed by a negation cue (or a hedge cue), up to the clause's end."""
    words = _words(text)
    out: set[str] = set()
    for i, word in enumerate(words):
        if not (word in _HEDGES if hedges else _negated(word)):
            continue
        for nxt in words[i + 1 : i + 1 + _SCOPE]:
            if nxt in _BREAKS:
                break
            if is_content_word(nxt) and not _negated(nxt) and nxt not in _HEDGES:
                out.add(stem(nxt))
    return out


# Words between a negation and what it negates: "cannot easily reach", "has not yet undergone".
_DEGREE = frozenset({"already", "yet", "even", "ever", "always", "quite", "necessarily", "fully", "just", "be", "been"})


# Negations of a verb ("did not reach", "cannot reach"): what they negate is the verb that follows. "No", "without"
# or "lack" negate a whole phrase ("No efficient algorithm is known"), whose head is not the next word.
_VERBAL = frozenset({"not", "never", "cannot"})


def negated_heads(text: str) -> set[str] | None:
    """The stemmed verb each negation governs ("cannot easily reach" gives reach; adverbs are skipped); None when
    the text holds a negation of another kind, whose head the next word does not tell."""
    words = _words(text)
    out: set[str] = set()
    for i, word in enumerate(words):
        if not _negated(word):
            continue
        if word not in _VERBAL and not word.endswith("n't"):
            return None
        for nxt in words[i + 1 : i + 1 + _SCOPE]:
            if nxt in _BREAKS:
                break
            if nxt in _DEGREE or nxt.endswith("ly") or _negated(nxt) or not is_content_word(nxt):
                continue
            out.add(stem(nxt))
            break
    return out


# Negation cues that say what kind of negation they are: two texts that both use one ("What did the government
# fail to do?" against "the government had failed to set up a fund") agree in polarity, whatever the scope each
# cue is read with.
_KINDS = ("fail", "refus", "lack", "deni", "never", "without")


def cue_kinds(text: str) -> set[str]:
    """The kinds of negation cue the text uses, other than a bare "not" or "no" ("refusing" gives refus)."""
    return {k for w in _words(text) if _negated(w) for k in _KINDS if w.startswith(k)}


def has_cue(text: str, hedges: bool = False) -> bool:
    """True when the text holds a negation cue (or a hedge cue)."""
    return any((w in _HEDGES) if hedges else _negated(w) for w in _words(text))


def stems_of(text: str) -> set[str]:
    """Stemmed content words of a text."""
    return {stem(w) for w in _words(text) if w not in _BREAKS and is_content_word(w)}


_PREFIXED = re.compile(r"^(?:un|in|im|il|ir|dis|non-?)([a-z]{3,})$")


def prefix_negated(text: str) -> set[str]:
    """Stems a word of the text negates by its prefix: "unfit" gives fit, "inexperienced" experienced."""
    return {stem(m.group(1)) for w in _words(text) if (m := _PREFIXED.match(w))}


def negation_flip(claim: str, best: str, evidence: Iterable[str]) -> bool:
    """True when the claim negates what the evidence states, or states what the best source sentence negates.

    A word the evidence negates by its prefix counts as negated there: "wasn't fit" restates "he was so unfit";
    and a cue of the same kind on both sides ("refusal to fight" against "refusing induction … to fight") agrees.
    """
    evidence = list(evidence)
    claim_neg = scoped_terms(claim)
    if claim_neg:
        said = set().union(*(stems_of(e) for e in evidence)) if evidence else set()
        # Only a claim that negates a word the evidence says needs the evidence's own negations read.
        if claim_neg & said:
            negated = set().union(*(scoped_terms(e) | prefix_negated(e) for e in evidence))
            shared = cue_kinds(claim) & set().union(*(cue_kinds(e) for e in evidence))
            if not claim_neg & negated and not shared:
                return True
    source_neg = scoped_terms(best)
    plain = stems_of(claim) - claim_neg
    return not claim_neg and len(source_neg & plain) >= 2


def _swapped_in_place(claim: list[str], best: list[str], mine: frozenset[str], theirs: frozenset[str]) -> bool:
    """True when a claim word of `mine` stands where the best sentence has a word of `theirs`, next to the
    same content word ("financially thriving" against "financially struggling")."""
    pairs = set(itertools.pairwise(best))
    for i, word in enumerate(claim):
        if word not in mine:
            continue
        # Only content neighbours count: "the thriving" and "the struggling" share nothing telling.
        before = claim[i - 1] if i > 0 and is_content_word(claim[i - 1]) and claim[i - 1] not in _BREAKS else None
        after = claim[i + 1] if i + 1 < len(claim) and is_content_word(claim[i + 1]) else None
        after = None if after in _BREAKS else after
        for other in theirs:
            if (before and (before, other) in pairs) or (after and (other, after) in pairs):
                return True
    return False


def antonym_flip(claim: str, best: str, evidence: Iterable[str], in_place: bool = False) -> bool:
    """True when the claim uses a word whose opposite the best source sentence uses instead.

    When the claim holds both words (a summary that keeps "troubled" and swaps "struggling" for
    "thriving"), or `in_place` asks for it, the swap counts only where the opposite sits between the same
    neighbours in the source.
    """
    claim_list, best_list = _words(claim), _words(best)
    claim_words, best_words = set(claim_list), set(best_list)
    evidence_words = set().union(*(set(_words(e)) for e in evidence))
    for a, b in _ANTONYMS:
        for mine, theirs in ((a, b), (b, a)):
            if not (claim_words & mine and best_words & theirs) or evidence_words & mine:
                continue
            if (not in_place and not claim_words & theirs) or _swapped_in_place(claim_list, best_list, mine, theirs):
                return True
    return False


def hedge_dropped(claim: str, best: str) -> bool:
    """True when the best source sentence hedges what the claim states as fact, with no hedge in the claim."""
    if has_cue(claim, hedges=True):
        return False
    hedged = scoped_terms(best, hedges=True)
    return len(hedged & stems_of(claim)) >= 2
