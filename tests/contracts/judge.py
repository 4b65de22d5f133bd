"""The Judge contract: one verdict per claim with exact quotes, faithful iff every claim is supported."""

from __future__ import annotations

from retrieval.support.judge import Judge

SOURCE = (
    "The Antofagasta plant processed 40,000 tonnes of lithium carbonate in 2025. "
    "The ministry expects output to double by 2027 once the second line opens. "
    "Brine is pumped from the Atacama salt flat."
)
SUPPORTED = "The Antofagasta plant processed 40,000 tonnes of lithium carbonate in 2025."
CONTRADICTED = "The Antofagasta plant processed 90,000 tonnes of lithium carbonate in 2025."


class JudgeContract:
    """Subclass it and provide a `subject` fixture: the judge under test."""

    def test_threshold_is_a_score(self, subject: Judge) -> None:
        assert 0.0 <= subject.threshold <= 1.0 and subject.name
        assert subject.fallback is not subject
        assert subject.fallback is None or 0.0 <= subject.fallback.threshold <= 1.0

    def test_verdict_has_one_exact_sentence_verdict_per_claim(self, subject: Judge) -> None:
        verdict = subject.judge(SOURCE, [SUPPORTED, CONTRADICTED])
        assert verdict.judge == subject.name and verdict.threshold == subject.threshold
        assert [s.text for s in verdict.sentences] == [SUPPORTED, CONTRADICTED]
        for s in verdict.sentences:
            assert 0.0 <= s.score <= 1.0 and SOURCE[s.start : s.end] == s.quote
            assert (s.reason is None) == s.supported
        assert verdict.score == min(s.score for s in verdict.sentences)

    def test_faithful_iff_every_claim_is_supported(self, subject: Judge) -> None:
        good, mixed = subject.judge(SOURCE, [SUPPORTED]), subject.judge(SOURCE, [SUPPORTED, CONTRADICTED])
        assert good.faithful and all(s.supported for s in good.sentences)
        assert not mixed.faithful and mixed.faithful == all(s.supported for s in mixed.sentences)

    def test_a_contradicted_number_is_flagged(self, subject: Judge) -> None:
        (sentence,) = subject.judge(SOURCE, CONTRADICTED).sentences
        assert not sentence.supported and sentence.reason == "number mismatch" and "90,000" in sentence.detail

    def test_no_claims_is_faithful(self, subject: Judge) -> None:
        verdict = subject.judge(SOURCE, "")
        assert verdict.faithful and verdict.score == 1.0 and not verdict.sentences

    def test_deterministic(self, subject: Judge) -> None:
        text = f"{SUPPORTED} {CONTRADICTED}"
        assert subject.judge(SOURCE, text, "How much lithium?") == subject.judge(SOURCE, text, "How much lithium?")
