"""The trainer's span targets (SQuAD 2.0's way of pointing at an answer or at [CLS]) and its start from shipped
weights."""

from __future__ import annotations

import pytest

pytest.importorskip("torch")

from safetensors.numpy import load_file

from bench.train_nli import (
    IGNORE,
    build_model,
    pairs_of,
    read_in_context,
    span_loss,
    span_targets,
    start_from,
    tokenizer,
)
from retrieval.support.answerability import CONTEXT_MARK
from retrieval.support.tuned import SUPPORT

QUESTION = "Which country rationed heating gas?"
SENTENCE = "In 1973, the Netherlands rationed heating gas and banned Sunday driving."


def _targets(pair: dict[str, object]) -> tuple[int, int]:
    """The span targets of one pair as the trainer encodes it."""
    return span_targets(tokenizer().encode_batch(pairs_of([pair]))[0], pair)


def test_an_answering_pair_points_at_its_answer_pieces() -> None:
    """The targets are the first and last word pieces of the answer, found case-blind in the sentence."""
    pair = {"a": QUESTION, "b": SENTENCE, "label": 1, "answer": "the netherlands"}
    enc = tokenizer().encode_batch(pairs_of([pair]))[0]
    start, end = span_targets(enc, pair)
    assert enc.sequence_ids[start] == enc.sequence_ids[end] == 1
    a, b = enc.offsets[start][0], enc.offsets[end][1]
    assert SENTENCE[a:b].strip() == "the Netherlands"


def test_a_pair_that_does_not_answer_points_at_cls_and_an_unknown_answer_is_skipped() -> None:
    """A negative's target is [CLS]; a positive with no known answer, or one absent, gives no span loss."""
    assert _targets({"a": QUESTION, "b": SENTENCE, "label": 0}) == (0, 0)
    assert _targets({"a": QUESTION, "b": SENTENCE, "label": 1}) == (IGNORE, IGNORE)
    assert _targets({"a": QUESTION, "b": SENTENCE, "label": 1, "answer": "Belgium"}) == (IGNORE, IGNORE)


def test_an_answer_cut_off_by_the_length_bound_is_skipped() -> None:
    """A sentence longer than the bound loses its end: an answer there has no pieces to point at."""
    long = " ".join(["filler"] * 200) + " and the answer is Rotterdam."
    assert _targets({"a": QUESTION, "b": long, "label": 1, "answer": "Rotterdam"}) == (IGNORE, IGNORE)


def test_the_span_loss_falls_as_the_head_points_at_the_target() -> None:
    """Cross-entropy over the unpadded pieces: lower for logits that peak at the targets; a batch with no
    target costs nothing."""
    import torch

    hidden = torch.eye(4).unsqueeze(0)  # 4 pieces whose states are one-hot
    mask = torch.tensor([[1, 1, 1, 0]])
    head = torch.nn.Linear(4, 2, bias=False)
    with torch.no_grad():
        head.weight.copy_(torch.tensor([[0.0, 5.0, 0.0, 0.0], [0.0, 0.0, 5.0, 0.0]]))  # start at 1, end at 2
    right = span_loss(head, hidden, mask, torch.tensor([[1, 2]]))
    wrong = span_loss(head, hidden, mask, torch.tensor([[2, 1]]))
    assert float(right) < 0.1 < float(wrong)
    assert float(span_loss(head, hidden, mask, torch.tensor([[IGNORE, IGNORE]]))) == 0.0


def test_context_is_read_after_the_sentence_so_the_bound_cuts_it_first() -> None:
    """--context: the sentence comes first, then the marked text before it; a short bound keeps the whole sentence."""
    pair = {"a": "How much did State Grid earmark?", "b": "It earmarked 6.8 billion yuan.", "label": 1}
    read = read_in_context([pair | {"before": "State Grid is China's grid operator. " * 10}, pair])
    assert read[0]["b"].startswith(pair["b"] + CONTEXT_MARK) and read[1]["b"] == pair["b"]
    enc = tokenizer(32).encode_batch(pairs_of(read[:1]))[0]
    kept = read[0]["b"][: max(b for seq, (_, b) in zip(enc.sequence_ids, enc.offsets, strict=True) if seq == 1)]
    assert kept.startswith(pair["b"]) and len(enc.ids) == 32


def test_a_run_starts_from_shipped_weights_and_refuses_ones_it_would_freeze() -> None:
    """--init: the shipped layers, pooler and head are loaded to train on from there; weights of a layer the run
    keeps frozen are refused (their training would be silently lost)."""
    import torch

    shipped = load_file(str(SUPPORT))
    model = build_model(4)
    assert not torch.equal(model.classifier.weight, torch.from_numpy(shipped["classifier.weight"].astype("float32")))
    start_from(model, SUPPORT)
    assert torch.equal(model.classifier.weight, torch.from_numpy(shipped["classifier.weight"].astype("float32")))
    with pytest.raises(SystemExit, match="does not train"):
        start_from(build_model(2), SUPPORT)
