"""The LLM judge against a real OpenAI-protocol HTTP stub, and once through the real local llama.cpp server."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from app.eval_cli import check_command
from eval.datasets import SummaryCase
from eval.harness import evaluate_summaries
from eval.report import render_html
from retrieval.errors import GenerationError
from retrieval.generation.local import LocalServer, free_port
from retrieval.index.embedding import SentenceTransformerEmbedder
from retrieval.settings import Settings
from retrieval.support.judges import make_judge
from retrieval.support.llm_judge import LLMJudge, logprob_score, make_llm_judge, parse_verdict
from tests.llm_fixtures import needs_local
from tests.retrieval.openai_stub import Script, serve

CORPUS = Path(__file__).resolve().parents[3] / "corpus"
GEO = (CORPUS / "000_e770148319605323.txt").read_text(encoding="utf-8")
GOOD = "State Grid has earmarked 6.8 billion yuan for AI-powered robots in power infrastructure."
WRONG_NUMBER = GOOD.replace("6.8", "68")


def judge_at(embedder: SentenceTransformerEmbedder, url: str, **settings: object) -> LLMJudge:
    """An LLM judge on `url` with no retries (the stub answers at once)."""
    values: dict[str, object] = {"llm_retries": 0, "llm_timeout": 5, **settings}
    return make_llm_judge(Settings(_env_file=None, **values), embedder, base_url=url)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ("SUPPORTED", True),
        (" supported.", True),
        ("**UNSUPPORTED**", False),
        ("Verdict: Not supported", False),
        ("The claim is UNSUPPORTED by the source", False),
        ("yes", True),
        ("The court ruled", None),
        ("", None),
    ],
)
def test_parse_verdict(reply: str, expected: bool | None) -> None:
    assert parse_verdict(reply) is expected


def test_logprob_score_reads_the_verdict_token() -> None:
    tokens = [("SUP", [("SUP", math.log(0.6)), ("UN", math.log(0.2)), ("The", math.log(0.2))]), ("PORTED", [])]
    assert logprob_score(tokens) == pytest.approx(0.75)
    # The verdict starts at the second token: its alternatives count, not the preamble's.
    late = [("**", [("**", math.log(0.9))]), ("Unsupported", [("Unsupported", math.log(0.7)), ("Supp", -3.0)])]
    assert logprob_score(late) == pytest.approx(math.exp(-3.0) / (math.exp(-3.0) + 0.7))
    # A side missing from the top alternatives gets the least listed probability, not zero.
    one_sided = [("The", [("The", math.log(0.5)), ("S", math.log(0.3)), ("A", math.log(0.1))])]
    assert logprob_score(one_sided) == pytest.approx(0.3 / 0.4)
    assert logprob_score([("The", [("The", -0.1), ("A", -3.0)])]) is None
    assert logprob_score([]) is None


def test_verdict_quote_and_request(embedder: SentenceTransformerEmbedder) -> None:
    script = Script([("ok", "SUPPORTED")])
    with serve(script) as url:
        verdict = judge_at(embedder, url, judge_llm_logprobs=False).judge(GEO, GOOD)
    (s,) = verdict.sentences
    assert verdict.judge == "llm" and verdict.faithful and s.supported and s.score == 1.0 and s.reason is None
    assert GEO[s.start : s.end] == s.quote and "6.8 billion yuan" in s.quote
    body = script.requests[0]
    assert body["temperature"] == 0.0 and "logprobs" not in body
    sent = body["messages"][1]["content"]
    # The model sees the top-aligned sentences within the budget, never the whole brief.
    assert s.quote in sent and len(sent) < 2000 + 200 < len(GEO)


def test_unsupported_and_unknown_replies(embedder: SentenceTransformerEmbedder) -> None:
    with serve(Script([("ok", "UNSUPPORTED"), ("ok", "I think the court ruled")])) as url:
        judge = judge_at(embedder, url, judge_llm_logprobs=False)
        no = judge.judge(GEO, GOOD).sentences[0]
        unknown = judge.judge(GEO, GOOD).sentences[0]
    assert not no.supported and no.score == 0.0 and no.reason == "no support"
    # "Unknown" is never counted as faithful.
    assert not unknown.supported and unknown.score == 0.0 and "no verdict" in unknown.detail


def test_logprobs_give_the_score(embedder: SentenceTransformerEmbedder) -> None:
    tokens = [("UN", [("UN", math.log(0.3)), ("SUP", math.log(0.6)), ("The", math.log(0.1))]), ("SUPPORTED", [])]
    script = Script([("ok", "UNSUPPORTED")], logprobs=tokens)
    with serve(script) as url:
        s = judge_at(embedder, url).judge(GEO, GOOD).sentences[0]
    assert script.requests[0]["logprobs"] is True
    assert s.score == pytest.approx(round(0.6 / 0.9, 4)) and s.supported  # the score decides, at threshold 0.5
    with serve(Script([("ok", "UNSUPPORTED")], logprobs=tokens)) as url:
        strict = judge_at(embedder, url, judge_llm_threshold=0.7).judge(GEO, GOOD).sentences[0]
    assert not strict.supported and strict.reason == "no support"


def test_server_without_logprobs_is_asked_again(embedder: SentenceTransformerEmbedder) -> None:
    script = Script([("no-logprobs", "SUPPORTED")])
    with serve(script) as url:
        s = judge_at(embedder, url).judge(GEO, GOOD).sentences[0]
    assert script.calls == 2 and "logprobs" not in script.requests[1]
    assert s.supported and s.score == 1.0


def test_targeted_checks_veto_the_model(embedder: SentenceTransformerEmbedder) -> None:
    script = Script([("ok", "SUPPORTED")])
    with serve(script) as url:
        verdict = judge_at(embedder, url, judge_llm_logprobs=False).judge(GEO, [GOOD, WRONG_NUMBER])
    good, wrong = verdict.sentences
    assert good.supported and not verdict.faithful
    assert not wrong.supported and wrong.reason == "number mismatch" and wrong.score <= 0.3
    assert script.calls == 1  # the vetoed claim is never sent to the model
    assert GEO[wrong.start : wrong.end] == wrong.quote


def test_endpoint_down_raises_and_harness_falls_back(embedder: SentenceTransformerEmbedder) -> None:
    judge = judge_at(embedder, f"http://127.0.0.1:{free_port()}/v1")
    with pytest.raises(GenerationError, match="cannot reach the model endpoint"):
        judge.judge(GEO, GOOD)
    cases = [
        SummaryCase(id="a", summary=GOOD, source=GEO, label=True),
        SummaryCase(id="b", summary=WRONG_NUMBER, source=GEO, label=False),
    ]
    report = evaluate_summaries(cases, judge, lambda c: "")
    assert report.judge == "rules" and report.threshold == judge.offline.threshold
    assert len(report.notes) == 1 and "the llm judge failed (cannot reach" in report.notes[0]
    assert [i["faithful"] for i in report.items] == [True, False]
    assert report.to_json()["notes"] == list(report.notes) and "note: the llm judge failed" in render_html(report)


def test_harness_switches_mid_run_and_rejudges(embedder: SentenceTransformerEmbedder) -> None:
    cases = [SummaryCase(id=str(i), summary=GOOD, source=GEO, label=True) for i in range(3)]
    with serve(Script([("ok", "SUPPORTED"), ("malformed", "")])) as url:
        report = evaluate_summaries(cases, judge_at(embedder, url, judge_llm_logprobs=False), lambda c: "")
    # One judge per report: the item the model judged is judged again by the offline judge.
    assert report.judge == "rules" and len(report.items) == 3 and "malformed output" in report.notes[0]
    assert all(s["cosine"] > 0 for i in report.items for s in i["sentences"])


def test_registry_and_setting(embedder: SentenceTransformerEmbedder, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFLENS_JUDGE", "llm")
    judge = make_judge(Settings(_env_file=None), embedder)
    assert isinstance(judge, LLMJudge) and judge.name == "llm" and judge.client.config.temperature == 0.0


def test_check_command_falls_back_with_a_note(embedder: SentenceTransformerEmbedder, tmp_path: Path) -> None:
    cli = typer.Typer()
    cli.command("check")(check_command)
    cli.command("unused")(lambda: None)  # two commands keep "check" a sub-command
    source = tmp_path / "geo.txt"
    source.write_text(GEO, encoding="utf-8")
    env = {"BRIEFLENS_LLM_BASE_URL": f"http://127.0.0.1:{free_port()}/v1", "BRIEFLENS_LLM_RETRIES": "0"}
    args = ["check", "--source", str(source), "--summary", GOOD, "--judge", "llm", "--json"]
    result = CliRunner().invoke(cli, args, env=env)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["judge"] == "rules" and "the llm judge failed" in data["notes"][0]
    assert "note: the llm judge failed" in result.stderr and "Traceback" not in result.output


@pytest.mark.slow
@needs_local
def test_real_local_server(embedder: SentenceTransformerEmbedder, llm_server: LocalServer) -> None:
    summary = [GOOD, "The wargaming paper by Kenneth Payne has not yet been peer reviewed.", WRONG_NUMBER]
    verdict = judge_at(embedder, llm_server.base_url, llm_timeout=120).judge(GEO, summary)
    assert verdict.judge == "llm" and len(verdict.sentences) == 3
    for claim, s in zip(summary, verdict.sentences, strict=True):
        assert s.text == claim and 0.0 <= s.score <= 1.0 and GEO[s.start : s.end] == s.quote
        assert s.supported == (s.reason is None)
    assert verdict.sentences[2].reason == "number mismatch"
