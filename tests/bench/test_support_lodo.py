"""The support model's leave-one-domain-out folds: what each fold trains on."""

from __future__ import annotations

from bench.support_lodo import fold_pairs


def _pairs() -> list[dict[str, object]]:
    """Two SummEdits domains' claim pairs, v2's own claim pairs and a question pair, as support_data writes them."""
    summedits = [{"task": "claim", "a": f"{d} {i}", "domain": d} for d in ("ectsum", "samsum") for i in range(3)]
    own = [{"task": "claim", "a": f"own {i}"} for i in range(10)]
    return [*summedits, *own, {"task": "question", "a": "q"}]


def test_a_fold_leaves_its_domain_out_and_replays_the_asked_number_of_own_pairs() -> None:
    rows = fold_pairs(_pairs(), "ectsum", 4, seed=13)
    assert sorted(r["a"] for r in rows if "domain" in r) == ["samsum 0", "samsum 1", "samsum 2"]
    replayed = [r for r in rows if "domain" not in r]
    assert len(replayed) == 4 and all(str(r["a"]).startswith("own") for r in replayed)
    assert fold_pairs(_pairs(), "ectsum", 4, seed=13) == rows  # the seed fixes the draw


def test_the_fold_of_all_domains_keeps_every_summedits_pair_and_never_a_question() -> None:
    rows = fold_pairs(_pairs(), None, 100, seed=13)
    assert sum("domain" in r for r in rows) == 6 and len(rows) == 16
    assert all(r["task"] == "claim" for r in rows)
