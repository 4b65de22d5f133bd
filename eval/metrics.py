"""Metrics: classification quality of a judge, and retrieval/answer quality of the question harness."""

from __future__ import annotations

import statistics
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict


class Confusion(BaseModel):
    """Counts with faithful as positive: tp kept, tn caught, fp unfaithful passed, fn false alarm."""

    model_config = ConfigDict(frozen=True)

    tp: int
    fn: int
    fp: int
    tn: int


class MetricResult(BaseModel):
    """A named metric value with the number of items it averages over."""

    model_config = ConfigDict(frozen=True)

    name: str
    value: float | None
    n: int


def confusion(labels: Sequence[bool], predicted: Sequence[bool]) -> Confusion:
    """The confusion matrix of faithful (True) vs unfaithful (False) verdicts."""
    pairs = list(zip(labels, predicted, strict=True))
    return Confusion(
        tp=sum(y and p for y, p in pairs),
        fn=sum(y and not p for y, p in pairs),
        fp=sum(not y and p for y, p in pairs),
        tn=sum(not y and not p for y, p in pairs),
    )


def balanced_accuracy(labels: Sequence[bool], predicted: Sequence[bool]) -> float | None:
    """Mean of the recall on faithful and on unfaithful items; None unless both classes occur."""
    c = confusion(labels, predicted)
    if not (c.tp + c.fn) or not (c.tn + c.fp):
        return None
    return (c.tp / (c.tp + c.fn) + c.tn / (c.tn + c.fp)) / 2


def precision_recall_unfaithful(labels: Sequence[bool], predicted: Sequence[bool]) -> tuple[float | None, float | None]:
    """Precision and recall of the unfaithful class (the one a judge exists to catch)."""
    c = confusion(labels, predicted)
    precision = c.tn / (c.tn + c.fn) if c.tn + c.fn else None
    recall = c.tn / (c.tn + c.fp) if c.tn + c.fp else None
    return precision, recall


def roc_auc(labels: Sequence[bool], scores: Sequence[float]) -> float | None:
    """Probability that a faithful item scores above an unfaithful one (ties count half)."""
    pos = sorted(s for s, y in zip(scores, labels, strict=True) if y)
    neg = sorted(s for s, y in zip(scores, labels, strict=True) if not y)
    if not pos or not neg:
        return None
    wins = 0.0
    for s in pos:
        wins += _count_below(neg, s) + 0.5 * (_count_below(neg, s, inclusive=True) - _count_below(neg, s))
    return wins / (len(pos) * len(neg))


def _count_below(values: Sequence[float], x: float, inclusive: bool = False) -> int:
    """How many sorted values are below x (or at most x)."""
    import bisect

    return bisect.bisect_right(values, x) if inclusive else bisect.bisect_left(values, x)


def classification(labels: Sequence[bool], scores: Sequence[float], predicted: Sequence[bool]) -> dict[str, object]:
    """The judge metrics of the JSON contract: balanced accuracy, unfaithful precision/recall, ROC-AUC, confusion."""
    precision, recall = precision_recall_unfaithful(labels, predicted)
    return {
        "balanced_accuracy": _round(balanced_accuracy(labels, predicted)),
        "precision_unfaithful": _round(precision),
        "recall_unfaithful": _round(recall),
        "roc_auc": _round(roc_auc(labels, scores)),
        "confusion_matrix": confusion(labels, predicted).model_dump(),
        "n": len(labels),
    }


def recall_at_k(expected: Sequence[str], found: Sequence[bool]) -> float | None:
    """Share of expected evidence found in the top k results; None when nothing was expected."""
    return sum(found) / len(expected) if expected else None


def keyword_recall(keywords: Sequence[str], answer: str) -> float | None:
    """Share of the expected keywords the answer contains (case- and space-insensitive)."""
    if not keywords:
        return None
    text = " ".join(answer.lower().split())
    return sum(" ".join(k.lower().split()) in text for k in keywords) / len(keywords)


def mean(values: Sequence[float | None]) -> float | None:
    """Mean of the values that are defined; None when none is."""
    defined = [v for v in values if v is not None]
    return _round(statistics.fmean(defined)) if defined else None


def latency(seconds: Sequence[float]) -> dict[str, float | None]:
    """Median, 90th percentile and maximum of per-item seconds."""
    if not seconds:
        return {"median_s": None, "p90_s": None, "max_s": None}
    ordered = sorted(seconds)
    p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
    return {"median_s": _round(statistics.median(ordered)), "p90_s": _round(p90), "max_s": _round(ordered[-1])}


def _round(value: float | None) -> float | None:
    """Four decimals, keeping None."""
    return None if value is None else round(value, 4)
