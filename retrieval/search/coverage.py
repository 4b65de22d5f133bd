"""Query coverage: how much of a question a passage adds beyond the passages already picked."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from retrieval.terms import content_terms, idf_weights, term_set


@lru_cache(maxsize=8192)
def _passage_terms(text: str) -> frozenset[str]:
    """A candidate's terms, cached: the same passages come back for related questions."""
    return frozenset(term_set(text))


class QueryCoverage:
    """The question's content terms each candidate contains, IDF-weighted over the candidates, and those covered."""

    # A question that names several sources or facts ("X reported A, while Y said B") needs one
    # passage per part: once a pick covers A, a passage adding B beats a second passage on A.

    def __init__(self, query: str, passages: Mapping[str, str]) -> None:
        wanted = set(content_terms(query, drop_question_words=True))
        self._terms = {key: _passage_terms(text) & wanted for key, text in passages.items()}
        # IDF within the candidates: a term every candidate shares says nothing about which to add.
        idf = idf_weights(list(self._terms.values()))
        # Terms no candidate has cannot be covered; leaving them out keeps gains comparable across questions.
        self._weight = {term: idf[term] for terms in self._terms.values() for term in terms}
        self._total = sum(self._weight.values())
        self._covered: set[str] = set()

    def gain(self, key: str) -> float:
        """Share of the coverable question weight this passage adds (0 to 1; 0 for passages not given)."""
        terms = self._terms.get(key)
        if not terms or not self._total:
            return 0.0
        return sum(self._weight[t] for t in terms - self._covered) / self._total

    def take(self, key: str) -> None:
        """Record a picked passage: its terms are covered from now on."""
        self._covered |= self._terms.get(key, set())
