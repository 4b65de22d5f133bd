"""Every judge states how far to trust it: validated numbers for the offline judges, a warning otherwise."""

from __future__ import annotations

from retrieval.support.judges import JUDGES
from retrieval.support.validation import VALIDATED, statement


def test_every_registered_judge_has_a_statement() -> None:
    """Reports print one line per judge: each registry name gets one that names the judge."""
    for name in JUDGES:
        assert f"({name})" in statement(name)


def test_offline_judges_state_their_numbers_and_where_they_come_from() -> None:
    """The rules and the support judge carry balanced accuracies in [0, 1], each with its data set."""
    for name in ("offline", "rules", "support", "tuned"):
        line = statement(name)
        assert "balanced accuracy" in line
        for v in VALIDATED[name]:
            assert 0.0 < v.value < 1.0 and v.data
            assert f"{v.value:.2f}" in line


def test_a_model_judge_is_marked_unvalidated() -> None:
    """The LLM judge depends on the endpoint's model: the line says so instead of a number."""
    assert "not validated" in statement("llm")
