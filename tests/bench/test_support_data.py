"""The support model's SummEdits sentence pairs (support-v4, session 29): which claims count as supported."""

from __future__ import annotations

from bench.support_data import summedits_claims


def test_a_consistent_summary_supports_every_claim() -> None:
    item = {
        "label": 1,
        "summary": "Revenue rose 8% in the quarter. The dividend went up to $0.13 per share.",
        "original_summary": "Revenue rose 8% in the quarter. The dividend went up to $0.13 per share.",
    }
    assert [label for _, label in summedits_claims(item)] == [1, 1]


def test_an_edited_summary_fails_only_the_claim_its_original_does_not_state() -> None:
    item = {
        "label": 0,
        "summary": "Revenue rose 8% in the quarter.  The dividend went up to $0.31 per share.",
        "original_summary": "Revenue rose 8% in the quarter. The dividend went up to $0.13 per share.",
    }
    assert summedits_claims(item) == [
        ("Revenue rose 8% in the quarter.", 1),
        ("The dividend went up to $0.31 per share.", 0),
    ]
