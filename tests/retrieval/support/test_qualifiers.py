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
    # holdout22 (read): analysts are people too; "Analysts cited by …" names none of them.
    cited = "Analysts cited by South China Morning Post suggest the practical effect could be a shakeout."
    assert answers("Which analysts did the South China Morning Post cite on the shakeout?", cited) == "no name"


def test_how_many_wants_a_count_not_a_sum() -> None:
    """holdout16 (read after its blind run): "$40 billion" counts no powers; a number word with a scale is a count."""
    question = "How many emerging powers have followed Saudi Arabia with their own AI investments?"
    saudi = "Saudi Arabia announced a $40 billion investment in AI infrastructure, seeking strategic autonomy."
    assert answers(question, saudi) == "no quantity"
    assert answers(question, "Four emerging powers have followed Saudi Arabia with their own AI investments.") is None
    protestants = "Approximately one million Protestants in modern France represent some 2% of its population."
    assert answers("How many Protestants live in France today?", protestants) is None
    assert answers("How many dollars did Saudi Arabia invest?", saudi) is None


def test_an_ordinal_after_the_listed_items_counts_them() -> None:
    """holdout26 (read): "Alongside A and B, what third focus …?" asks for the list's next item, not a rank."""
    sentence = "China's approach is focused on model distillation, hardware sovereignty and autonomous decisions."
    question = "Alongside model distillation and hardware sovereignty, what third focus does China have?"
    assert unmet(question, sentence) is None
    assert unmet("Which third focus does China's approach rank highest?", sentence) == "no third rank"


def test_where_does_it_rank_asks_for_a_position() -> None:
    """holdout17 (read after its blind run): a sentence naming Qwen with no position does not say where it ranks."""
    question = "Where does Alibaba's Qwen rank on the Artificial Analysis open-source leaderboard?"
    expanding = "Alibaba's Qwen is expanding through enterprise partnerships like China Eastern Airlines."
    assert unmet(question, expanding) == "no rank"
    assert unmet(question, "Alibaba's Qwen ranks fourth on the Artificial Analysis open-source leaderboard.") is None
    assert unmet(question, "Alibaba's Qwen trails Kimi K2.6 on the Artificial Analysis leaderboard.") is None
    # "take place" is no rank.
    assert unmet("Where did these uprisings take place?", "The rebellions broke out in southwestern France.") is None


def test_most_as_an_adverb_asks_for_a_comparison() -> None:
    """holdout17 (read after its blind run): "rely on most" is not met by a sentence that only names the class."""
    question = "Which specific GPT-4 class model did smaller Chinese labs rely on most for distillation?"
    labs = "Smaller labs that relied on distillation from GPT-4 class models lose their arbitrage advantage."
    assert unmet(question, labs) == "no frequency"
    # "suggest" ends as a superlative does and is none.
    assert unmet(question, f"Analysts suggest that {labs[0].lower()}{labs[1:]}") == "no frequency"
    assert unmet(question, "Smaller labs relied mainly on GPT-4 Turbo for distillation.") is None
    # "most of" and "most" before a noun are quantifiers, not the question's qualifier.
    assert unmet("Which labs did most of the distillation?", labs) is None
    assert unmet("Which labs used most models?", labs) is None


def test_an_outsider_is_no_rank_and_a_role_is_the_asked_noun() -> None:
    """ "third-country labs" asks no rank; "What tactic did researchers employ?" asks for a tactic, not a person."""
    labs = "DeepSeek's open-weight models are now themselves a distillation source for other labs."
    assert unmet("Which third-country labs use DeepSeek's open-weight models?", labs) is None
    tactic = "Before the research started, numerous foundations were laid out by various researchers."
    assert unmet("What tactic did researchers employ to offset the deficit?", tactic) is None


def test_which_version_asks_for_an_identifier() -> None:
    """holdout18 (read after its blind run): "similar to Anthropic's Claude" names no version of it."""
    question = "Which version of Anthropic's Claude did DeepSeek, MiniMax and Moonshot distill?"
    claude = "Chinese AI firms have distilled large-scale language models similar to Anthropic's Claude."
    assert answers(question, claude) == "no version"
    assert answers(question, "DeepSeek, MiniMax and Moonshot distilled Anthropic's Claude 3.5 Sonnet.") is None
    # An identifier the question already gives is no answer.
    assert unmet("Which release followed DeepSeek V4?", "DeepSeek V4 was followed by a larger model.") == "no version"


def test_an_excluded_item_alone_names_no_other() -> None:
    """holdout16 and holdout28 (read): "Besides Huawei, which chipmakers …?" is not answered by a sentence about
    Huawei alone; a sentence listing the excluded item with others may answer, and "beyond" extends, not excludes."""
    question = "Besides Huawei, which Chinese chipmakers announced support for DeepSeek V4?"
    huawei = "Huawei announced day-zero adaptation of its Ascend 950PR and 950DT chips to DeepSeek's V4 model."
    assert answers(question, huawei) == "nothing besides Huawei"
    firms = "Chinese AI firms—DeepSeek, MiniMax, and Moonshot—have achieved notable breakthroughs."
    assert unmet("Besides DeepSeek and Moonshot, which Chinese AI firm distilled Claude?", firms) is None
    allies = "Supporting regional militaries and allies: access to accessible AI models."
    assert unmet("Besides allies, whom do accessible distilled AI models support?", allies) is None
    chips = "The administration is prepared to extend export control logic beyond chips to model weights."
    assert unmet("Beyond chips, to what is the administration prepared to extend export control logic?", chips) is None
    # An excluded item the sentence does not state word for word is not read.
    assert unmet("Besides local deployment in China, with whom can the variants be shared?", allies) is None


def test_a_restated_kind_names_none_of_it() -> None:
    """holdout8, 9 and 13 (read): "Which three frontier models …?" is not answered by a sentence that only
    restates "three frontier models"; a name just before the kind or a list after it may answer."""
    wargames = "The study ran 21 matchups between three frontier models, at least one side signalling."
    question = "Which three frontier models took part in the wargames?"
    assert answers(question, wargames) == "names no three frontier models"
    # A word narrowing the kind may be the answer ("the escalating side", "nuclear-adjacent decision systems").
    assert unmet("Which conflict zones did the report cover?", "It covered active conflict zones.") is None
    systems = "Targeting recommendation and crisis communication systems are confirmed in development."
    assert unmet("Which Russian crisis communication systems are in development?", systems) == (
        "names no crisis communication systems"
    )
    # The kind with its members after it, or a name just before it, answers.
    listed = "The three frontier models — GPT-5, Claude and Gemini — took part in the wargames."
    assert unmet(question, listed) is None
    assert unmet("Which Chinese company announced chips?", "The Chinese company Huawei announced chips.") is None
    assert unmet("Which Chinese company announced chips?", "Huawei, the Chinese company, announced chips.") is None
    chips = "Huawei's Ascend 950PR and 950DT chips achieved day-zero compatibility."
    assert unmet("Which chips achieved day-zero compatibility?", chips) is None
    # One repeated word is no restated kind, and "what" questions are not read.
    assert unmet("Which models took part in the wargames?", wargames) is None
    assert unmet("What frontier models took part in the wargames?", wargames) is None


def test_how_did_they_respond_asks_for_a_response() -> None:
    """holdout6, 19 and 30 (read): "How did X react to Y?" is not answered by a sentence stating Y alone."""
    question = "How did Moonshot AI react to Kimi K2.6 outranking DeepSeek V4 Pro?"
    ranking = "The emergence of Moonshot AI's Kimi K2.6 outperforming DeepSeek V4 Pro signals a wider frontier."
    assert answers(question, ranking) == "no response"
    assert unmet(question, "Moonshot AI responded by cutting the price of Kimi K2.6.") is None
    # A response may be an act: SQuAD's "How did the new king react to the Huguenots?" (training side).
    king = "Louis XIV gained the throne in 1643 and acted increasingly aggressively to force the Huguenots to convert."
    assert unmet("How did the new king react to the Huguenots?", king) is None


def test_which_other_like_sets_the_named_item_aside() -> None:
    """holdout30 (read after its blind run): "Which other … similar to State Grid's?" asks for others than State
    Grid; without "other" the item is what the answer resembles, not one it excludes."""
    grid = "State Grid Corporation of China's commitment to deploy thousands of AI-powered robots is a shift."
    question = "Which other Chinese state-owned enterprises plan robot deployments similar to State Grid's?"
    assert answers(question, grid) == "nothing besides State Grid"
    firms = "Chinese AI firms DeepSeek, MiniMax, and Moonshot have distilled models similar to Anthropic's Claude."
    assert unmet("Which Chinese AI firms distilled models similar to Anthropic's Claude?", firms) is None
    # A kind that ends in a function word ("part of a") is none.
    assert unmet("Which part of a crackdown faces challenges?", "Enforcement of a crackdown faces challenges.") is None


def test_how_does_it_compare_asks_for_a_comparison() -> None:
    """holdout6 and holdout20 (read): "How does X compare with Y?" is not answered by a sentence naming both with
    no comparative word; one that compares ("faster than", "outperforming", "behind") may answer."""
    question = "How does the Ascend 950DT's inference throughput compare with Nvidia's H100?"
    milestone = "Huawei's Ascend 950DT chips reduce China's dependence on Nvidia's H100 at the inference layer."
    assert answers(question, milestone) == "no comparison"
    assert unmet(question, "The Ascend 950DT delivers 60% of the H100's inference throughput.") is None
    assert unmet(question, "The Ascend 950DT's throughput is higher than the H100's.") is None
    ranks = "DeepSeek V4 Pro ranks second among open-source models, behind Kimi K2.6."
    assert unmet("How does DeepSeek V4 Pro compare with Kimi K2.6?", ranks) is None


def test_a_clause_after_the_excluded_item_is_no_list() -> None:
    """holdout31 (read after its blind run): "covered by War on the Rocks, finds that …" states the excluded
    outlet alone; a comma lists it only when another item follows."""
    payne = "Research by Kenneth Payne, covered by War on the Rocks, finds that one side engaged in signalling."
    question = "Apart from War on the Rocks, which publications covered Kenneth Payne's wargaming study?"
    assert unmet(question, payne) == "nothing besides War on the Rocks"
    listed = "The study was covered by War on the Rocks, Lawfare and the Financial Times."
    assert unmet(question, listed) is None
    assert unmet("Besides chips, what does the rule cover?", "The rule covers chips, model weights and data.") is None
    # A conjunction a few words before the item lists it too (holdout10, read).
    kimi = "They place V4 Pro behind both US frontier closed models and domestic rival Kimi K2.6, indicating a gap."
    assert unmet("Besides Kimi K2.6, which models does DeepSeek V4 Pro trail?", kimi) is None
