"""Answerability reranking: passages that may answer the question move ahead, in retrieval order otherwise."""

from __future__ import annotations

from pathlib import Path

from retrieval.chunk import Chunk, ScoredChunk, chunk_id
from retrieval.search.answer_rerank import AnswerReranker, may_answer
from retrieval.service import BriefLens
from retrieval.settings import Settings

DOC = "d" * 64
TEXTS = [
    "Startups like MatX design secure AI chips for military and industrial applications.",
    "Saudi Arabia announced a $40 billion investment in AI infrastructure.",
    "MatX closed a recent $500 million funding round to build chips.",
]


def hits() -> list[ScoredChunk]:
    """Three passages in retrieval order, scores falling."""
    out, start = [], 0
    for i, text in enumerate(TEXTS):
        chunk = Chunk(
            id=chunk_id(DOC, start, start + len(text)), doc_id=DOC, text=text, start=start, end=start + len(text)
        )
        out.append(ScoredChunk(chunk=chunk, score=1.0 - i / 10))
        start += len(text) + 1
    return out


def test_passages_that_may_answer_come_first_in_retrieval_order() -> None:
    question = "How much did MatX raise in its latest funding round?"
    candidates = hits()
    # The first passage names MatX but no amount; the second has an amount but not MatX; the third has both.
    assert [may_answer(question, h) for h in candidates] == [False, False, True]
    ranked = AnswerReranker().rerank(question, candidates, 3)
    assert [h.chunk.text for h in ranked] == [TEXTS[2], TEXTS[0], TEXTS[1]]
    assert [h.score for h in ranked] == [candidates[2].score, candidates[0].score, candidates[1].score]
    assert AnswerReranker().rerank(question, candidates, 1)[0].chunk.text == TEXTS[2]
    assert AnswerReranker().rerank(question, [], 3) == []


def test_the_setting_puts_the_reranker_behind_search(tmp_path: Path) -> None:
    lens = BriefLens(Settings(_env_file=None, data_dir=tmp_path / "index", rerank_answers=True))  # type: ignore[call-arg]
    try:
        assert isinstance(lens.reranker, AnswerReranker)
    finally:
        lens.close()
    plain = BriefLens(Settings(_env_file=None, data_dir=tmp_path / "plain"))  # type: ignore[call-arg]
    try:
        assert plain.reranker is None
    finally:
        plain.close()
