"""The targeted checks on their own: quantities, dates, proper nouns, negation, antonyms and hedging."""

from __future__ import annotations

from eval.entities import absent, proper_nouns
from eval.polarity import antonym_flip, hedge_dropped, negation_flip
from eval.quantities import keys, unmatched


def test_quantities_normalise_scale_words_and_separators() -> None:
    assert keys("6.8 billion yuan") == keys("6,800 million yuan")
    assert keys("in 95 percent of cases") == {"95"}
    assert keys("twelve months") == keys("12 months")
    assert "id:950pr" in keys("Ascend 950PR chips")


def test_years_and_weekdays_are_dates() -> None:
    found = unmatched("It entered service in 2019 on a Thursday.", keys("released in 2021"))
    assert {q.kind for q in found} == {"date"}


def test_changed_number_is_unmatched_and_same_number_is_not() -> None:
    assert [q.text for q in unmatched("earmarked 68 billion yuan", keys("earmarked 6.8 billion yuan"))] == [
        "68 billion"
    ]
    assert unmatched("earmarked 6.8 billion yuan", keys("has earmarked 6.8 billion yuan to deploy")) == []


def test_proper_nouns_skip_plain_sentence_starts() -> None:
    assert proper_nouns("The Pentagon praised Anthropic.") == ["Pentagon", "Anthropic"]
    assert proper_nouns("Chinese labs learn from American models.") == ["American"]
    assert proper_nouns("Kari Skogland") == ["Kari", "Skogland"]


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


def test_antonym_swap() -> None:
    source = "The Pentagon's criticism of Anthropic's restrictions on military access to models."
    assert antonym_flip("The Pentagon praised Anthropic's restrictions.", source, [source])
    assert not antonym_flip("The Pentagon criticised Anthropic's restrictions.", source, [source])


def test_hedge_dropped_only_without_a_hedge_in_the_claim() -> None:
    source = "Reports suggest autonomous drone swarms are operational, capable of target recognition."
    assert hedge_dropped("Autonomous drone swarms are operational.", source)
    assert not hedge_dropped("Autonomous drone swarms may be operational.", source)
