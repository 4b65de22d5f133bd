"""Both catalog back-ends pass one contract: embedded SQLite and a real PostgreSQL server."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from retrieval.index.pg_catalog import PgCatalog
from retrieval.index.sqlite_catalog import SqliteCatalog
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
