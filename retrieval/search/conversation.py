"""Follow-up questions: condense a conversation turn into a standalone query (by the model when one is set)."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from retrieval.terms import content_terms, query_words, tokens

_LEAD = re.compile(r"^\s*(?:and|or|but|also|so|then|what about|how about|what of|same for|and what about)\b", re.I)
_PRONOUNS = frozenset(
    ["it", "its", "they", "them", "their", "theirs", "this", "that", "these", "those", "he", "him", "his", "she", "her"]
)
# How many words of the previous query a follow-up may carry forward.
MAX_CARRIED = 10


def is_follow_up(question: str) -> bool:
    """A question that leans on the previous turn: opens with 'and/what about…', uses a pronoun, or is bare."""
    if _LEAD.match(question):
        return True
    words = set(tokens(question))
    return bool(words & _PRONOUNS) or len(set(content_terms(question, drop_question_words=True))) <= 1


def condense(previous: str | None, question: str) -> str:
    """Make a follow-up standalone by carrying forward the previous query's content words it lacks."""
    if not previous or not is_follow_up(question):
        return question.strip()
    present = set(query_words(question))
    carried = [w for w in dict.fromkeys(query_words(previous)) if w not in present][:MAX_CARRIED]
    return f"{question.strip()} ({' '.join(carried)})" if carried else question.strip()


@dataclass
class Conversation:
    """A bounded history of standalone queries; each new turn is condensed against the last one."""

    max_turns: int = 20
    turns: deque[str] = field(default_factory=deque)
    # A model rewrite (history, follow-up) -> standalone question or None; the word carry-over is the fallback.
    rewrite: Callable[[Sequence[str], str], str | None] | None = None
    history_for_rewrite: int = 3

    def standalone(self, question: str) -> str:
        """The query to retrieve with for this turn, recorded as the newest turn."""
        query = None
        if self.rewrite is not None and self.turns and is_follow_up(question):
            query = self.rewrite(list(self.turns)[-self.history_for_rewrite :], question)
        query = query or condense(self.turns[-1] if self.turns else None, question)
        self.turns.append(query)
        while len(self.turns) > self.max_turns:
            self.turns.popleft()
        return query
