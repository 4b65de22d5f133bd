"""Align claims to source sentences: embedding cosine plus lexical overlap, with cached source vectors."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from retrieval.index.embedding import Embedder, Vectors
from retrieval.support.categories import words
from retrieval.support.claims import Span, sentences
from retrieval.support.quantities import keys
from retrieval.terms import content_terms
from retrieval.textnorm import normalize

TOP = 3  # aligned sentences whose union is the claim's evidence


@dataclass(frozen=True)
class SourceIndex:
    """A source split into sentences, with their vectors, terms and quantities computed once."""

    text: str
    lower: str
    units: tuple[Span, ...]
    vectors: Vectors
    terms: tuple[frozenset[str], ...]
    quantity_keys: tuple[frozenset[str], ...]
    words: frozenset[str] = frozenset()

    @property
    def all_quantity_keys(self) -> frozenset[str]:
        """Every quantity key of the whole source."""
        return frozenset().union(*self.quantity_keys)


@dataclass(frozen=True)
class Alignment:
    """A claim's best source sentences (best first) and its similarity features."""

    order: tuple[int, ...]
    cosine: float
    overlap: float


class SourceCache:
    """Source indexes by (model, sha256 of text), least recently used dropped first; thread-safe."""

    def __init__(self, embedder: Embedder, size: int = 64) -> None:
        self.embedder = embedder
        self.size = size
        self._items: OrderedDict[str, SourceIndex] = OrderedDict()
        self._lock = threading.Lock()

    def _key(self, text: str) -> str:
        """Cache key: the model and a digest of the text."""
        return self.embedder.name + ":" + hashlib.sha256(text.encode("utf-8")).hexdigest()

    def get(self, text: str) -> SourceIndex:
        """The index of a source text, built (and embedded) only the first time it is seen."""
        key = self._key(text)
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        index = build_index(text, self.embedder)
        with self._lock:
            self._items[key] = index
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return index

    def prime(self, texts: Sequence[str]) -> None:
        """Index many sources with one batched embedding call (much faster than one call per source)."""
        fresh = list(dict.fromkeys(t for t in texts if self._key(t) not in self._items))
        units = [_units(t) for t in fresh]
        vectors = self.embedder.embed([normalize(u.text) for us in units for u in us])
        offset = 0
        for text, us in zip(fresh, units, strict=True):
            index = build_index(text, self.embedder, vectors[offset : offset + len(us)])
            offset += len(us)
            with self._lock:
                self._items[self._key(text)] = index
                while len(self._items) > self.size:
                    self._items.popitem(last=False)


def _units(text: str) -> tuple[Span, ...]:
    """The sentences of a source (the whole text when it has no sentence)."""
    return tuple(sentences(text)) or (Span(text, 0, len(text)),)


def build_index(text: str, embedder: Embedder, vectors: Vectors | None = None) -> SourceIndex:
    """Split, embed (unless the vectors are given) and tokenise a source once."""
    units = _units(text)
    if vectors is None:
        vectors = embedder.embed([normalize(u.text) for u in units])
    return SourceIndex(
        text=text,
        lower=normalize(text).lower(),
        units=units,
        vectors=vectors,
        terms=tuple(frozenset(content_terms(u.text)) for u in units),
        quantity_keys=tuple(frozenset(keys(u.text)) for u in units),
        words=words(text),
    )


def overlap(claim_terms: Sequence[str], source_terms: frozenset[str]) -> float:
    """Share of the claim's distinct content terms that the source terms contain."""
    unique = set(claim_terms)
    return len(unique & source_terms) / len(unique) if unique else 1.0


def align(
    claim_vector: Vectors, claim_terms: Sequence[str], index: SourceIndex, context_terms: Sequence[str] = ()
) -> Alignment:
    """Rank source sentences by cosine plus overlap (claim and context terms); report max cosine and the
    claim's overlap with the top sentences."""
    cosines = index.vectors @ claim_vector
    ranking_terms = list(claim_terms) + list(context_terms)
    lexical = np.array([overlap(ranking_terms, t) for t in index.terms], dtype=np.float32)
    order = tuple(int(i) for i in np.argsort(-(cosines + lexical), kind="stable"))
    union = frozenset().union(*(index.terms[i] for i in order[:TOP]))
    return Alignment(order=order, cosine=float(cosines.max()), overlap=overlap(claim_terms, union))
