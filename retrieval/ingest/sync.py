"""Sync the index with folders of briefs: add new, replace changed, drop deleted; crash-safe."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from retrieval.chunk import Chunk
from retrieval.document import Document
from retrieval.errors import LoadError
from retrieval.index import MIXED, Index
from retrieval.index.catalog import FileRow
from retrieval.ingest.chunking import chunk_document, embedding_text
from retrieval.printable import printable

log = logging.getLogger(__name__)

# Progress callback: (phase, done, total).
Progress = Callable[[str, int, int], None]


@dataclass
class IngestReport:
    """What an ingest did, file by file."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    renamed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    chunks_embedded: int = 0
    chunks_removed: int = 0
    recovered: int = 0

    @property
    def indexed_ok(self) -> bool:
        """False only when files were found but none could be used."""
        return bool(self.added or self.updated or self.unchanged or self.renamed or self.removed) or not self.problems


@dataclass
class _Found:
    """A file found on disk with its display name and stat fingerprint."""

    path: str
    source: str
    size: int
    mtime_ns: int


def _walk(root: Path, shown: str, problems: list[str]) -> Iterator[_Found]:
    """Yield supported files under `root` (a file or folder), skipping hidden entries; no symlink loops."""
    # Imported here: the loaders pull in HTML/PDF/DOCX parsers that a query never needs.
    from retrieval.ingest.loaders import supported

    if root.is_file():
        st = root.stat()
        yield _Found(str(root.resolve()), shown, st.st_size, st.st_mtime_ns)
        return
    for dirpath, dirnames, filenames in os.walk(
        root,
        followlinks=False,
        onerror=lambda e: problems.append(f"{e.filename}: cannot list ({e.strerror})"),
    ):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in dirnames:
            if (Path(dirpath) / name).is_symlink():
                problems.append(
                    _linked_folder(Path(dirpath) / name, str(Path(shown) / Path(dirpath, name).relative_to(root)))
                )
        for name in sorted(filenames):
            full = Path(dirpath) / name
            if name.startswith(".") or not supported(full):
                continue
            shown_path = str(Path(shown) / full.relative_to(root))
            try:
                st = full.stat()
            except OSError as e:
                problems.append(f"{shown_path}: cannot read ({e.strerror})")
                continue
            yield _Found(str(full.resolve()), shown_path, st.st_size, st.st_mtime_ns)


def _linked_folder(link: Path, shown: str) -> str:
    """The one line for a symbolic link to a folder, which the walk never follows."""
    try:
        target = link.resolve(strict=True)
    except (OSError, RuntimeError):
        return f"{shown}: broken symbolic link to a folder; skipped"
    here = link.parent.resolve()
    if target == here or target in here.parents:
        return f"{shown}: symbolic link loop (points back to a folder that holds it); skipped"
    return f"{shown}: symbolic link to a folder, not followed; ingest {target} itself to include it"


def scan(paths: Sequence[Path], report: IngestReport) -> list[_Found]:
    """Find every supported file under the given paths; a missing path is a problem, not a crash."""
    found: dict[str, _Found] = {}
    for path in paths:
        if not path.exists():
            report.problems.append(f"{path}: no such file or folder")
            continue
        for item in _walk(path, str(path), report.problems):
            found.setdefault(item.path, item)
    return list(found.values())


def _under(path: str, roots: Sequence[Path]) -> bool:
    """True when `path` lies in one of the scanned roots (only those are synced)."""
    target = Path(path)
    for root in roots:
        resolved = root.resolve()
        if target == resolved or resolved in target.parents:
            return True
    return False


def flush_pending(index: Index) -> int:
    """Delete the chunks Chroma may hold that no committed document owns, and clear the write-ahead list."""
    orphans = index.catalog.orphans()
    if orphans:
        index.store.delete(orphans)
    index.catalog.clear_pending()
    return len(orphans)


def recover(index: Index) -> int:
    """Finish an interrupted ingest (pending rows left at start-up), saying so."""
    removed = flush_pending(index)
    if removed:
        log.warning("recovered from an interrupted ingest: removed %d uncommitted chunks", removed)
    return removed


def _commit(
    index: Index,
    batch: list[tuple[FileRow, Document, list[Chunk]]],
    report: IngestReport,
    progress: Progress | None,
    total: int,
) -> None:
    """Embed a batch of documents, write them to Chroma, then commit them to the manifest."""
    chunks = [c for _, _, cs in batch for c in cs]
    titles = {doc.id: doc.title for _, doc, _ in batch}
    headers = index.settings.embed_headers
    texts = [embedding_text(titles[c.doc_id], c.section, c.text, headers) for c in chunks]
    done = report.chunks_embedded

    def tick(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress("embed", done, total)

    vectors = index.embedder.embed(texts, tick)
    files = index.catalog.files()
    old_ids = [
        cid for row, _, _ in batch if row.path in files for cid in index.catalog.chunk_ids(files[row.path].doc_id)
    ]
    # Write-ahead: every id whose presence in Chroma is about to change is recorded first.
    index.catalog.mark_pending([c.id for c in chunks] + old_ids)
    dates = {doc.id: int(doc.date.strftime("%Y%m%d")) for _, doc, _ in batch if doc.date}
    index.store.upsert(chunks, vectors, dates)
    index.catalog.commit_documents(batch, dict(zip((c.id for c in chunks), vectors, strict=True)))
    flush_pending(index)  # the replaced versions' chunks: a deliberate change, not a recovery
    report.chunks_embedded += len(chunks)


def ingest(index: Index, paths: Sequence[Path], progress: Progress | None = None) -> IngestReport:
    """Make the index hold exactly the supported files under `paths` (other indexed folders are kept)."""
    from retrieval.ingest.loaders import load_document

    report = IngestReport()
    report.recovered = recover(index)
    settings = index.settings
    known = index.catalog.files()
    # A new embedding back-end (or model) re-embeds every indexed document, also those outside `paths`:
    # until that is done the index is marked mixed and queries refuse it (never old and new vectors mixed).
    switching = index.stored_embedding_id() != index.embedding_id
    if switching:
        index.catalog.set_meta("embedding", MIXED if known else index.embedding_id)
    resync = switching or index.catalog.get_meta("signature") != index.signature
    if not known:
        # Nothing indexed yet, so nothing was chunked another way: recording the signature before the first
        # batch commits means a crash in a first ingest keeps the committed documents (at most one batch lost).
        index.catalog.set_meta("signature", index.signature)
    found = scan(paths, report)
    by_doc = {row.doc_id: row for row in known.values()}
    present = {f.path for f in found}
    todo: list[tuple[FileRow, Document]] = []
    max_bytes = int(settings.max_file_mb * 2**20)
    for i, item in enumerate(found):
        if progress:
            progress("scan", i + 1, len(found))
        old = known.get(item.path)
        if old and not resync and (old.size, old.mtime_ns) == (item.size, item.mtime_ns):
            report.unchanged.append(item.source)
            continue
        try:
            doc = load_document(Path(item.path), item.source, max_bytes)
        except LoadError as e:
            report.problems.append(str(e) + ("; the previously indexed version is kept" if old else ""))
            continue
        report.warnings.extend(doc.warnings)
        row = FileRow(item.path, item.source, doc.id, item.size, item.mtime_ns)
        twin = by_doc.get(doc.id)
        if twin and not resync:
            if twin.path == item.path or twin.path not in present:
                index.catalog.update_file(row)
                (report.unchanged if twin.path == item.path else report.renamed).append(item.source)
                by_doc[doc.id] = row
                continue
            report.problems.append(f"{item.source}: same content as {twin.source}; skipped as a duplicate")
            continue
        if any(doc.id == d.id for _, d in todo):
            report.problems.append(
                f"{item.source}: same content as another file in this ingest; skipped as a duplicate"
            )
            continue
        todo.append((row, doc))
        (report.updated if old else report.added).append(item.source)
    if switching and known:
        todo.extend(_stored_documents(index, todo, paths, present, report))
    _index_documents(index, todo, report, progress)
    if switching:
        index.catalog.set_meta("embedding", index.embedding_id)
    for path, row in index.catalog.files().items():
        if path not in present and _under(path, paths) and not Path(path).exists():
            ids = index.catalog.chunk_ids(row.doc_id)
            index.catalog.mark_pending(ids)
            index.catalog.remove_path(path)
            report.chunks_removed += flush_pending(index)
            report.removed.append(row.source)
    index.catalog.set_meta("signature", index.signature)
    _backfill_vectors(index)
    # A message is one line: a file name holding a newline or an escape sequence must not split or restyle it.
    report.problems = [printable(p) for p in report.problems]
    report.warnings = [printable(w) for w in report.warnings]
    return report


def _backfill_vectors(index: Index) -> None:
    """Copy into the catalog the vectors of chunks committed before it kept them (read from Chroma, not re-embedded)."""
    missing = index.catalog.chunks_without_vectors()
    if not missing:
        return  # the usual case: Chroma is not even opened
    step = index.store.max_batch
    for i in range(0, len(missing), step):
        index.catalog.add_vectors(index.store.vectors(missing[i : i + step]))


def _stored_documents(
    index: Index, todo: list[tuple[FileRow, Document]], paths: Sequence[Path], present: set[str], report: IngestReport
) -> list[tuple[FileRow, Document]]:
    """Indexed documents this ingest does not re-read (other folders, unreadable files), from their stored text."""
    queued = {doc.id for _, doc in todo}
    out: list[tuple[FileRow, Document]] = []
    for path, row in index.catalog.files().items():
        if row.doc_id in queued or (path not in present and _under(path, paths) and not Path(path).exists()):
            continue  # re-read above, or about to be removed as deleted
        doc = index.catalog.document(row.doc_id)
        if doc is not None:
            out.append((row, doc))
            queued.add(row.doc_id)
            report.updated.append(row.source)
    if out:
        report.warnings.append(f"re-embedded {len(out)} documents outside the ingested folders from their stored text")
    return out


def _index_documents(
    index: Index, todo: list[tuple[FileRow, Document]], report: IngestReport, progress: Progress | None
) -> None:
    """Chunk, embed and commit documents in bounded batches."""
    settings = index.settings
    chunked: list[tuple[FileRow, Document, list[Chunk]]] = []
    for row, doc in todo:
        chunks = chunk_document(
            doc,
            index.embedder.count_tokens,
            settings.chunk_max_tokens,
            settings.chunk_overlap_sentences,
            index.embedder.max_tokens,
            settings.embed_headers,
        )
        chunked.append((row, doc, chunks))
    total = sum(len(cs) for _, _, cs in chunked)
    batch: list[tuple[FileRow, Document, list[Chunk]]] = []
    size = 0
    for entry in chunked:
        batch.append(entry)
        size += len(entry[2])
        if size >= settings.ingest_commit_chunks:
            _commit(index, batch, report, progress, total)
            batch, size = [], 0
    if batch:
        _commit(index, batch, report, progress, total)
