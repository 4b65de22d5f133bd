"""The answer chain as a LangChain Runnable: same answers as the core, traced steps, LCEL composition."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from typing import Any
from uuid import UUID

import pytest
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.runnables import RunnableLambda, RunnableParallel

from retrieval.answer import Answer
from retrieval.errors import QueryError
from retrieval.langchain.chain import BriefLensChain
from retrieval.langchain.retriever import BriefLensRetriever
from retrieval.search.filters import FilterSpec
from retrieval.service import BriefLens
from retrieval.streaming import AnswerEvent, SentenceEvent
from tests.conftest import ROOT

HUAWEI = "Which Huawei chips achieved day-zero compatibility with DeepSeek V4?"
WARGAMES = "In what share of simulated wargames did AI models choose nuclear escalation?"


def assert_citations_verbatim(lens: BriefLens, answer: Answer) -> None:
    """Every citation's quote sits at its offsets in its brief."""
    assert answer.citations or answer.abstained
    for c in answer.citations:
        assert lens.document(c.doc_id).text[c.start : c.end] == c.quote


def test_invoke_equals_ask(lens: BriefLens) -> None:
    answer = BriefLensChain(lens=lens, k=5).invoke(HUAWEI)
    assert answer == lens.ask(HUAWEI, 5)
    assert not answer.abstained and any("950PR" in s.text for s in answer.sentences)
    assert_citations_verbatim(lens, answer)


def test_dict_input_and_filters(lens: BriefLens) -> None:
    other = next(d for d in lens.documents() if "950PR" not in lens.document(d.doc_id).text)
    chain = BriefLensChain(lens=lens, k=5, filters=FilterSpec(docs=(other.doc_id,)))
    answer = chain.invoke({"question": HUAWEI})
    assert {c.doc_id for c in answer.contexts} == {other.doc_id}
    assert answer == lens.ask(HUAWEI, 5, FilterSpec(docs=(other.doc_id,)))


def test_filters_scope_answers_read_from_whole_briefs(lens: BriefLens) -> None:
    """A name asked across briefs stays within the filters, as in `ask`: Anthropic is only in the other brief."""
    geo = next(d for d in lens.documents() if "950PR" in lens.document(d.doc_id).text)
    within = FilterSpec(docs=(geo.doc_id,))
    question = "Which briefs mention Anthropic?"
    answer = BriefLensChain(lens=lens, k=5, filters=within).invoke(question)
    assert answer.abstained and answer == lens.ask(question, 5, within)
    last = list(BriefLensChain(lens=lens, k=5, filters=within).stream(question))[-1]
    assert isinstance(last, AnswerEvent) and last.answer == answer


def test_bad_input_is_a_clear_error(lens: BriefLens) -> None:
    with pytest.raises(QueryError, match="question"):
        BriefLensChain(lens=lens).invoke({"q": HUAWEI})


def test_batch_and_async_forms(lens: BriefLens) -> None:
    chain = BriefLensChain(lens=lens, k=5)
    answers = chain.batch([HUAWEI, WARGAMES])
    assert [a.question for a in answers] == [HUAWEI, WARGAMES]
    assert asyncio.run(chain.ainvoke(HUAWEI)) == answers[0]
    assert asyncio.run(chain.abatch([HUAWEI, WARGAMES])) == answers


def test_stream_ends_with_the_invoke_answer(lens: BriefLens) -> None:
    chain = BriefLensChain(lens=lens, k=5)
    events = list(chain.stream(HUAWEI))
    assert isinstance(events[-1], AnswerEvent)
    assert sum(isinstance(e, AnswerEvent) for e in events) == 1
    assert events[-1].answer == chain.invoke(HUAWEI)
    streamed = [e.sentence for e in events if isinstance(e, SentenceEvent) and e.kept]
    assert tuple(streamed) == events[-1].answer.sentences

    async def collect() -> list[Any]:
        return [e async for e in chain.astream(HUAWEI)]

    assert asyncio.run(collect())[-1] == events[-1]


class Recorder(BaseCallbackHandler):
    """Records the runs a tracer would see: (kind, name, parent)."""

    def __init__(self) -> None:
        self.runs: dict[UUID, tuple[str, str, UUID | None]] = {}

    def on_chain_start(self, serialized: Any, inputs: Any, *, run_id: UUID, parent_run_id: UUID | None = None,
                       **kwargs: Any) -> None:  # fmt: skip
        self.runs[run_id] = ("chain", kwargs.get("name") or "", parent_run_id)

    def on_retriever_start(self, serialized: Any, query: str, *, run_id: UUID, parent_run_id: UUID | None = None,
                           **kwargs: Any) -> None:  # fmt: skip
        self.runs[run_id] = ("retriever", kwargs.get("name") or "", parent_run_id)


@pytest.mark.parametrize("mode", ["invoke", "stream"])
def test_tracer_sees_retrieval_and_generation_inside_the_chain(lens: BriefLens, mode: str) -> None:
    recorder = Recorder()
    chain = BriefLensChain(lens=lens, k=3)
    config = {"callbacks": [recorder]}
    if mode == "invoke":
        chain.invoke(HUAWEI, config=config)  # type: ignore[arg-type]
    else:
        list(chain.stream(HUAWEI, config=config))  # type: ignore[arg-type]
    root = next(rid for rid, (_, name, parent) in recorder.runs.items() if name == "BriefLensChain")
    children = {(kind, name) for kind, name, parent in recorder.runs.values() if parent == root}
    assert ("retriever", "BriefLensRetriever") in children
    assert ("chain", "generate") in children


def test_user_pipeline_keeps_citations(lens: BriefLens) -> None:
    rewrite = RunnableLambda(lambda q: q.replace("Huawei's", "Huawei Ascend"))
    pipeline = rewrite | RunnableParallel(
        answer=BriefLensChain(lens=lens, k=5), passages=BriefLensRetriever(lens=lens, k=3)
    )
    out = pipeline.invoke("Which of Huawei's chips achieved day-zero compatibility with DeepSeek V4?")
    answer = out["answer"]
    assert isinstance(answer, Answer) and not answer.abstained
    assert_citations_verbatim(lens, answer)
    assert any("950PR" in d.page_content for d in out["passages"])


def test_readme_example_runs(lens: BriefLens) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Use from LangChain", 1)[1].split("\n## ", 1)[0]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code is not None
    env = {**os.environ, "BRIEFLENS_DATA_DIR": str(lens.settings.data_dir), "PYTHONPATH": str(ROOT)}
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", ANONYMIZED_TELEMETRY="False")
    run = subprocess.run([sys.executable, "-c", code.group(1)], cwd=ROOT, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "->" in run.stdout and "950PR" in run.stdout
