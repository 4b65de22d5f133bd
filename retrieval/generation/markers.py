"""Model output: split into sentences, parse [n] citation markers, and fence sources for the prompt."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from retrieval.chunk import ScoredChunk

# [1], [1, 2], [1;2] and runs such as [1][3]; anything else in brackets is prose.
_MARKER = re.compile(r"\[\s*(\d{1,3}(?:\s*[,;]\s*\d{1,3})*)\s*\]")
# A sentence ends at . ! or ? (plus closing quotes/brackets), with any citation markers that follow it.
_SENTENCE = re.compile(r"\S.*?(?:[.!?]+[\"')\u201d\u2019]*(?:\s*\[[\d,;\s]*\])*(?=\s|$)|$)", re.S)
_FENCE = re.compile(r"</?\s*source\b[^>]*>", re.I)
# A list number on its own ("2." or "(3)") once the splitter has cut it off at its full stop.
_ENUMERATOR = re.compile(r"\(?\d{1,2}[.)]")
# ... and the first one, left at the end of the sentence that introduces the list ("two risks: 1.").
_LEAD_IN = re.compile(r":\s*\(?\d{1,2}[.)]$")
# A full stop after initials ("U.S.") or a common abbreviation does not end the sentence.
_NOT_END = re.compile(
    r"(?:\b(?:[A-Z]\.)+|\b(?:Mr|Mrs|Ms|Dr|Prof|St|vs|etc|Inc|Ltd|Co|Corp|No|Gen|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.)$"
)


@dataclass(frozen=True)
class ModelSentence:
    """One sentence of model output: its text without markers and the source numbers it cites."""

    text: str
    cited: tuple[int, ...]


def parse_markers(sentence: str) -> tuple[str, tuple[int, ...]]:
    """The sentence with its [n] markers removed, and the cited numbers in order of first mention."""
    numbers: list[int] = []
    for match in _MARKER.finditer(sentence):
        numbers.extend(int(n) for n in re.split(r"[,;]", match.group(1)))
    text = " ".join(_MARKER.sub(" ", sentence).split())
    text = re.sub(r"\s+([.,;:!?])", r"\1", text)
    return text, tuple(dict.fromkeys(numbers))


def split_output(text: str) -> list[str]:
    """Raw sentences of model output, each keeping the markers that follow its full stop."""
    parts: list[str] = []
    glue = False
    for match in _SENTENCE.finditer(text):
        part = match.group(0).strip()
        if not part:
            continue
        if glue and parts:
            parts[-1] = parts[-1] + " " + part
        else:
            parts.append(part)
        glue = bool(_NOT_END.search(part))
    return parts


def finished(text: str) -> int:
    """How many leading sentences of a growing text can no longer change as more tokens arrive."""
    parts = split_output(text)
    if len(parts) < 2:
        return 0
    # A following part that opens with '[' may be a marker still being written for the sentence before it.
    done = len(parts) - 1
    return done - 1 if parts[-1].startswith("[") else done


def parse_output(text: str) -> list[ModelSentence]:
    """Every sentence of the model's answer with the source numbers it cites; marker-only fragments go."""
    out: list[ModelSentence] = []
    for raw in split_output(text):
        clean, cited = parse_markers(raw)
        # A small model may echo the prompt's fence tags ("</source>"): markup, never part of a sentence.
        clean = " ".join(_FENCE.sub(" ", clean).split())
        clean = _LEAD_IN.sub(":", clean)
        if _ENUMERATOR.fullmatch(clean):
            continue  # "1." of a numbered list the model wrote: its items follow as sentences of their own
        if any(ch.isalnum() for ch in clean):
            # Small models repeat themselves; a repeated sentence is shown once.
            if all(s.text != clean for s in out):
                out.append(ModelSentence(clean, cited))
        elif out and cited:
            # Markers split off their sentence (e.g. on their own line) still belong to it.
            prev = out[-1]
            out[-1] = ModelSentence(prev.text, tuple(dict.fromkeys(prev.cited + cited)))
    return out


def _defang(text: str) -> str:
    """Source text as inert data: no fence tags, and bracketed numbers that cannot pass for citations."""
    text = _FENCE.sub(" ", text)
    return _MARKER.sub(lambda m: "(" + m.group(1) + ")", text)


def fence_sources(contexts: Sequence[ScoredChunk]) -> str:
    """The numbered sources for the prompt, each fenced in <source> tags."""
    blocks = []
    for n, ctx in enumerate(contexts, 1):
        title = " ".join(ctx.title.split()).replace('"', "'")
        body = " ".join(_defang(ctx.chunk.text).split())
        blocks.append(f'<source id="{n}" title="{title}">\n{body}\n</source>')
    return "\n\n".join(blocks)
