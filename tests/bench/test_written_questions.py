"""Written questions name their sentence by index in the project's own split of the passage."""

from bench.written_questions import locate, resolve

PASSAGE = [
    "Mazda, Mitsubishi and Isuzu had joint partnerships with Ford, Chrysler, and GM, respectively.",
    "Compact trucks were introduced, such as the Toyota Hilux and the Datsun Truck.",
    "The only full-size models that did not recover were lower price models.",
]


def test_a_sentence_copied_with_other_spacing_is_found() -> None:
    """Whitespace differs, words do not: the same sentence."""
    assert locate("Compact trucks were  introduced,\nsuch as the Toyota Hilux and the Datsun Truck.", PASSAGE) == 1


def test_a_sentence_the_writer_cut_or_joined_is_the_one_holding_most_of_its_words() -> None:
    """A writer may copy part of a sentence, or two of them run together."""
    assert locate("The only full-size models that did not recover", PASSAGE) == 2
    assert locate(PASSAGE[0] + " " + PASSAGE[1][:20], PASSAGE) == 0


def test_a_sentence_the_passage_does_not_hold_is_not_placed() -> None:
    """Invented text is dropped rather than paired with a sentence it is not."""
    assert locate("Toyota ended production of its full-size luxury sedans in 1981.", PASSAGE) is None


def test_appending_keeps_earlier_rows_and_skips_repeats_and_unplaced_questions() -> None:
    """Rows a shipped model was trained on stay as they were; a repeated or unplaceable question is not added."""
    rows = [{"doc": "p", "sentence": 1, "question": "Which trucks were introduced?", "answerable": True, "edit": None}]
    before = list(rows)
    first, third = PASSAGE[0], PASSAGE[2]
    items = [
        {"doc": "p", "question": "which trucks were  introduced?", "answerable": True, "sentence": PASSAGE[1]},
        {"doc": "p", "question": "Who partnered with Ford?", "answerable": True, "answer": "Mazda", "sentence": first},
        {"doc": "p", "question": "Who partnered with Fiat?", "answerable": False, "edit": "entity", "sentence": first},
        {
            "doc": "p",
            "question": "Whose partner was Ford?",
            "answerable": True,
            "answer": "Mazda",
            "edit": "converse",
            "sentence": first,
        },
        {"doc": "p", "question": "Which models sold best?", "answerable": True, "answer": "Hilux", "sentence": third},
        {"doc": "q", "question": "What recovered?", "answerable": True, "answer": "x", "sentence": third},
    ]
    dropped = resolve(items, {"p": PASSAGE}, rows)
    assert rows[:1] == before
    assert [(r["question"], r["sentence"], r["edit"]) for r in rows[1:]] == [
        ("Who partnered with Ford?", 0, None),
        ("Who partnered with Fiat?", 0, "entity"),
        ("Whose partner was Ford?", 0, "converse"),
    ]
    assert dropped == {"repeated": 1, "sentence not found": 1, "not a training passage": 1}
