"""Qualifiers: a rank, a frequency, a per-unit figure or a person the question asks of its answer."""

from __future__ import annotations

from retrieval.support.answerability import answers
from retrieval.support.qualifiers import unmet

PAYNE = (
    "Research by Kenneth Payne at King's College London finds that in 95 percent of simulated crisis wargames "
    "across 21 matchups between three frontier models, at least one side engaged in nuclear signalling."
)
ROBOTS = (
    "State Grid Corporation of China's 6.8 billion yuan commitment to deploy thousands of AI-powered robots "
    "across power grid infrastructure covers substation inspection and high-voltage line maintenance."
)


def test_a_rank_the_question_asks_must_be_stated() -> None:
    """holdout16 (read after its blind run): "ranks second" does not say which model ranks third."""
    question = "Which open-source model ranks third globally on Artificial Analysis?"
    second = "DeepSeek V4 Pro ranks second among open-source models globally, behind domestic rival Kimi K2.6."
    assert answers(question, second) == "no third rank"
    assert answers(question, "Qwen 3.5 ranks third among open-source models globally on Artificial Analysis.") is None
    # "3rd" is the same rank; the text just before the sentence may state it.
    assert unmet(question, "Qwen 3.5 is 3rd among open-source models.") is None
    assert unmet(question, "That model is Qwen 3.5.", before="The third-ranked open model globally is Chinese.") is None
    # "a second" and "per second" are time, not a rank.
    assert unmet("How many requests per second does the server take?", "It serves 40 requests per second.") is None


def test_most_often_asks_for_a_frequency() -> None:
    """holdout15 (read after its blind run): a sentence with no count or comparison says nothing of "most often"."""
    question = "Which side prevailed most often in Kenneth Payne's simulated crisis wargames?"
    assert answers(question, PAYNE) == "no frequency"
    assert unmet(question, "The escalating side prevailed more often than the side that backed down.") is None
    # "most commonly" is left alone: "defined using interactive proof systems" answers "most commonly defined by".
    assert unmet("IP and AM are most commonly defined by what type of proof system?", "IP is defined so.") is None


def test_each_asks_for_a_per_unit_figure() -> None:
    """holdout16 (read after its blind run): a total commitment does not say what each robot costs."""
    question = "How much does each of State Grid's AI-powered robots cost?"
    assert answers(question, ROBOTS) == "no per-unit figure"
    assert answers(question, "Each of State Grid's AI-powered robots costs 300,000 yuan.") is None
    assert unmet(question, "State Grid's AI-powered robots cost 300,000 yuan apiece.", numeric=True) is None
    # A question that asks no amount is not qualified by "each".
    assert unmet("What does each robot inspect?", ROBOTS, numeric=False) is None


def test_a_role_asks_for_a_person() -> None:
    """holdout16 (read after its blind run): a sentence naming only companies and models names no executive."""
    question = "Which Huawei executive presented the day-zero livestream for the Ascend 950PR chips?"
    companies = "Huawei announced day-zero adaptation of its Ascend 950PR chips to DeepSeek's V4 model in a livestream."
    assert answers(question, companies) == "no person's name"
    assert answers(question, "Huawei's Eric Xu presented the day-zero livestream for the Ascend 950PR chips.") is None
    # A regnal number completes a name; a capitalised word opening the sentence does not make one.
    assert unmet("Which author wrote the edict?", "The edict was written by Henry IV in 1598.") is None
    assert unmet("Which author wrote the edict?", "The Edict was written in 1598.") == "no person's name"


def test_how_many_wants_a_count_not_a_sum() -> None:
    """holdout16 (read after its blind run): "$40 billion" counts no powers; a number word with a scale is a count."""
    question = "How many emerging powers have followed Saudi Arabia with their own AI investments?"
    saudi = "Saudi Arabia announced a $40 billion investment in AI infrastructure, seeking strategic autonomy."
    assert answers(question, saudi) == "no quantity"
    assert answers(question, "Four emerging powers have followed Saudi Arabia with their own AI investments.") is None
    protestants = "Approximately one million Protestants in modern France represent some 2% of its population."
    assert answers("How many Protestants live in France today?", protestants) is None
    assert answers("How many dollars did Saudi Arabia invest?", saudi) is None
