"""Follow-up questions are condensed into standalone queries that retrieve the right passages."""

from __future__ import annotations

from retrieval.search.conversation import Conversation, condense, is_follow_up
from retrieval.service import BriefLens


def test_follow_up_detection() -> None:
    assert is_follow_up("And what about Moonshot?")
    assert is_follow_up("What is it deploying?")
    assert not is_follow_up("Which Huawei chips achieved day-zero compatibility with DeepSeek V4?")


def test_condense_carries_entities_forward() -> None:
    query = condense("How much did State Grid commit to robots?", "What is it deploying?")
    assert "state" in query and "grid" in query and query.startswith("What is it deploying?")
    assert condense(None, "Standalone question here?") == "Standalone question here?"
    assert (
        condense("Anything before", "Who warned about distillation campaigns?")
        == "Who warned about distillation campaigns?"
    )


def test_conversation_history_is_bounded() -> None:
    conversation = Conversation(max_turns=3)
    for i in range(5):
        conversation.standalone(f"Question number {i} about chips?")
    assert len(conversation.turns) == 3


def test_follow_up_retrieves_moonshot_passages(lens: BriefLens) -> None:
    conversation = Conversation()
    # Worded as the brief words it: the answer model does not read a relation's converse ("ranks ahead of" for
    # "ranks second, behind"), and the follow-up carries the first question's words over
    # (tests/retrieval/support/test_tuned.py keeps that limit in view).
    first = conversation.standalone("Which open-source model outperforms DeepSeek V4 Pro?")
    assert "Kimi K2.6" in lens.ask(first).answer
    follow = conversation.standalone("And what about Moonshot?")
    hits = lens.search(follow, 5)
    assert any("Moonshot" in h.chunk.text for h in hits[:2])
    assert not lens.ask(follow).abstained
