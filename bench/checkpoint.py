"""Resumable training state for the bench trainers: written atomically, restored with the random state."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch


def save(path: Path, model: dict[str, torch.Tensor], optim: Any, sched: Any, step: int) -> None:
    """Write the trained tensors, optimiser, schedule, step and torch's random state (atomic replace)."""
    state = {
        "model": model,
        "optim": optim.state_dict(),
        "sched": sched.state_dict(),
        "step": step,
        "rng": torch.get_rng_state(),
    }
    torch.save(state, path.with_suffix(".tmp"))
    path.with_suffix(".tmp").replace(path)


def resume(path: Path, model: Any, optim: Any, sched: Any) -> int:
    """Load a checkpoint into the model, optimiser and schedule when one exists; the step to continue from."""
    if not path.exists():
        return 0
    state = torch.load(path, weights_only=False)
    model.load_state_dict(state["model"], strict=False)
    optim.load_state_dict(state["optim"])
    sched.load_state_dict(state["sched"])
    if "rng" in state:
        torch.set_rng_state(state["rng"])
    step: int = state["step"]
    print(f"resumed at step {step}", flush=True)
    return step
