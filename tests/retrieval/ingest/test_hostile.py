"""A hostile corpus: ingest finishes, reports each bad file once by name, loses no valid brief, and stays bounded."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from retrieval.errors import LoadError
from retrieval.index.embedding import SentenceTransformerEmbedder
from retrieval.ingest.loaders import load_document
from retrieval.printable import printable
from retrieval.service import BriefLens
from retrieval.settings import Settings
from tests.hostile import Expect, make_hostile_corpus, unlock
from tests.index_checks import assert_consistent

# Peak RSS of an ingest of the hostile corpus: the model and torch take about 0.7 GB; a 50 MB file
# read whole, a zip bomb inflated or a pathological tree built would push far past this.
MAX_RSS_MB = 1500


def peak_rss_mb(proc: subprocess.Popen[bytes]) -> float:
    """The child's own peak RSS, polled from /proc until it exits.

    Not wait4's ru_maxrss: Linux folds the forking parent's high-water mark into the child's at exec,
    so under a large pytest process it reports the parent's size, not the ingest's.
    """
    peak_kb = 0
    status = Path(f"/proc/{proc.pid}/status")
    while proc.poll() is None:
        try:
            line = next(x for x in status.read_text().splitlines() if x.startswith("VmHWM:"))
            peak_kb = max(peak_kb, int(line.split()[1]))
        except (OSError, StopIteration, ValueError):
            pass  # the process is between exec and its first page, or already gone
        time.sleep(0.05)
    return peak_kb / 1024


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, Expect]]]:
    """The generated hostile corpus, with the expectation for each file."""
    root = tmp_path_factory.mktemp("hostile") / "corpus"
    expect = make_hostile_corpus(root)
    yield root, expect
    unlock(root)


def test_ingest_reports_each_bad_file_keeps_every_valid_one_and_stays_bounded(
    hostile: tuple[Path, dict[str, Expect]], tmp_path: Path, embedder: SentenceTransformerEmbedder
) -> None:
    root, expect = hostile
    data = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFLENS_")}
    out, err = tmp_path / "stdout", tmp_path / "stderr"
    with out.open("w") as stdout, err.open("w") as stderr:
        proc = subprocess.Popen(
            [str(Path(sys.executable).parent / "brieflens"), "ingest", str(root), "--data-dir", str(data), "--json"],
            env=env,
            stdout=stdout,
            stderr=stderr,
        )
        peak_mb = peak_rss_mb(proc)
    errors = err.read_text()
    assert proc.returncode == 0, errors
    assert "Traceback" not in errors
    print(f"\nhostile ingest: peak RSS {peak_mb:.0f} MB")
    assert peak_mb < MAX_RSS_MB
    report = json.loads(out.read_text())
    problems: list[str] = report["problems"]
    assert "pypdf" not in errors and "WARNING" not in errors  # pypdf's own lines are folded into BriefLens's
    for name, want in expect.items():
        shown = printable(str(root / name))  # control characters in a name are escaped, so a problem is one line
        mine = [p for p in problems if p.startswith(shown + ":")]
        if want.outcome == "problem":
            assert len(mine) == 1 and want.reason in mine[0], (name, mine)
            assert f"skipped: {mine[0]}" in errors  # the human-readable report names it too
        else:
            assert not mine, (name, mine)
            assert str(root / name) in report["added"], name
            if want.reason:
                assert any(w.startswith(shown) and want.reason in w for w in report["warnings"]), name
    assert all("\n" not in line for line in problems + report["warnings"])
    assert len(errors.splitlines()) == len(problems) + len(report["warnings"])  # one line each
    # Exactly one line per bad file, each naming it.
    assert len(problems) == sum(w.outcome == "problem" for w in expect.values()), problems

    lens = BriefLens(Settings(_env_file=None, data_dir=data), embedder)  # type: ignore[call-arg]
    assert_consistent(lens)
    valid = {str(root / n) for n, w in expect.items() if w.outcome == "indexed"}
    assert {d.source for d in lens.documents()} == valid  # nothing valid lost, nothing bad indexed
    for name, want in expect.items():
        if want.outcome == "indexed":
            hits = lens.search(want.needle, 3)
            assert hits[0].source == str(root / name) and want.needle in hits[0].chunk.text, name
    again = lens.ingest([root])
    assert again.chunks_embedded == 0 and sorted(again.problems) == sorted(problems)
    lens.close()


def test_unreadable_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "locked.txt"
    path.write_text("Locked Brief\nSecret.\n", encoding="utf-8")
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as root: a chmod-000 file is still readable, so there is no error to report")
        with pytest.raises(LoadError, match="cannot read"):
            load_document(path, "locked.txt", 2**20)
    finally:
        path.chmod(0o600)


def test_large_flat_html_loads_in_linear_time(tmp_path: Path) -> None:
    """A 2 MB page of paragraphs with <br> and <img> took minutes before (quadratic end-tag bookkeeping)."""
    page = '<p>Para <b>bold</b> <br> text <img src=x> and <a href="y">link</a></p>\n' * 30_000
    path = tmp_path / "flat.html"
    path.write_text(f"<html><body>{page}</body></html>", encoding="utf-8")
    began = time.monotonic()
    doc = load_document(path, "flat.html", 20 * 2**20)
    assert doc.text.count("Para bold\n\ntext and link") == 30_000
    assert time.monotonic() - began < 60


def test_deeply_nested_html_is_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "nested.html"
    path.write_bytes(b"<div>" * 100_000 + b"deep" + b"</div>" * 100_000)
    began = time.monotonic()
    with pytest.raises(LoadError, match="nested too deeply"):
        load_document(path, "nested.html", 20 * 2**20)
    assert time.monotonic() - began < 10
    shallow = tmp_path / "shallow.html"
    shallow.write_bytes(b"<div>" * 900 + b"<p>Still fine at nine hundred levels.</p>" + b"</div>" * 900)
    assert "nine hundred levels" in load_document(shallow, "shallow.html", 2**20).text
