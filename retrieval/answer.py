"""Answer: sentences with their citations and support verdicts, or an abstention."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from retrieval.citation import Citation

ABSTAIN_TEXT = "The corpus does not say."


class AnswerSentence(BaseModel):
    """One sentence of an answer, the quotes that support it and the support verdict."""

    model_config = ConfigDict(frozen=True)

    text: str
    citations: tuple[Citation, ...] = ()
    supported: bool = True
    support: float = 1.0


class Context(BaseModel):
    """A retrieved passage shown to the generator."""

    model_config = ConfigDict(frozen=True)

    chunk_id: str
    doc_id: str
    source: str
    title: str
    section: str
    score: float
    text: str
    start: int
    end: int


class Answer(BaseModel):
    """The answer to a question: cited sentences, or an abstention with no citations."""

    model_config = ConfigDict(frozen=True)

    question: str
    answer: str
    abstained: bool
    sentences: tuple[AnswerSentence, ...] = ()
    contexts: tuple[Context, ...] = ()
    relevance: float = 0.0
    generator: str = "extractive"
    # The faithfulness gate's counts (model back-ends) and notes such as a fallback to the extractive answer.
    removed_sentences: int = 0
    flagged_sentences: int = 0
    dropped_citations: int = 0
    notes: tuple[str, ...] = ()

    @property
    def citations(self) -> list[Citation]:
        """Every citation of every sentence, in order."""
        return [c for s in self.sentences for c in s.citations]
