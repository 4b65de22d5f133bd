"""What a format loader returns, and the text decoding shared by the text formats."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from retrieval.document import Section
from retrieval.errors import LoadError

# Bytes that never occur in text: a NUL (or many controls) means a binary file.
_CONTROL = set(range(0, 9)) | {11, 12} | set(range(14, 32))


@dataclass(frozen=True)
class Extracted:
    """Text extracted from a file with the structure the format exposed."""

    text: str
    title: str = ""
    date: dt.date | None = None
    url: str | None = None
    origin: str | None = None
    sections: tuple[Section, ...] = ()
    pages: tuple[int, ...] = ()
    body_start: int = 0
    warnings: tuple[str, ...] = ()


def decode(data: bytes) -> tuple[str, tuple[str, ...]]:
    """Decode text bytes: UTF-8 (BOM kept; stray bad bytes replaced), UTF-16 by BOM, else cp1252 with a warning."""
    sample = data[:8192]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return _newlines(data.decode("utf-16")), ()
        except UnicodeDecodeError as e:
            raise LoadError("invalid UTF-16 text") from e
    if b"\x00" in sample or sum(b in _CONTROL for b in sample) > len(sample) * 0.05:
        raise LoadError("binary file, not text")
    try:
        return _newlines(data.decode("utf-8")), ()
    except UnicodeDecodeError:
        pass
    repaired = _mostly_utf8(data)
    if repaired is not None:
        return _newlines(repaired[0]), (f"not valid UTF-8: {repaired[1]} bad byte(s) replaced with U+FFFD",)
    for encoding in ("cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return _newlines(text), (f"not valid UTF-8, decoded as {encoding}",)
    raise LoadError("undecodable text")  # latin-1 decodes anything; kept for clarity


_ESCAPED = re.compile("[\udc80-\udcff]")


def _mostly_utf8(data: bytes) -> tuple[str, int] | None:
    """UTF-8 text with a few stray bytes: the text with each bad byte replaced by U+FFFD, and how many; else None."""
    escaped = data.decode("utf-8", errors="surrogateescape")
    bad = len(_ESCAPED.findall(escaped))
    # A valid multi-byte sequence is vanishingly rare in cp1252 text: one means the file is UTF-8.
    good = sum(1 for ch in escaped if ord(ch) > 0x7F) - bad
    return (_ESCAPED.sub("\ufffd", escaped), bad) if good > 0 else None


def _newlines(text: str) -> str:
    """Translate CRLF and CR to LF, as Python's text mode does, so offsets match a text-mode read."""
    return text.replace("\r\n", "\n").replace("\r", "\n")
