"""Names and messages made safe to print: one problem stays on one line, whatever a file name holds."""

from __future__ import annotations

import re

# C0 and C1 controls (newline, carriage return, escape, ...) and the Unicode line and paragraph separators.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _escape(match: re.Match[str]) -> str:
    """A control character as Python writes it in a string literal (\\n, \\t, \\x1b, \\u2028)."""
    return match.group().encode("unicode_escape").decode("ascii")


def printable(text: str) -> str:
    """`text` with every control character and line break escaped, so it prints as one line and moves no cursor."""
    return _CONTROL.sub(_escape, text)
