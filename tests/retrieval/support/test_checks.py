"""The targeted checks on their own: quantities, dates, proper nouns, negation, antonyms and hedging."""

from __future__ import annotations

from retrieval.support.categories import swapped, words
from retrieval.support.entities import absent, proper_nouns
from retrieval.support.polarity import antonym_flip, hedge_dropped, negation_flip
from retrieval.support.quantities import keys, unmatched


def test_quantities_normalise_scale_words_and_separators() -> None:
    assert keys("6.8 billion yuan") == keys("6,800 million yuan")
    assert keys("in 95 percent of cases") == {"95"}
    assert keys("twelve months") == keys("12 months")
    assert "id:950pr" in keys("Ascend 950PR chips")


def test_number_words_before_a_scale_are_one_value() -> None:
    """ "two million" is 2,000,000 (not 2), as "2 million" is; "a million" and "half a million" are values too."""
    assert keys("two million people") == keys("2 million people") == {"2e+06"}
    assert keys("a million Protestants") == keys("1 million Protestants")
    assert keys("half a billion dollars") == keys("500 million dollars")
    assert keys("twenty thousand troops") == keys("20,000 troops")
    assert [q.text for q in unmatched("three million users", keys("2 million users"))] == ["three million"]


def test_years_and_weekdays_are_dates() -> None:
    found = unmatched("It entered service in 2019 on a Thursday.", keys("released in 2021"))
    assert {q.kind for q in found} == {"date"}


def test_changed_number_is_unmatched_and_same_number_is_not() -> None:
    assert [q.text for q in unmatched("earmarked 68 billion yuan", keys("earmarked 6.8 billion yuan"))] == [
        "68 billion"
    ]
    assert unmatched("earmarked 6.8 billion yuan", keys("has earmarked 6.8 billion yuan to deploy")) == []


def test_news_spellings_of_ages_scales_and_measures_read_as_their_numbers() -> None:
    # HaluEval's faithful CNN/DailyMail summaries were vetoed for these: the article states each value.
    assert unmatched("Paul Fahey, a 43-year-old member of the club", keys("Paul Fahey, 43, allegedly beat")) == []
    assert unmatched("the boy, two years old, was found", keys("the two-year-old boy")) == []
    source = "40 million euros (around £29million/$43million)"
    assert unmatched("costing 40million euros (£29m/$43m)", keys(source)) == []
    assert unmatched("a $1.5bn round", keys("raised $1.5 billion")) == []
    assert unmatched("a stunning 40-yard free kick", keys("a free kick from 40 yards")) == []
    # A changed value still fails, and an age is not a length of time.
    assert [q.text for q in unmatched("a 45-year-old member", keys("Paul Fahey, 43, allegedly"))] == ["45"]
    assert [q.text for q in unmatched("costing £30m", keys("around £29million"))] == ["30m"]
    assert [q.text for q in unmatched("he got a 43-year sentence", keys("Fahey, 43-year-old"))] == ["43-year"]
    # Codes keep reading as identifiers.
    assert {"id:gpt-4", "id:h200", "id:k2.6"} <= keys("GPT-4, H200 and K2.6")


def test_proper_nouns_skip_plain_sentence_starts() -> None:
    assert proper_nouns("The Pentagon praised Anthropic.") == ["Pentagon", "Anthropic"]
    assert proper_nouns("Chinese labs learn from American models.") == ["American"]
    assert proper_nouns("Kari Skogland") == ["Kari", "Skogland"]
    # A question word before a name is not a name ("Whose CUDA ecosystem ...").
    assert proper_nouns("Whose CUDA ecosystem does the coordination mirror?") == ["CUDA"]
    # Nor is an adverb that opens a sentence before one.
    assert proper_nouns("Even Ander Herrera is guilty of playing long balls.") == ["Ander", "Herrera"]
    assert proper_nouns("Soon Anne started sending messages to Sandra.") == ["Anne", "Sandra"]


def test_absent_entities_tolerate_inflection() -> None:
    source = "russia's invasion of ukraine; the chinese labs"
    assert absent("Ukrainian and Russian officials met China's envoy.", source) == []
    assert absent("The film was directed by John Carpenter.", source) == ["John", "Carpenter"]


def test_negation_inserted_and_removed() -> None:
    source = "The paper is a pre-print and has not yet undergone peer review."
    assert negation_flip("The paper has undergone peer review.", source, [source])
    assert not negation_flip("The paper has not undergone peer review.", source, [source])
    plain = "Huawei's chips achieved day-zero compatibility with DeepSeek V4."
    assert negation_flip("Huawei's chips did not achieve compatibility with DeepSeek V4.", plain, [plain])


def test_a_word_negated_by_its_prefix_restates_its_negation() -> None:
    # Faithful HaluEval summaries the check flagged: "not happy" for "unhappy", "isn't experienced" for
    # "inexperienced", each source also using the bare word elsewhere.
    source = "His wife is mighty unhappy with the prenup. She was happy at first."
    assert not negation_flip("His spouse is said to be not happy with the prenup.", source, [source])
    source = "His son, an inexperienced sailor, had experienced calm seas."
    assert not negation_flip("His son isn't an experienced sailor.", source, [source])
    # "refusing" negates as "refused" does; "No 1" is a rank, not a negation.
    source = "He was banned for refusing induction into the US military to fight in Vietnam."
    assert not negation_flip("Ali became a hero after his refusal to fight in Vietnam.", source, [source])
    source = "The 19-year-old has the same mentality and wow factor as world No 1 Rory McIlroy."
    assert not negation_flip("The 19-year-old has the same wow factor as Rory McIlroy.", source, [source])
    # A negation the source states nowhere, by cue or by prefix, still flips.
    source = "His wife is happy with the prenup."
    assert negation_flip("His wife is not happy with the prenup.", source, [source])


def test_antonym_swap() -> None:
    source = "The Pentagon's criticism of Anthropic's restrictions on military access to models."
    assert antonym_flip("The Pentagon praised Anthropic's restrictions.", source, [source])
    assert not antonym_flip("The Pentagon criticised Anthropic's restrictions.", source, [source])


def test_hedge_dropped_only_without_a_hedge_in_the_claim() -> None:
    source = "Reports suggest autonomous drone swarms are operational, capable of target recognition."
    assert hedge_dropped("Autonomous drone swarms are operational.", source)
    assert not hedge_dropped("Autonomous drone swarms may be operational.", source)


def test_durations_compare_value_and_unit() -> None:
    source = "He fell to his death 35 years ago. The report is due on June 30. About 20 minutes later he signed."
    # 30 and 20 appear in the source, but not as lengths in years.
    assert [q.text for q in unmatched("He died 30 years ago.", keys(source))] == ["30 years"]
    assert [q.text for q in unmatched("He died 20 years ago.", keys(source))] == ["20 years"]
    assert unmatched("He died 35 years ago.", keys(source)) == []
    assert [q.text for q in unmatched("the one-month anniversary", keys("the one-year anniversary"))] == ["one-month"]
    assert keys("after twelve months") >= {"dur:m:12"} and "dur:m:12" in keys("a one-year term")
    # Two decades is 20 years; only the bare word "two" is missing from the source.
    assert [q.key for q in unmatched("It lasted two decades.", keys("It lasted 20 years."))] == ["2"]


def test_abbreviations_match_aliases_and_expansions_not_pronouns() -> None:
    source = "Activists in London were arrested. British soldiers were led by donkeys. Tell us more."
    lower = source.lower()
    assert absent("U.K. activists dumped paint.", lower, source) == []
    assert absent("U.S. activists dumped paint.", lower, source) == ["U.S"]
    fda = "The US Food and Drug Administration granted the designation."
    assert absent("The FDA granted it.", fda.lower(), fda) == []
    assert absent("The EMA granted it.", fda.lower(), fda) == ["EMA"]
    assert absent("U.S. regulators agreed.", fda.lower(), fda) == []
    assert absent("U.S. regulators agreed.", "an american regulator", "An American regulator") == []
    assert absent("The CEO resigned.", "the chief executive resigned", "The chief executive resigned") == []
    assert absent("The CEO resigned.", "the chief operating officer quit", "The chief operating officer quit") == [
        "CEO"
    ]


def test_closed_class_words_swapped_for_another_member() -> None:
    source = words("Activists dumped gallons of yellow and blue paint. The founder of Ozy Media was arrested.")
    assert swapped("They dumped yellow and white paint.", source) == ["white"]
    assert swapped("They dumped yellow and blue paint.", source) == []
    assert swapped("The co-founder of Ozy Media was arrested.", source) == ["co-founder"]
    # Synonyms share a group; a class the source never uses is not a swap.
    assert swapped("A homosexual meeting place.", words("known as a gay meeting place")) == []
    assert swapped("A lesbian meeting place.", words("known as a gay meeting place")) == ["lesbian"]
    assert swapped("He fell from a beach.", words("He fell from a Sydney clifftop.")) == ["beach"]
    assert swapped("He wore a red hat.", words("He wore a hat.")) == []
    # A role spelled out in the source is the same role.
    assert swapped("The CEO was arrested.", words("The chief executive and founder was arrested.")) == []
    assert swapped("The CEO was arrested.", words("The chief operating officer and founder was arrested.")) == ["ceo"]


def test_antonym_swapped_in_place_when_the_claim_keeps_the_other_word() -> None:
    source = (
        "The founder of the troubled start-up was arrested in a scheme to prop up the financially struggling company."
    )
    thriving = (
        "The founder of the troubled start-up was arrested in a scheme to prop up the financially thriving company."
    )
    assert antonym_flip(thriving, source, [source])
    assert not antonym_flip(source, source, [source])
    decline = "The company reported a fourth quarter decline in vaccine sales."
    assert antonym_flip("The company reported a fourth quarter increase in vaccine sales.", decline, [decline])
    # Words with a second everyday sense are not on the list: backing a plan is not moving backwards.
    forward = "The board voted to move forward with the merger."
    assert not antonym_flip("The board voted to back the merger.", forward, [forward])
    assert antonym_flip("The board voted to move backwards with the merger.", forward, [forward])
