"""The answer model: the shipped layers load offline into the packaged graph and tell answers from near-misses."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from retrieval.errors import ModelError
from retrieval.support.tuned import ANSWERS as WEIGHTS
from retrieval.support.tuned import TunedModel

ANSWER = (
    "China's State Grid Corporation has earmarked 6.8 billion yuan to deploy AI-powered robots across critical "
    "power infrastructure."
)
# Near-misses of the kinds the briefs' users ask: the same entity, another fact; another entity, the same fact.
NO_AMOUNT = "China's State Grid Corporation plans to deploy AI-powered robots across critical power infrastructure."
QUESTION = "How much has State Grid earmarked for AI-powered robots?"


@pytest.fixture(scope="module")
def model() -> TunedModel:
    """The shipped answer model, loaded once."""
    return TunedModel(WEIGHTS)


def test_weights_are_small_and_shipped() -> None:
    """The repository carries only the fine-tuned layers: under the 25 MB budget."""
    assert WEIGHTS.is_file() and WEIGHTS.with_suffix(".json").is_file()
    assert WEIGHTS.stat().st_size < 25_000_000


def test_scores_are_probabilities_in_input_order(model: TunedModel) -> None:
    """One score per sentence in [0, 1]; a sentence's score does not depend on the others scored with it."""
    forward = model.answers(QUESTION, [ANSWER, NO_AMOUNT])
    assert forward == model.answers(QUESTION, [NO_AMOUNT, ANSWER])[::-1]
    assert forward[0] == model.answers(QUESTION, [ANSWER])[0]
    assert all(0.0 <= p <= 1.0 for p in forward)
    assert model.answers(QUESTION, []) == []


def test_the_answering_sentence_beats_its_near_misses(model: TunedModel) -> None:
    """The sentence with the amount answers "how much"; the one without it, or about another question, does not."""
    answer, no_amount = model.answers(QUESTION, [ANSWER, NO_AMOUNT])
    assert answer > no_amount
    other = model.answers("How much has Saudi Arabia invested in AI infrastructure?", [ANSWER])[0]
    assert answer > other


RANKING = (
    "DeepSeek V4 Pro ranks second among open-source models globally, behind domestic rival Kimi K2.6, suggesting "
    "Chinese frontier model development is competitive but increasingly differentiated internally."
)


def test_where_a_model_ranks_is_answered(model: TunedModel) -> None:
    """ "Where does V4 rank" is answered by the ranking sentence (answers-v12: P 0.997)."""
    assert model.answers("Where does DeepSeek V4 Pro rank among open-source models?", [RANKING])[0] >= 0.5


@pytest.mark.xfail(strict=True, reason="answers-v12 reads '… is X behind?' as the reversed relation it was taught")
def test_a_relation_asked_in_the_brief_s_direction_is_answered(model: TunedModel) -> None:
    """ "Which model is V4 behind" asks what "V4 ranks second, behind Kimi" states: answers-v8 gave it P 0.99,
    answers-v12 (trained on reversed relations as unanswerable) 0.05. `ask` still answers it, through another sentence
    of the brief (tests/retrieval/test_service.py)."""
    assert model.answers("Which model is DeepSeek V4 Pro behind?", [RANKING])[0] >= 0.5


def test_a_relation_asked_as_its_converse_is_answered(model: TunedModel) -> None:
    """ "Which model ranks ahead of V4" asks what the sentence states as "V4 ranks behind Kimi" (answers-v2: P
    0.08; answers-v4: 0.40; answers-v8: 0.55; answers-v12: 0.57). Not because it reads the direction: see the tests
    beside it."""
    asked = "Which open-source model ranks ahead of DeepSeek V4 Pro?"
    assert model.answers(asked, [RANKING])[0] >= 0.5


def test_a_relation_asked_the_wrong_way_round_is_not_answered(model: TunedModel) -> None:
    """ "Which model ranks behind V4" is not answered by "V4 ranks second, behind Kimi" (what ranks third is never
    said): answers-v12 gives it P 0.05 (answers-v8 0.98, a strict xfail until session 24). It still does not read
    direction: "Which model is V4 behind?", the brief's own direction, scores as low (the xfail above)."""
    asked = "Which model ranks behind DeepSeek V4 Pro?"
    assert model.answers(asked, [RANKING])[0] < 0.5


def test_the_graph_agrees_with_the_trainer() -> None:
    """The int8 graph with the shipped layers (and low-rank updates, if any) written in scores like the float model
    the trainer built."""
    torch = pytest.importorskip("torch")
    from safetensors.numpy import load_file

    from bench.train_nli import LoRALinear, build_model, p_answers, tokenizer

    card = json.loads(WEIGHTS.with_suffix(".json").read_text(encoding="utf-8"))
    trainer = build_model(trained_layers=6, lora_rank=int(card.get("lora_rank", 0)))
    shipped = {k: torch.from_numpy(v.astype(np.float32)) for k, v in load_file(str(WEIGHTS)).items()}
    trainer.load_state_dict({k: v for k, v in shipped.items() if ".lora_" not in k}, strict=False)
    for name, module in trainer.named_modules():
        if isinstance(module, LoRALinear):  # shipped as A and B * scale
            module.lora_a.data = shipped[f"{name}.weight.lora_a"]
            module.lora_b.data = shipped[f"{name}.weight.lora_b"] / module.scale
    sentences = [ANSWER, NO_AMOUNT]
    expected = p_answers(trainer, tokenizer(), [{"a": QUESTION, "b": s} for s in sentences])
    assert np.allclose(TunedModel(WEIGHTS).answers(QUESTION, sentences), expected, atol=0.1)


def test_a_low_rank_update_is_merged_as_the_trainer_applies_it(tmp_path: Path) -> None:
    """Updates of the frozen layers ship as A and B * scale and are added to the packaged matrices at load: the
    graph then scores exactly as the trainer's wrapped layers (and not as the packaged ones)."""
    torch = pytest.importorskip("torch")
    from safetensors.numpy import save_file

    from bench.train_nli import build_model, lora_tensors, p_answers, tokenizer

    torch.manual_seed(0)
    trainer = build_model(trained_layers=6, lora_rank=4)
    for name, p in trainer.named_parameters():
        if ".lora_b" in name:  # trained B is never zero; at zero the update would vanish
            p.data.normal_(0, 0.05)
    trained = {n for n, p in trainer.named_parameters() if p.requires_grad and ".lora_" not in n}
    state = {k: v for k, v in trainer.state_dict().items() if k in trained}
    tensors = {k: v.detach().numpy().astype(np.float32) for k, v in (state | lora_tensors(trainer)).items()}
    assert any(k.endswith("layer.0.attention.self.query_proj.weight.lora_a") for k in tensors)
    weights = tmp_path / "lora.safetensors"
    save_file(tensors, str(weights))
    weights.with_suffix(".json").write_text(json.dumps({"max_len": 128}), encoding="utf-8")
    pairs = [{"a": QUESTION, "b": ANSWER}, {"a": QUESTION, "b": NO_AMOUNT}]
    expected = p_answers(trainer, tokenizer(), pairs)
    got = TunedModel(weights).score([(p["a"], p["b"]) for p in pairs])
    assert np.allclose(got, expected, atol=0.01)
    assert not np.allclose(got, p_answers(build_model(trained_layers=6), tokenizer(), pairs), atol=0.01)


def test_a_missing_weights_file_is_a_clear_error(tmp_path: Path) -> None:
    """No weights: a ModelError naming the file, not a traceback from onnx."""
    with pytest.raises(ModelError, match="cannot load the absent model"):
        TunedModel(tmp_path / "absent.safetensors")


def test_the_built_graph_is_cached_and_scores_the_same(model: TunedModel, tmp_path: Path) -> None:
    """With a cache dir the graph is built once into it; loading it back scores exactly as the in-memory one."""
    cached = TunedModel(WEIGHTS, cache_dir=tmp_path)
    files = list(tmp_path.glob(f"{WEIGHTS.stem}-*.onnx"))
    assert len(files) == 1 and not [p for p in tmp_path.iterdir() if p.is_dir()]  # no temp dir left behind
    built = files[0].stat().st_mtime_ns
    again = TunedModel(WEIGHTS, cache_dir=tmp_path)
    assert files[0].stat().st_mtime_ns == built
    expected = model.answers(QUESTION, [ANSWER, NO_AMOUNT])
    assert cached.answers(QUESTION, [ANSWER, NO_AMOUNT]) == expected == again.answers(QUESTION, [ANSWER, NO_AMOUNT])
