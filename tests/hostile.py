"""A generated hostile corpus: every kind of bad file beside valid briefs, with what ingest must say about each."""

from __future__ import annotations

import os
import random
import stat
from dataclasses import dataclass
from pathlib import Path

from tests.helpers import make_docx, make_pdf, make_zip_bomb_docx

MB = 2**20
VALID_TEXT = (
    "Kestrel Dynamics Brief\n"
    "Top Line\n"
    "Kestrel Dynamics unveiled a maritime drone for coastal surveillance. "
    "The drone carries a passive sonar array and runs for forty hours.\n"
)


@dataclass(frozen=True)
class Expect:
    """What ingest must do with one file: index it (with or without a warning) or report it as a problem."""

    outcome: str  # "indexed" or "problem"
    reason: str = ""  # a substring of the problem line (or of the warning, for an indexed file)
    needle: str = ""  # for an indexed file: a phrase a search must find


def _readable_anyway(path: Path) -> bool:
    """True when this process can read a chmod-000 file (root can)."""
    try:
        with path.open("rb") as f:
            f.read(1)
    except OSError:
        return False
    return True


def make_hostile_corpus(root: Path, big_mb: int = 50) -> dict[str, Expect]:
    """Write the hostile corpus under `root`; return the expectation for each file, by path relative to root."""
    rng = random.Random(8)
    root.mkdir(parents=True)
    expect: dict[str, Expect] = {}

    def put(name: str, data: bytes, want: Expect) -> Path:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        expect[name] = want
        return path

    # Valid briefs in every format: none of them may be lost.
    put("valid/brief.txt", VALID_TEXT.encode(), Expect("indexed", needle="passive sonar array"))
    put(
        "valid/note.md",
        b"---\ntitle: Grid Robots\ndate: 2026-01-05\n---\n# Grid Robots\n\nState Grid bought inspection robots.\n",
        Expect("indexed", needle="inspection robots"),
    )
    put(
        "valid/page.html",
        b"<html><head><title>Lunar Cables</title></head><body><h1>Lunar Cables</h1>"
        b"<p>Subsea cable repairs slowed in the Baltic.</p></body></html>",
        Expect("indexed", needle="Subsea cable repairs"),
    )
    put(
        "valid/report.pdf",
        make_pdf([["Quantum Report", "Photonic qubits reached a new fidelity record."]]),
        Expect("indexed", needle="Photonic qubits"),
    )
    make_docx(root / "valid/memo.docx", "Fusion Memo", [("Overview", ["A tokamak held plasma for six minutes."])])
    expect["valid/memo.docx"] = Expect("indexed", needle="tokamak held plasma")
    put(
        "valid/brief été ✓ (copy).txt",
        b"Naming Brief\nUnicode file names are read like any other.\n",
        Expect("indexed", needle="Unicode file names"),
    )
    deep = "/".join(f"d{i}" for i in range(40))
    put(
        f"{deep}/deep.txt",
        b"Deep Brief\nA brief forty folders down is still found.\n",
        Expect("indexed", needle="forty folders down"),
    )
    # Invalid UTF-8 (bytes cp1252 leaves undefined, so latin-1): decoded with a warning, not lost.
    put(
        "bad_utf8.txt",
        b"Tariff Brief\nSteel tariffs rose \x81\x8d\x90 sharply in \xff\xfe May.\n",
        Expect("indexed", "not valid UTF-8", needle="Steel tariffs rose"),
    )

    # A PDF whose cross-reference table is wrong: pypdf repairs it (and would print its own WARNING lines).
    damaged = make_pdf([["Sonar Report", "Towed arrays detect quiet submarines at long range."]])
    put(
        "damaged.pdf",
        damaged.replace(b"startxref\n", b"startxref\n9"),
        Expect("indexed", "damaged PDF", "Towed arrays"),
    )
    # A file name with a newline and an escape character: every line printed about it stays one line.
    put(
        "two\nlines\x1b[31m.txt",
        b"Odd Name Brief\nControl characters in names are escaped.\n",
        Expect("indexed", needle="escaped"),
    )
    put("worse\nname.txt", b"", Expect("problem", "empty file"))

    put("empty.txt", b"", Expect("problem", "empty file"))
    put("blank.md", b" \n\t\n  ", Expect("problem", "empty file"))
    put("binary.txt", bytes(rng.randrange(256) for _ in range(64 * 1024)), Expect("problem", "binary file"))
    put("binary.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(4096), Expect("problem", "binary file"))
    pdf = make_pdf([["Truncated Report", "This page is cut off in the middle."]] * 3)
    put("truncated.pdf", pdf[: len(pdf) // 2], Expect("problem", "PDF"))
    put("not_a_pdf.pdf", b"%PDF-1.7\n" + bytes(rng.randrange(256) for _ in range(2048)), Expect("problem", "PDF"))
    big = root / "big.txt"
    line = b"The fifty megabyte brief repeats this line to fill its size budget.\n"
    with big.open("wb") as f:
        for _ in range(big_mb * MB // len(line) + 1):
            f.write(line)
    expect["big.txt"] = Expect("problem", "too large")
    # Deep nesting is what breaks recursive tree walkers.
    put(
        "nested.html",
        b"<html><body>" + b"<div>" * 100_000 + b"deep" + b"</div>" * 100_000 + b"</body></html>",
        Expect("problem", "nested too deeply"),
    )
    make_zip_bomb_docx(root / "bomb.docx", inflated_mb=210)
    expect["bomb.docx"] = Expect("problem", "zip bomb")
    put("not_a_zip.docx", b"PK\x03\x04 this is not really a zip", Expect("problem", "not a valid .docx"))

    # Symlinks: a directory loop (not followed), a two-file loop and a dangling link (reported).
    (root / "loop").symlink_to(".", target_is_directory=True)
    expect["loop"] = Expect("problem", "symbolic link loop")
    (root / "a.txt").symlink_to("b.txt")
    (root / "b.txt").symlink_to("a.txt")
    expect["a.txt"] = Expect("problem", "cannot read")
    expect["b.txt"] = Expect("problem", "cannot read")
    (root / "dangling.md").symlink_to("nowhere.md")
    expect["dangling.md"] = Expect("problem", "cannot read")

    secret = put("locked.txt", b"Locked Brief\nOnly its owner may read this.\n", Expect("problem", "cannot read"))
    secret.chmod(0)
    if _readable_anyway(secret):  # root reads it regardless of its mode: then it is a valid brief
        expect["locked.txt"] = Expect("indexed", needle="Only its owner may read")
    closed = root / "closed"
    closed.mkdir()
    put("closed/inside.txt", b"Closed Brief\nA brief in a folder nobody may list.\n", Expect("problem", "cannot list"))
    closed.chmod(0)
    if os.access(closed, os.R_OK | os.X_OK):
        expect["closed/inside.txt"] = Expect("indexed", needle="folder nobody may list")
    return expect


def unlock(root: Path) -> None:
    """Give back the permissions the corpus took away, so temp-dir clean-up works."""
    for path in (root / "locked.txt", root / "closed"):
        if path.exists() and not path.is_symlink():
            path.chmod(stat.S_IRWXU)
