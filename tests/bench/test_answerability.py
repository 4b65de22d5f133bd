"""The answerability benchmark's scoring: a gold answer counts only as whole words of the answer."""

from __future__ import annotations

from bench.answerability import _fold, holds


def test_a_gold_answer_counts_as_whole_words_only() -> None:
    text = _fold("US is named most often: 32 times in the brief.")
    assert not holds(text, "ten")  # inside "often"
    assert holds(text, "32 times")
    assert holds(_fold("OPEC raised the posted price to $5.11 a barrel."), "$5.11")
    assert holds(_fold("It rose “ten times”."), "Ten times")


def test_a_longer_gold_answer_counts_where_the_brief_glued_words() -> None:
    text = _fold("The criticism underscores diverging prioritiessafety versus rapid deployment.")
    assert holds(text, "diverging priorities") and holds(text, "safety versus rapid deployment")


def test_the_label_audit_names_real_calibration_questions_read_by_hand() -> None:
    """Every audited question is one of the calibration article's unanswerable ones, with a note saying why."""
    from bench.answer_data import CALIBRATION
    from bench.answerability import AUDIT, MISLABELLED
    from bench.datasets import read_jsonl

    rows = read_jsonl(AUDIT)
    assert {r["article"] for r in rows} == {CALIBRATION} and all(r["note"] for r in rows)
    assert MISLABELLED == {r["id"] for r in rows if r["article_states_answer"]} and 0 < len(MISLABELLED) < len(rows)
