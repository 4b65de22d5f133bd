"""The answerability benchmark's scoring: a gold answer counts only as whole words of the answer."""

from __future__ import annotations

import pytest

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


def test_the_label_audit_reads_only_calibration_and_training_articles() -> None:
    """The audit never read a held-out article; each verdict has a note and says who read it."""
    from bench.answer_data import CALIBRATION, training_articles
    from bench.datasets import read_jsonl
    from bench.label_audit import AUDIT, MISLABELLED
    from bench.support_data import SQUAD_VALIDATION

    rows = read_jsonl(AUDIT)
    articles = {r["article"] for r in rows}
    assert CALIBRATION in articles and not articles & set(SQUAD_VALIDATION)
    assert articles - {CALIBRATION} == training_articles(articles)
    assert all(r["note"] and r["reader"] in ("hand", "helper") for r in rows)
    assert {r["id"] for r in rows if r["answered_as_asked"]} == MISLABELLED and 0 < len(MISLABELLED) < len(rows)


def test_audited_counts_only_the_audited_questions_as_answerable() -> None:
    """--audited turns exactly the audited "unanswerable" questions answerable; a held-out article is unchanged."""
    from bench.answer_data import CALIBRATION
    from bench.answerability import squad_items
    from bench.label_audit import MISLABELLED
    from bench.support_data import SQUAD_VALIDATION

    given = squad_items([CALIBRATION, *SQUAD_VALIDATION], None)
    if not given:
        pytest.skip("../shared is absent")
    audited = squad_items([CALIBRATION, *SQUAD_VALIDATION], None, audited=True)
    flipped = {a["id"] for g, a in zip(given, audited, strict=True) if g["answerable"] != a["answerable"]}
    calibration = {g["id"] for g in squad_items([CALIBRATION], None)}
    assert flipped == MISLABELLED & calibration and len(flipped) == 26
    assert all(a["answerable"] and not a["answers"] for a in audited if a["id"] in flipped)
