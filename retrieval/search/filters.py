"""Retrieval filters: which briefs (id, name, path glob, publication date) and which sections."""

from __future__ import annotations

import datetime as dt
import fnmatch
from dataclasses import dataclass
from pathlib import Path

from retrieval.errors import DocumentNotFound, QueryError
from retrieval.index.catalog import Catalog, DocInfo


@dataclass(frozen=True)
class FilterSpec:
    """What a user asked to restrict retrieval to; empty means everything."""

    docs: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    section: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    as_of: dt.date | None = None

    @property
    def empty(self) -> bool:
        """True when nothing is restricted."""
        return self == FilterSpec()


@dataclass(frozen=True)
class Filters:
    """Resolved restrictions: allowed document ids and section paths (None = no restriction)."""

    doc_ids: tuple[str, ...] | None = None
    sections: tuple[str, ...] | None = None


def _matches(ref: str, docs: dict[str, DocInfo]) -> set[str]:
    """Documents `ref` names exactly (id, source path, file name or stem), else those it begins (id or file name)."""
    exact = {d.doc_id for d in docs.values() if ref in (d.doc_id, d.source, Path(d.source).name, Path(d.source).stem)}
    if exact or not ref:
        return exact
    # A prefix of the file name is what the `documents` table invites one to type ("000", "004_6515").
    return {d.doc_id for d in docs.values() if d.doc_id.startswith(ref) or Path(d.source).name.startswith(ref)}


def resolve_refs(refs: tuple[str, ...] | list[str], docs: dict[str, DocInfo]) -> tuple[str, ...]:
    """Turn ids, file names, stems or source paths, or a unique prefix of an id or file name, into document ids."""
    resolved: list[str] = []
    for ref in refs:
        matches = _matches(ref, docs)
        if len(matches) != 1:
            reason = "matches several documents" if matches else "matches no indexed document"
            raise DocumentNotFound(f"{ref!r} {reason}")
        resolved.append(matches.pop())
    return tuple(resolved)


def _date_ok(info: DocInfo, spec: FilterSpec) -> bool:
    """Apply the date filters; an undated brief passes --as-of but not --since/--until."""
    date = dt.date.fromisoformat(info.date) if info.date else None
    if spec.as_of and date and date > spec.as_of:
        return False
    if spec.since and (date is None or date < spec.since):
        return False
    return not (spec.until and (date is None or date > spec.until))


def resolve(spec: FilterSpec, catalog: Catalog) -> Filters:
    """Resolve a FilterSpec against what is indexed."""
    if spec.since and spec.until and spec.since > spec.until:
        raise QueryError(f"--since {spec.since} is after --until {spec.until}")
    if spec.empty:
        return Filters()
    sections = catalog.sections_like(spec.section) if spec.section else None
    if not (spec.docs or spec.sources or spec.since or spec.until or spec.as_of):
        # A section-only filter: no list of every document id for the stores to match against.
        return Filters(sections=sections)
    docs = catalog.documents()
    allowed = set(resolve_refs(spec.docs, docs)) if spec.docs else set(docs)
    if spec.sources:
        allowed = {d for d in allowed if any(fnmatch.fnmatch(docs[d].source, pattern) for pattern in spec.sources)}
    allowed = {d for d in allowed if _date_ok(docs[d], spec)}
    return Filters(doc_ids=tuple(sorted(allowed)), sections=sections)
