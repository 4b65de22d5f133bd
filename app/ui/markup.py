"""Safe HTML for source text: every character from a brief is escaped before our own markup wraps it."""

from __future__ import annotations

from html import escape

# Styles for the markup below; injected once by the entry script.
CSS = """<style>
.bl-source{white-space:normal;line-height:1.6;padding:.6em .8em;border-left:3px solid #d0a200;background:#fffdf3;
  color:#222;border-radius:4px;max-height:28em;overflow-y:auto}
.bl-source mark.bl-quote{background:#ffe066;color:#000;padding:0 .1em;border-radius:2px}
.bl-sentence{line-height:1.6}
.bl-unsupported{color:#a40000;font-size:.85em;margin-left:.3em}
.bl-abstain{font-weight:600}
</style>"""


def text_html(text: str) -> str:
    """Plain text as HTML: escaped, line breaks kept, on one line so Markdown never re-parses it."""
    safe = escape(text.replace("\r\n", "\n"), quote=True)
    return safe.replace("\n", "<br>").replace("$", "&#36;")


def _window(text: str, start: int, end: int, context: int) -> tuple[int, int]:
    """About `context` characters either side of [start:end], widened to whole words."""
    lo, hi = max(0, start - context), min(len(text), end + context)
    if lo > 0:
        space = text.find(" ", lo, start)
        lo = space + 1 if space != -1 else lo
    if hi < len(text):
        space = text.rfind(" ", end, hi)
        hi = space if space != -1 else hi
    return lo, hi


def highlight(text: str, start: int, end: int, context: int | None = 600) -> str:
    """HTML of the text around [start:end] with that span in <mark>; None shows the whole text."""
    lo, hi = (0, len(text)) if context is None else _window(text, start, end, context)
    before = ("… " if lo > 0 else "") + text_html(text[lo:start])
    after = text_html(text[end:hi]) + (" …" if hi < len(text) else "")
    quote = text_html(text[start:end])
    return f'<div class="bl-source">{before}<mark class="bl-quote">{quote}</mark>{after}</div>'


def sentence_html(text: str, supported: bool = True) -> str:
    """One answer sentence, escaped; an unsupported one carries a visible flag."""
    flag = "" if supported else '<span class="bl-unsupported">⚠ not supported by its source</span>'
    return f'<span class="bl-sentence">{text_html(text)}</span>{flag}'
