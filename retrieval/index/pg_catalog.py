"""The shared catalog: what is indexed, in PostgreSQL, so many API servers serve one corpus.

Lexical ranking is FTS5's BM25 (k1 1.2, b 0.75, the metadata column weighted META_WEIGHT) computed from
term statistics kept here: Postgres' own ts_rank is no BM25 (no idf, no length saturation). Terms are
cut as FTS5's unicode61 tokenizer cuts them (lower-cased runs of letters and digits, stop words kept) and
stemmed by PostgreSQL's Snowball English stemmer; with `english` tsvectors instead (stop words dropped,
compounds and figures kept whole) BM25-only MRR@10 on MultiHop-RAG was 1.3 points below SQLite's, with
these 0.7 (bench/README.md, "Scale-out").
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from retrieval.chunk import Chunk
from retrieval.document import Document
from retrieval.errors import ConfigError, IngestBusy, StoreError
from retrieval.index.catalog import META_WEIGHT, ChunkVectors, FileRow, chunk_meta, nothing_to_search
from retrieval.index.sql_catalog import SqlCatalog, blob

_CHUNK_COLUMNS = 'c.chunk_id, c.doc_id, c.start, c."end", c.section, c.text'
# One key for the writer lock of every catalog in a database; the schema name is the second key half.
_LOCK_CLASS = 0x4252_4C4E  # "BRLN"
K1, B = 1.2, 0.75

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY, source TEXT NOT NULL, doc_id TEXT NOT NULL,
    size BIGINT NOT NULL, mtime_ns BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS files_doc ON files(doc_id);
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY, title TEXT NOT NULL, date TEXT, source TEXT NOT NULL,
    n_chunks INTEGER NOT NULL, body TEXT NOT NULL, origin TEXT);
CREATE INDEX IF NOT EXISTS documents_origin ON documents(origin);
CREATE INDEX IF NOT EXISTS documents_date ON documents(date);
CREATE TABLE IF NOT EXISTS chunks (
    rid BIGSERIAL PRIMARY KEY, chunk_id TEXT NOT NULL UNIQUE, doc_id TEXT NOT NULL,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL, section TEXT NOT NULL,
    text TEXT NOT NULL, meta TEXT NOT NULL, length REAL NOT NULL DEFAULT 0, vector BYTEA);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id);
CREATE TABLE IF NOT EXISTS postings (
    term TEXT NOT NULL, rid BIGINT NOT NULL REFERENCES chunks ON DELETE CASCADE, tf REAL NOT NULL,
    PRIMARY KEY (term, rid));
CREATE INDEX IF NOT EXISTS postings_rid ON postings(rid);
CREATE TABLE IF NOT EXISTS pending (chunk_id TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS stats (
    id INTEGER PRIMARY KEY CHECK (id = 1), n_chunks BIGINT NOT NULL, total_length DOUBLE PRECISION NOT NULL,
    generation BIGINT NOT NULL);
INSERT INTO stats VALUES (1, 0, 0, 0) ON CONFLICT DO NOTHING;
CREATE OR REPLACE FUNCTION terms(body TEXT) RETURNS TABLE (lexeme TEXT, n INTEGER) LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce((ts_lexize('english_stem', t))[1], t), count(*)::integer
    FROM regexp_split_to_table(lower(body), '[^[:alnum:]]+') AS t WHERE t <> '' GROUP BY 1
$$;
"""

# Term frequencies of new chunks: text terms count 1, metadata terms META_WEIGHT (FTS5's column weights);
# a chunk's length is its token count over both columns, unweighted, as in FTS5.
_POSTINGS = f"""
WITH t AS (
    SELECT c.rid, t.lexeme, t.n, t.w FROM chunks c CROSS JOIN LATERAL (
        SELECT lexeme, n, 1.0 AS w FROM terms(c.text)
        UNION ALL
        SELECT lexeme, n, {META_WEIGHT} FROM terms(c.meta)
    ) t WHERE c.doc_id = ANY(%(docs)s)
), added AS (
    INSERT INTO postings (term, rid, tf) SELECT lexeme, rid, sum(n * w) FROM t GROUP BY lexeme, rid
)
UPDATE chunks c SET length = l.len FROM (SELECT rid, sum(n) AS len FROM t GROUP BY rid) l WHERE c.rid = l.rid
"""

# FTS5's bm25(): idf = ln((N - df + 0.5) / (df + 0.5)), floored at 1e-6, times tf saturation with length.
_BM25 = f"""
WITH q AS (SELECT DISTINCT lexeme FROM terms(%(query)s)),
s AS (SELECT n_chunks::float8 AS n, greatest(total_length / greatest(n_chunks, 1), 1e-9) AS avgdl FROM stats),
df AS (SELECT p.term, count(*)::float8 AS df FROM postings p JOIN q ON p.term = q.lexeme GROUP BY p.term),
scored AS (
    SELECT p.rid, sum(greatest(ln((s.n - df.df + 0.5) / (df.df + 0.5)), 1e-6)
        * p.tf * {K1 + 1} / (p.tf + {K1} * ({1 - B} + {B} * c.length / s.avgdl))) AS score
    FROM df JOIN postings p ON p.term = df.term JOIN chunks c ON c.rid = p.rid CROSS JOIN s
    WHERE TRUE {{scope}}
    GROUP BY p.rid ORDER BY score DESC, p.rid LIMIT %(k)s
)
SELECT {_CHUNK_COLUMNS}, scored.score FROM scored JOIN chunks c ON c.rid = scored.rid ORDER BY scored.score DESC, c.rid
"""


def _connect(url: str) -> Any:
    """An autocommit psycopg connection; an unreachable server is a StoreError naming it (never the password)."""
    import psycopg

    try:
        return psycopg.connect(url, autocommit=True, connect_timeout=10)
    except psycopg.ProgrammingError as e:
        # Not psycopg's message: it quotes the URL, password included.
        raise ConfigError("BRIEFLENS_CATALOG_URL must look like postgresql://USER:PASSWORD@HOST:PORT/DB") from e
    except psycopg.OperationalError as e:
        reason = " ".join(str(e).split())[:300]  # libpq's message names host and port, never the password
        raise StoreError(
            f"cannot reach the PostgreSQL catalog ({reason})",
            help="Start PostgreSQL and check BRIEFLENS_CATALOG_URL, or unset it to use the embedded catalog.",
        ) from e


def _session(db: Any, schema: str) -> None:
    """Set up a connection: the collection's schema first in the search path, and no JIT."""
    from psycopg import sql

    db.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(schema)))
    # The BM25 query's row estimates (set-returning functions, joins over postings) pass JIT's cost bar:
    # compiling it took 46 of its 49 ms on the seed corpus (measured), for a query that runs in 1 ms.
    db.execute("SET jit = off")


def _scope(doc_ids: Sequence[str] | None, sections: Sequence[str] | None) -> tuple[str, dict[str, object]]:
    """SQL `AND …` clauses restricting chunks `c` to documents and sections, and their parameters."""
    sql, params = "", dict[str, object]()
    if doc_ids is not None:
        sql += " AND c.doc_id = ANY(%(doc_ids)s)"
        params["doc_ids"] = list(doc_ids)
    if sections is not None:
        sql += " AND c.section = ANY(%(sections)s)"
        params["sections"] = list(sections)
    return sql, params


def _chunk(r: Sequence[Any]) -> Chunk:
    """A Chunk from the first six columns of a row (_CHUNK_COLUMNS)."""
    return Chunk(id=r[0], doc_id=r[1], start=r[2], end=r[3], section=r[4], text=r[5])


class PgCatalog(SqlCatalog):
    """The catalog in one PostgreSQL schema (named after the collection), shared by every server that opens it."""

    ARG = "%s"
    CONTAINS = "strpos(lower(section), lower(%s)) > 0"
    VECTOR_ROWS = "SELECT rid, vector FROM chunks WHERE vector IS NOT NULL ORDER BY rid"
    COVERAGE = "SELECT count(*), count(vector) FROM chunks"
    UNVECTORED = "SELECT chunk_id FROM chunks WHERE vector IS NULL"

    def __init__(self, url: str, schema: str) -> None:
        from psycopg import sql

        # The caches are keyed by the stats generation every write transaction bumps: one row read per use,
        # so another server's commit is seen on the next request.
        super().__init__()
        self._url, self._conn = url, _connect(url)
        self.schema = schema
        self._write_lock = threading.Lock()
        with self.db.transaction():
            # Servers starting together would race on CREATE … IF NOT EXISTS (it is not atomic in Postgres).
            self.db.execute("SELECT pg_advisory_xact_lock(%s, 0)", (_LOCK_CLASS,))
            self.db.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
            _session(self.db, schema)
            self.db.execute(_SCHEMA)
        # SET inside a transaction lasts for the session once committed.
        (self._lock_key,) = self.db.execute("SELECT hashtext(%s)", (schema,)).fetchone()

    @property
    def db(self) -> Any:
        """The connection; one lost with its server (a restart, a failover) is replaced on the next use."""
        # Never inside a write transaction (the write lock is held): its statements fail and it rolls back.
        if self._conn.broken and not self._write_lock.locked():
            self._conn = _connect(self._url)
            _session(self._conn, self.schema)
        return self._conn

    def close(self) -> None:
        """Close the connection (which also releases the writer lock if this process held it)."""
        self.db.close()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """The writer lock: a session advisory lock, so a crashed writer's lock goes with its connection."""
        (got,) = self.db.execute("SELECT pg_try_advisory_lock(%s, %s)", (_LOCK_CLASS, self._lock_key)).fetchone()
        if not got:
            raise IngestBusy("another server is ingesting into this catalog")
        try:
            yield
        finally:
            self.db.execute("SELECT pg_advisory_unlock(%s, %s)", (_LOCK_CLASS, self._lock_key))

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One transaction that also bumps the generation, so every server's caches see the change."""
        with self._write_lock, self.db.transaction():
            yield
            self.db.execute(
                "UPDATE stats SET n_chunks = (SELECT count(*) FROM chunks), "
                "total_length = (SELECT coalesce(sum(length), 0) FROM chunks), generation = generation + 1"
            )

    def ids_in(self, column: str, ids: Sequence[str | int]) -> tuple[str, list[Any]]:
        """SQL testing that `column` is one of `ids` (one array parameter), and its parameters."""
        return f"{column} = ANY(%s)", [list(ids)]

    def stamp(self) -> int:
        """The number of write transactions committed so far (by any server)."""
        (generation,) = self.db.execute("SELECT generation FROM stats").fetchone()
        return int(generation)

    def set_meta(self, key: str, value: str) -> None:
        """Write a manifest setting."""
        with self._transaction():
            self.db.execute(
                "INSERT INTO meta VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value", (key, value)
            )

    def lexical_search(
        self,
        terms: Sequence[str],
        k: int,
        doc_ids: Sequence[str] | None = None,
        sections: Sequence[str] | None = None,
        origin: str | None = None,
        day: str | None = None,
    ) -> list[tuple[Chunk, float]]:
        """BM25 (FTS5's formula, Snowball-stemmed terms) of committed chunk texts: any of the terms, best first."""
        words = [t for t in dict.fromkeys(terms) if t]
        if not words or nothing_to_search(k, doc_ids, sections):
            return []
        scope, params = _scope(doc_ids, sections)
        if origin is not None:
            scope += " AND c.doc_id IN (SELECT doc_id FROM documents WHERE origin = %(origin)s)"
            params["origin"] = origin
        if day is not None:
            scope += " AND c.doc_id IN (SELECT doc_id FROM documents WHERE " + (
                "substr(date, 5) = %(day)s)" if day.startswith("-") else "date = %(day)s)"
            )
            params["day"] = day
        # Cut into terms by the same SQL function as the chunks: a query is never parsed as tsquery syntax.
        params.update(query=" ".join(words), k=k)
        rows = self.db.execute(_BM25.replace("{scope}", scope), params).fetchall()
        return [(_chunk(r), float(r[6])) for r in rows]

    def mark_pending(self, chunk_ids: Iterable[str]) -> None:
        """Record chunk ids whose presence in Chroma is about to change, before changing it."""
        with self._transaction():
            self.db.execute(
                "INSERT INTO pending SELECT unnest(%s::text[]) ON CONFLICT DO NOTHING",
                (list(dict.fromkeys(chunk_ids)),),
            )

    def clear_pending(self) -> None:
        """Forget pending ids once Chroma agrees with the committed state."""
        with self._transaction():
            self.db.execute("DELETE FROM pending")

    def commit_documents(
        self, items: Sequence[tuple[FileRow, Document, Sequence[Chunk]]], vectors: ChunkVectors | None = None
    ) -> None:
        """Commit several documents, their chunks, postings and vectors in one transaction."""
        stored = vectors or {}

        def _vector(chunk_id: str) -> bytes | None:
            return blob(stored[chunk_id]) if chunk_id in stored else None

        with self._transaction():
            for row, _, _ in items:
                self._drop_path(row.path)
                self.db.execute(
                    "INSERT INTO files VALUES (%s, %s, %s, %s, %s)",
                    (row.path, row.source, row.doc_id, row.size, row.mtime_ns),
                )
            with self.db.cursor() as cur:
                cur.executemany(
                    "INSERT INTO documents (doc_id, title, date, source, n_chunks, body, origin) "
                    "VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (doc_id) DO UPDATE SET title = EXCLUDED.title, "
                    "date = EXCLUDED.date, source = EXCLUDED.source, n_chunks = EXCLUDED.n_chunks, "
                    "body = EXCLUDED.body, origin = EXCLUDED.origin",
                    [
                        (doc.id, doc.title, _day(doc), row.source, len(chunks), doc.model_dump_json(), doc.origin)
                        for row, doc, chunks in items
                    ],
                )
                cur.executemany(
                    'INSERT INTO chunks (chunk_id, doc_id, start, "end", section, text, meta, vector) '
                    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                    [
                        (c.id, doc.id, c.start, c.end, c.section, c.text, chunk_meta(doc, c.section), _vector(c.id))
                        for _, doc, chunks in items
                        for c in chunks
                    ],
                )
            self.db.execute(_POSTINGS, {"docs": [doc.id for _, doc, _ in items]})

    def add_vectors(self, vectors: ChunkVectors) -> None:
        """Store vectors of committed chunks that have none (an index from before they were kept here)."""
        with self._transaction(), self.db.cursor() as cur:
            cur.executemany(
                "UPDATE chunks SET vector = %s WHERE chunk_id = %s", [(blob(v), cid) for cid, v in vectors.items()]
            )

    def scoped_rids(self, doc_ids: Sequence[str] | None, sections: Sequence[str] | None) -> list[int]:
        """The rids of committed chunks in these documents and sections."""
        scope, params = _scope(doc_ids, sections)
        return [r[0] for r in self.db.execute("SELECT rid FROM chunks c WHERE TRUE" + scope, params)]

    def chunks_by_rid(self, rids: Sequence[int]) -> dict[int, Chunk]:
        """Committed chunks by rid (absent rids are left out)."""
        where, params = self.ids_in("c.rid", rids)
        rows = self.db.execute(f"SELECT c.rid, {_CHUNK_COLUMNS} FROM chunks c WHERE {where}", params).fetchall()
        return {r[0]: _chunk(r[1:]) for r in rows}

    def update_file(self, row: FileRow) -> None:
        """Record a new path or stat fingerprint for an unchanged document (a touch or a rename)."""
        with self._transaction():
            self.db.execute("DELETE FROM files WHERE doc_id = %s AND path <> %s", (row.doc_id, row.path))
            self.db.execute(
                "INSERT INTO files VALUES (%s, %s, %s, %s, %s) ON CONFLICT (path) DO UPDATE SET "
                "source = EXCLUDED.source, doc_id = EXCLUDED.doc_id, size = EXCLUDED.size, "
                "mtime_ns = EXCLUDED.mtime_ns",
                (row.path, row.source, row.doc_id, row.size, row.mtime_ns),
            )
            self.db.execute("UPDATE documents SET source = %s WHERE doc_id = %s", (row.source, row.doc_id))

    def remove_path(self, path: str) -> None:
        """Atomically forget a file and, if no other file holds it, its document and chunks."""
        with self._transaction():
            self._drop_path(path)

    def _drop_path(self, path: str) -> None:
        """Delete a file row and its now-unreferenced document (inside the caller's transaction)."""
        row = self.db.execute("DELETE FROM files WHERE path = %s RETURNING doc_id", (path,)).fetchone()
        if row is None:
            return
        if self.db.execute("SELECT 1 FROM files WHERE doc_id = %s", (row[0],)).fetchone() is None:
            self.db.execute("DELETE FROM documents WHERE doc_id = %s", (row[0],))
            self.db.execute("DELETE FROM chunks WHERE doc_id = %s", (row[0],))  # postings go by cascade


def _day(doc: Document) -> str | None:
    """A document's date as stored: ISO 'YYYY-MM-DD'."""
    return doc.date.isoformat() if doc.date else None
