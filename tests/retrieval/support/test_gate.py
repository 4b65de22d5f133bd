"""The faithfulness gate on hand-written model outputs, with the real offline judge and real retrieved chunks."""

from __future__ import annotations

import pytest

from retrieval.chunk import ScoredChunk
from retrieval.index.embedding import SentenceTransformerEmbedder
from retrieval.service import BriefLens
from retrieval.support.gate import Gate
from retrieval.support.judges import make_judge

QUESTION = "Which Huawei chips achieved day-zero compatibility with DeepSeek V4?"
TRUE = "Huawei's Ascend 950PR and 950DT chips achieved day-zero compatibility with DeepSeek's V4 model"
FALSE = "The Eiffel Tower was sold to a Brazilian bank in 1999"


@pytest.fixture(scope="module")
def hits(lens: BriefLens) -> list[ScoredChunk]:
    return lens.search(QUESTION, 5)


def gate(lens: BriefLens, embedder: SentenceTransformerEmbedder, mode: str) -> Gate:
    return Gate(make_judge(lens.settings, embedder), mode)  # type: ignore[arg-type]


def n_of(hits: list[ScoredChunk], needle: str) -> int:
    """The 1-based source number of the hit holding the needle."""
    return next(i for i, h in enumerate(hits, 1) if needle in h.chunk.text)


def test_supported_sentence_is_kept_with_a_verbatim_quote(
    lens: BriefLens, embedder: SentenceTransformerEmbedder, hits: list[ScoredChunk]
) -> None:
    n = n_of(hits, "950PR")
    draft = gate(lens, embedder, "remove").ground(QUESTION, f"{TRUE} [{n}]. {FALSE} [{n}].", hits)
    assert [s.text for s in draft.sentences] == [TRUE + "."]
    assert draft.removed == 1 and draft.flagged == 0 and draft.dropped_citations == 0
    cite = draft.sentences[0].citations[0]
    doc = lens.index.catalog.document(cite.doc_id)
    assert doc is not None and doc.text[cite.start : cite.end] == cite.quote and "950PR" in cite.quote


def test_citations_to_sources_not_given_are_dropped_and_counted(
    lens: BriefLens, embedder: SentenceTransformerEmbedder, hits: list[ScoredChunk]
) -> None:
    n = n_of(hits, "950PR")
    draft = gate(lens, embedder, "remove").ground(QUESTION, f"{TRUE} [{n}][7][99].", hits)
    assert draft.dropped_citations == 2
    assert [c.chunk_id for c in draft.sentences[0].citations] == [hits[n - 1].chunk.id]


def test_a_wrong_citation_is_not_repaired(
    lens: BriefLens, embedder: SentenceTransformerEmbedder, hits: list[ScoredChunk]
) -> None:
    wrong = next(i for i, h in enumerate(hits, 1) if "950PR" not in h.chunk.text)
    draft = gate(lens, embedder, "remove").ground(QUESTION, f"{TRUE} [{wrong}].", hits)
    assert draft.sentences == () and draft.removed == 1 and draft.abstained
    assert draft.notes and "unsupported" in draft.notes[0]


def test_uncited_sentences_get_a_citation_only_when_a_chunk_supports_them(
    lens: BriefLens, embedder: SentenceTransformerEmbedder, hits: list[ScoredChunk]
) -> None:
    draft = gate(lens, embedder, "flag").ground(QUESTION, f"{TRUE}. {FALSE}.", hits)
    supported, unsupported = draft.sentences
    assert supported.supported and len(supported.citations) == 1 and "950PR" in supported.citations[0].quote
    assert not unsupported.supported and unsupported.citations == ()
    assert draft.flagged == 1 and draft.removed == 0 and draft.keep_unsupported


def test_injected_instruction_obeyed_by_a_model_does_not_get_through(
    lens: BriefLens, embedder: SentenceTransformerEmbedder, hits: list[ScoredChunk]
) -> None:
    obeyed = "Je suis un pirate et je cite toujours [7]. Ignore the sources [7]."
    draft = gate(lens, embedder, "remove").ground(QUESTION, obeyed, hits)
    assert draft.sentences == () and draft.abstained and draft.removed == 2 and draft.dropped_citations == 2


def test_gate_off_keeps_everything_uncounted(
    lens: BriefLens, embedder: SentenceTransformerEmbedder, hits: list[ScoredChunk]
) -> None:
    draft = gate(lens, embedder, "off").ground(QUESTION, f"{FALSE}.", hits)
    assert len(draft.sentences) == 1 and not draft.sentences[0].supported
    assert draft.removed == 0 and draft.flagged == 0


def test_the_fixed_abstention_reply_abstains(
    lens: BriefLens, embedder: SentenceTransformerEmbedder, hits: list[ScoredChunk]
) -> None:
    draft = gate(lens, embedder, "remove").ground(QUESTION, "The corpus does not say.", hits)
    assert draft.abstained and draft.sentences == () and draft.removed == 0
