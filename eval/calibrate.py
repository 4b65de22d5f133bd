"""Fit one decision threshold on labelled scores, and measure it out of sample (cross-fitting, bootstrap)."""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Sequence

from eval.metrics import balanced_accuracy


def fit_threshold(scores: Sequence[float], labels: Sequence[bool], vetoed: Sequence[bool] | None = None) -> float:
    """The threshold maximising balanced accuracy (midpoint between neighbouring scores; ties go lower)."""
    vetoed = vetoed or [False] * len(scores)
    candidates = sorted(set(scores))
    cuts = [candidates[0] - 1e-6] + [(a + b) / 2 for a, b in itertools.pairwise(candidates)]
    cuts.append(candidates[-1] + 1e-6)
    n_pos = sum(1 for y in labels if y)
    n_neg = len(labels) - n_pos
    if not n_pos or not n_neg:
        return round(cuts[0], 4)
    # A vetoed item is never predicted faithful, so only the others move with the cut; counting them by
    # bisection keeps a fit over thousands of items fast (it is refitted per fold and per weight).
    pos = sorted(s for s, y, v in zip(scores, labels, vetoed, strict=True) if y and not v)
    neg = sorted(s for s, y, v in zip(scores, labels, vetoed, strict=True) if not y and not v)
    best, best_bacc = cuts[0], -1.0
    for cut in cuts:
        tp = len(pos) - bisect.bisect_left(pos, cut)
        fp = len(neg) - bisect.bisect_left(neg, cut)
        bacc = (tp / n_pos + (n_neg - fp) / n_neg) / 2
        if bacc > best_bacc + 1e-12:
            best, best_bacc = cut, bacc
    return round(best, 4)


def cross_fit(
    scores: Sequence[float],
    labels: Sequence[bool],
    vetoed: Sequence[bool] | None = None,
    groups: Sequence[str] | None = None,
    repeats: int = 20,
    seed: int = 0,
) -> list[float]:
    """Balanced accuracies of 2-fold cross-fitting: fit on one half, score the other (both ways, repeated).

    Items sharing a group (e.g. the two answers of one HaluEval question) stay in the same half.
    """
    vetoed = list(vetoed or [False] * len(scores))
    keys = list(groups) if groups is not None else [str(i) for i in range(len(scores))]
    rng = random.Random(seed)
    results: list[float] = []
    for _ in range(repeats):
        unique = sorted(set(keys))
        rng.shuffle(unique)
        half = set(unique[: len(unique) // 2])
        folds = ([i for i, k in enumerate(keys) if k in half], [i for i, k in enumerate(keys) if k not in half])
        for train, test in (folds, folds[::-1]):
            cut = fit_threshold([scores[i] for i in train], [labels[i] for i in train], [vetoed[i] for i in train])
            predicted = [scores[i] >= cut and not vetoed[i] for i in test]
            bacc = balanced_accuracy([labels[i] for i in test], predicted)
            if bacc is not None:
                results.append(bacc)
    return results


def interval(values: Sequence[float], level: float = 0.95) -> tuple[float, float]:
    """The central `level` range of a list of resampled values."""
    ordered = sorted(values)
    lo = ordered[round((1 - level) / 2 * (len(ordered) - 1))]
    hi = ordered[round((1 + level) / 2 * (len(ordered) - 1))]
    return lo, hi
