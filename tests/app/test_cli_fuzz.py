"""Any query string through the CLI gives a valid JSON result or one clear error line, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from app.cli import app
from retrieval.limits import MAX_K
from retrieval.service import BriefLens

queries = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(categories=["Cs", "Cc", "Zs", "Lo"]), max_size=20),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=30),
    st.sampled_from(["", " ", "\t\n", "-k", "--json", "x" * 2001, "Huawei " * 400, "' OR 1=1 --", 'NEAR("a" b)']),
)


def check(result_code: int, stdout: str, stderr: str, listing: bool) -> None:
    """Exit 0 with a JSON list (search) or object (ask), or exit 2 with an error line; no traceback ever."""
    assert "Traceback" not in stdout + stderr
    if result_code == 0:
        data = json.loads(stdout)
        assert isinstance(data, list if listing else dict)
    else:
        assert result_code == 2, (result_code, stdout, stderr)
        assert "error" in stderr.lower() or "usage" in stderr.lower()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=queries, command=st.sampled_from(["search", "ask"]))
def test_any_query_in_process(lens: BriefLens, query: str, command: str) -> None:
    result = CliRunner().invoke(app, [command, query, "--json", "--data-dir", str(lens.settings.data_dir)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    check(result.exit_code, result.stdout, result.stderr, command == "search")


@pytest.mark.parametrize(("k", "ok"), [(1, True), (MAX_K, True), (0, False), (MAX_K + 1, False), (-3, False)])
def test_k_bounds(lens: BriefLens, k: int, ok: bool) -> None:
    result = CliRunner().invoke(
        app, ["search", "chips", "-k", str(k), "--json", "--data-dir", str(lens.settings.data_dir)]
    )
    assert (result.exit_code == 0) == ok and (ok or "-k" in result.stderr)
    if not ok:
        from retrieval.errors import QueryError

        with pytest.raises(QueryError, match="k must be between"):
            lens.search("chips", k)


def test_question_length_bound(lens: BriefLens) -> None:
    result = CliRunner().invoke(app, ["ask", "why " * 600, "--data-dir", str(lens.settings.data_dir)])
    assert result.exit_code == 2 and "the limit is 2000" in result.stderr


@pytest.mark.slow
def test_hostile_queries_in_a_real_process(lens: BriefLens) -> None:
    """Invalid UTF-8 in argv (surrogate-escaped by Python), a huge query, control and RTL characters."""
    exe = str(Path(sys.executable).parent / "brieflens")
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFLENS_")}
    data = str(lens.settings.data_dir).encode()
    cases: list[tuple[bytes, bytes]] = [
        (b"search", b"\xff\xfe chips \xc3\x28"),
        (b"ask", "\u202eHuawei\u200d chips \x07\x1b[31m 🙂".encode()),
        (b"ask", b"why " * 3000),
    ]
    for command, query in cases:
        done = subprocess.run(
            [exe.encode(), command, query, b"--json", b"--data-dir", data], env=env, capture_output=True, timeout=300
        )
        check(
            done.returncode,
            done.stdout.decode(errors="replace"),
            done.stderr.decode(errors="replace"),
            command == b"search",
        )
