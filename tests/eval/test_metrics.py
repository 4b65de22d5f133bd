"""Metrics and calibration on hand-computed examples."""

from __future__ import annotations

import pytest

from eval.calibrate import cross_fit, fit_threshold, interval
from eval.metrics import (
    balanced_accuracy,
    classification,
    confusion,
    keyword_recall,
    latency,
    precision_recall_unfaithful,
    recall_at_k,
    roc_auc,
)

LABELS = [True, True, True, False, False]
PREDICTED = [True, True, False, False, True]


def test_confusion_and_balanced_accuracy() -> None:
    assert confusion(LABELS, PREDICTED).model_dump() == {"tp": 2, "fn": 1, "fp": 1, "tn": 1}
    assert balanced_accuracy(LABELS, PREDICTED) == pytest.approx((2 / 3 + 1 / 2) / 2)
    assert balanced_accuracy([True, True], [True, False]) is None


def test_unfaithful_precision_and_recall() -> None:
    assert precision_recall_unfaithful(LABELS, PREDICTED) == (0.5, 0.5)


def test_roc_auc_counts_ties_half() -> None:
    assert roc_auc([True, False], [0.9, 0.1]) == 1.0
    assert roc_auc([True, False], [0.5, 0.5]) == 0.5
    assert roc_auc([True, True, False], [0.2, 0.8, 0.5]) == 0.5
    assert roc_auc([True], [0.3]) is None


def test_classification_has_the_contract_keys() -> None:
    result = classification(LABELS, [0.9, 0.8, 0.4, 0.1, 0.7], PREDICTED)
    assert {"balanced_accuracy", "precision_unfaithful", "recall_unfaithful", "roc_auc", "confusion_matrix"} <= set(
        result
    )


def test_answer_and_retrieval_measures() -> None:
    assert keyword_recall(["6.8 billion  yuan", "robots"], "It earmarked 6.8 billion yuan.") == 0.5
    assert keyword_recall([], "anything") is None
    assert recall_at_k(["a", "b"], [True, False]) == 0.5
    assert latency([0.1, 0.3, 0.2])["median_s"] == 0.2


def test_threshold_fit_and_cross_fitting() -> None:
    scores = [0.9, 0.8, 0.7, 0.3, 0.2, 0.1] * 4
    labels = [True, True, True, False, False, False] * 4
    cut = fit_threshold(scores, labels)
    assert 0.3 < cut <= 0.7
    folds = cross_fit(scores, labels, repeats=3)
    assert len(folds) == 6 and all(b == 1.0 for b in folds)
    assert interval([0.1, 0.5, 0.9]) == (0.1, 0.9)
    assert fit_threshold([0.9, 0.8], [True, False], vetoed=[False, True]) <= 0.8
