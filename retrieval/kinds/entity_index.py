"""Named entities per brief with their spans, computed from the catalog's texts and cached by document id."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field

from retrieval.kinds.briefs import Brief
from retrieval.kinds.evidence import LABEL_WORDS
from retrieval.kinds.metadata import METADATA_LINES
from retrieval.sentences import split_sentences
from retrieval.support.entities import CAPITALISED, POSSESSIVE, proper_nouns

Span = tuple[int, int]


@dataclass(frozen=True)
class DocEntities:
    """One brief's named entities: each name with the spans where the brief names it, in text order."""

    doc_id: str
    spans: dict[str, tuple[Span, ...]]

    def count(self, name: str) -> int:
        """How often the brief names `name`."""
        return len(self.spans.get(name, ()))


def _heading_spans(brief: Brief) -> list[Span]:
    """Where the section headings stand: Title Case words there ("Emerging", "Hardware") are not names."""
    text = brief.doc.text
    out = []
    for s in brief.doc.sections:
        at = text.find(s.title, s.start)
        if 0 <= at <= s.start + 2:
            out.append((at, at + len(s.title)))
    return out


def _words_in(sentence: str) -> list[tuple[str, int, bool]]:
    """(name word, offset, ends a name) for the sentence's names; hyphenated pairs ("Huawei-DeepSeek") split."""
    names = set(proper_nouns(sentence))
    out: list[tuple[str, int, bool]] = []
    for m in CAPITALISED.finditer(sentence):
        word = POSSESSIVE.sub("", m.group(0))
        if word not in names:
            continue
        parts = word.split("-")
        if len(parts) > 1 and not all(p[:1].isupper() for p in parts):
            parts = [parts[0]] if parts[0].isupper() else []  # "AI-powered" names AI; "Civil-military" nothing
        offset = m.start()
        for i, part in enumerate(parts):
            # A possessive or a hyphen ends a multi-word name: "Moonshot AI's Kimi" is two names.
            ends = i < len(parts) - 1 or word != m.group(0)
            out.append((part, offset, ends))
            offset += len(part) + 1
    return out


def _names_in(text: str, start: int, end: int) -> list[tuple[str, Span]]:
    """Each name word of one sentence, and each run of name words separated by one space, with document spans."""
    sentence = text[start:end]
    out: list[tuple[str, Span]] = []
    run: list[tuple[str, int]] = []

    def close() -> None:
        if len(run) > 1:
            a, b = run[0][1], run[-1][1] + len(run[-1][0])
            out.append((sentence[a:b], (start + a, start + b)))
        run.clear()

    for word, offset, ends in _words_in(sentence):
        if run and sentence[run[-1][1] + len(run[-1][0]) : offset] != " ":
            close()
        out.append((word, (start + offset, start + offset + len(word))))
        run.append((word, offset))
        if ends:
            close()
    close()
    return out


def _label_end(text: str, a: int, b: int) -> int:
    """Where a bullet's or line's short label ("Autonomous Swarms:", "Risks include:") ends; `a` when none."""
    colon = text.find(":", a, b)
    if colon < 0 or len(text[a:colon].split()) > LABEL_WORDS:
        return a
    end = colon + 1
    while end < b and text[end].isspace():  # so the word after the label reads as a sentence start
        end += 1
    return end


def extract(brief: Brief) -> DocEntities:
    """Every name the brief's sentences use, with its spans.

    Skipped: the title block, headings and labels (Title Case words there are not names) and metadata lines.
    """
    text = brief.doc.text
    skip = _heading_spans(brief) + [m.span() for p in METADATA_LINES for m in p.finditer(text)]
    body = min((s.start for s in brief.doc.sections), default=brief.doc.body_start)
    found: dict[str, list[Span]] = {}
    for a, b in split_sentences(text, max(body, brief.doc.body_start)):
        if any(h0 <= a < h1 for h0, h1 in skip):
            continue
        for name, span in _names_in(text, _label_end(text, a, b), b):
            found.setdefault(name, []).append(span)
    return DocEntities(brief.doc.id, {k: tuple(v) for k, v in found.items()})


# Briefs whose entities stay cached (about 10 ms each to recompute; a few KB each to keep).
CACHED_BRIEFS = 20_000


@dataclass
class EntityIndex:
    """Entities of every indexed brief.

    Computed from the catalog's document texts rather than stored in it: a document id is the sha256 of
    its text, so the entities cached under an id can never go stale; re-ingesting a changed file yields a
    new id (computed on first use) and a removed document simply stops being asked for (and ages out). This needs no
    schema change in either catalog dialect (SQLite, PostgreSQL) and costs ~10 ms per new brief.
    """

    _cache: OrderedDict[str, DocEntities] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def of(self, briefs: Sequence[Brief]) -> list[DocEntities]:
        """The entities of these briefs (the catalog's current ones), in the same order.

        The least recently asked briefs are dropped past CACHED_BRIEFS (ids of changed or removed briefs are
        never asked again); a question scoped to some briefs keeps the others' entities.
        """
        with self._lock:
            for b in briefs:
                if b.doc.id in self._cache:
                    self._cache.move_to_end(b.doc.id)
                else:
                    self._cache[b.doc.id] = extract(b)
            out = [self._cache[b.doc.id] for b in briefs]
            while len(self._cache) > max(CACHED_BRIEFS, len(briefs)):
                self._cache.popitem(last=False)
            return out
