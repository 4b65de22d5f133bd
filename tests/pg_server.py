"""Start and stop a real PostgreSQL server (Debian's postgresql package) on 127.0.0.1 in a temp dir."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.chroma_server import free_port

# Debian installs each major version's server tools here (postgresql-15 on bookworm); the newest is used.
_VERSIONS = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
BIN = _VERSIONS[-1].parent if _VERSIONS else Path("/usr/lib/postgresql/15/bin")
USER = "postgres"  # initdb refuses to run as root: the server runs as Debian's postgres user


def _as_postgres(args: list[str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run a PostgreSQL tool as the postgres user when we are root (else as ourselves)."""
    command = args if os.geteuid() != 0 else ["runuser", "-u", USER, "--", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)


def unavailable() -> str | None:
    """Why a PostgreSQL server cannot be started here, or None when it can."""
    if not (BIN / "initdb").exists():
        return f"PostgreSQL is not installed ({BIN}/initdb missing; apt-get install postgresql)"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser: cannot start PostgreSQL as the postgres user"
    return None


@contextmanager
def postgres_server(timeout: float = 60.0) -> Iterator[str]:
    """Run a throwaway PostgreSQL cluster in a temp dir on a free port; yield its URL once it accepts connections."""
    reason = unavailable()
    if reason:
        raise RuntimeError(reason)
    # Its own dir under /tmp: pytest's temp dirs are private to root, and the server runs as postgres.
    root = Path(tempfile.mkdtemp(prefix="brieflens-pg-"))
    data, sockets, log = root / "pgdata", root / "sock", root / "postgres.log"
    sockets.mkdir(exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(root, USER)
        shutil.chown(sockets, USER)
    try:
        yield from _run(data, sockets, log, timeout)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _run(data: Path, sockets: Path, log: Path, timeout: float) -> Iterator[str]:
    """initdb, start, wait for connections, yield the URL, stop."""
    init = _as_postgres([str(BIN / "initdb"), "-D", str(data), "-U", USER, "-A", "trust", "--no-sync", "-E", "UTF8"])
    if init.returncode:
        raise RuntimeError(f"initdb failed: {init.stderr[-2000:]}")
    port = free_port()
    # fsync off: a test cluster is thrown away, and every commit would otherwise wait for the disk.
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
    start = _as_postgres([str(BIN / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "start"], timeout)
    if start.returncode:
        tail = log.read_text(errors="replace")[-2000:] if log.exists() else start.stderr
        raise RuntimeError(f"pg_ctl start failed: {tail}")
    try:
        deadline = time.monotonic() + timeout
        while _as_postgres([str(BIN / "pg_isready"), "-h", "127.0.0.1", "-p", str(port)]).returncode:
            if time.monotonic() > deadline:
                raise RuntimeError(f"PostgreSQL did not accept connections within {timeout:.0f} s")
            time.sleep(0.2)
        yield f"postgresql://{USER}@127.0.0.1:{port}/postgres"
    finally:
        _as_postgres([str(BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"])
