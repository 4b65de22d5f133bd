"""Both catalog back-ends pass one contract: embedded SQLite and a real PostgreSQL server."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from retrieval.errors import ConfigError, StoreError
from retrieval.index import open_catalog
from retrieval.index.pg_catalog import PgCatalog
from retrieval.index.sqlite_catalog import SqliteCatalog
from retrieval.settings import Settings
from tests.chroma_server import free_port
from tests.contracts.catalog import CatalogContract, OpenCatalog


class TestSqliteCatalog(CatalogContract):
    @pytest.fixture
    def opener(self, tmp_path: Path) -> Iterator[OpenCatalog]:
        opened: list[SqliteCatalog] = []

        def open_one() -> SqliteCatalog:
            opened.append(SqliteCatalog(tmp_path / "m.sqlite"))
            return opened[-1]

        yield open_one
        for catalog in opened:
            catalog.close()


class TestPgCatalog(CatalogContract):
    @pytest.fixture
    def opener(self, pg_url: str) -> Iterator[OpenCatalog]:
        schema = f"t{uuid.uuid4().hex[:12]}"  # a fresh schema per test: tests never share state
        opened: list[PgCatalog] = []

        def open_one() -> PgCatalog:
            opened.append(PgCatalog(pg_url, schema))
            return opened[-1]

        yield open_one
        for catalog in opened:
            catalog.close()


def test_a_lost_postgres_connection_is_replaced_on_the_next_use(pg_url: str) -> None:
    catalog = PgCatalog(pg_url, f"t{uuid.uuid4().hex[:12]}")
    catalog.set_meta("signature", "kept")
    (pid,) = catalog.db.execute("SELECT pg_backend_pid()").fetchone()
    with psycopg.connect(pg_url, autocommit=True) as admin:  # as a server restart would
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    with pytest.raises(psycopg.OperationalError):
        catalog.get_meta("signature")  # the request that finds the connection dead fails
    assert catalog.get_meta("signature") == "kept"  # the next one reconnects, to the same schema
    catalog.close()


def test_an_unreachable_or_malformed_catalog_url_is_a_clear_error(make_settings: Callable[..., Settings]) -> None:
    port = free_port()
    with pytest.raises(StoreError, match=f"cannot reach the PostgreSQL catalog .*port {port}") as info:
        open_catalog(make_settings(catalog_url=f"postgresql://u:hunter2@127.0.0.1:{port}/db"))
    assert "hunter2" not in str(info.value) and "BRIEFLENS_CATALOG_URL" in info.value.help
    with pytest.raises(ConfigError, match="postgresql://USER") as bad:
        open_catalog(make_settings(catalog_url="nonsense hunter2"))
    assert "hunter2" not in str(bad.value)
    # Unset, the catalog is the embedded SQLite file, as before.
    embedded = open_catalog(make_settings())
    assert isinstance(embedded, SqliteCatalog)
    embedded.close()
