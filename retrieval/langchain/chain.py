"""BriefLensChain: the cited-answer chain as a LangChain Runnable (invoke, batch, stream and async forms).

The chain is two traced steps, so a user's callback handler or tracer sees both: a retriever run
(`BriefLensRetriever`, run type "retriever") and a "generate" run. Generation and citation
verification stay ours (`BriefLens.answer` / `answer_stream`): LangChain has no step that checks a
quote against its source at exact offsets, and the faithfulness gate must see every sentence.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any

from langchain_core.callbacks import CallbackManagerForChainRun
from langchain_core.documents import Document as LCDocument
from langchain_core.runnables import RunnableConfig, RunnableGenerator, RunnableLambda, RunnableSerializable
from langchain_core.runnables.config import patch_config, run_in_executor
from pydantic import ConfigDict

from retrieval.answer import Answer
from retrieval.chunk import Chunk, ScoredChunk
from retrieval.errors import QueryError
from retrieval.langchain.retriever import BriefLensRetriever
from retrieval.search.filters import FilterSpec
from retrieval.streaming import StreamEvent

ChainInput = str | Mapping[str, Any]


class BriefLensChain(RunnableSerializable[ChainInput, Answer]):
    """Question in (a string or {"question": ...}), verified `Answer` out; streams typed events ending in the Answer."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    lens: Any  # a retrieval.service.BriefLens
    k: int = 5
    filters: FilterSpec = FilterSpec()
    name: str | None = "BriefLensChain"

    def retriever(self) -> BriefLensRetriever:
        """The retrieval step, with this chain's k and filters."""
        f = self.filters
        return BriefLensRetriever(
            lens=self.lens, k=self.k, docs=f.docs, sources=f.sources, section=f.section,
            since=f.since, until=f.until, as_of=f.as_of, answering=True,
        )  # fmt: skip

    def invoke(self, input: ChainInput, config: RunnableConfig | None = None, **kwargs: Any) -> Answer:
        """Retrieve, generate and verify; the result equals `BriefLens.ask` with the same k and filters."""
        return self._call_with_config(self._run, input, config, run_type="chain")

    def _run(self, input: ChainInput, run_manager: CallbackManagerForChainRun, config: RunnableConfig) -> Answer:
        """The traced body of invoke: a retriever run, then a generate run."""
        question = _question(input)
        child = patch_config(config, callbacks=run_manager.get_child())
        hits = [from_lc_document(d) for d in self.retriever().invoke(question, child)]
        scope = self.lens.scope(self.filters)
        generate = RunnableLambda(lambda x: self.lens.answer(x["question"], x["hits"], scope=scope), name="generate")
        answer: Answer = generate.invoke({"question": question, "hits": hits}, child)
        return answer

    # The stream's items are our events, not partial Answers: LangChain types stream() as Iterator[Output].
    def stream(  # type: ignore[override]
        self, input: ChainInput, config: RunnableConfig | None = None, **kwargs: Any | None
    ) -> Iterator[StreamEvent]:
        """Token events as the model writes, each verified sentence, notes, then one AnswerEvent (the Answer)."""
        transform: Any = self._stream
        events: Iterator[Any] = self._transform_stream_with_config(iter([input]), transform, config, run_type="chain")
        yield from events

    def _stream(
        self, inputs: Iterator[ChainInput], run_manager: CallbackManagerForChainRun, config: RunnableConfig
    ) -> Iterator[StreamEvent]:
        """The traced body of stream."""
        for input in inputs:
            question = _question(input)
            child = patch_config(config, callbacks=run_manager.get_child())
            hits = [from_lc_document(d) for d in self.retriever().invoke(question, child)]
            generate = RunnableGenerator(self._events, name="generate")
            yield from generate.stream({"question": question, "hits": hits}, child)

    def _events(self, inputs: Iterator[dict[str, Any]]) -> Iterator[StreamEvent]:
        """The generation step as a LangChain transform: inputs in, answer events out."""
        scope = self.lens.scope(self.filters)
        for x in inputs:
            yield from self.lens.answer_stream(x["question"], x["hits"], scope=scope)

    async def astream(  # type: ignore[override]
        self, input: ChainInput, config: RunnableConfig | None = None, **kwargs: Any | None
    ) -> AsyncIterator[StreamEvent]:
        """The events of `stream`, each fetched off the event loop (the model and the judge block)."""
        events = self.stream(input, config, **kwargs)
        while True:
            event: StreamEvent | None = await run_in_executor(config, next, events, None)
            if event is None:
                return
            yield event


def _question(input: ChainInput) -> str:
    """The question of a chain input: the string itself or its "question" key."""
    question = input if isinstance(input, str) else input.get("question")
    if not isinstance(question, str):
        raise QueryError('the chain takes a question string or a mapping with a "question" string')
    return question


def from_lc_document(doc: LCDocument) -> ScoredChunk:
    """The ScoredChunk a BriefLensRetriever document was made from (its metadata carries every field)."""
    m = doc.metadata
    text = doc.page_content
    chunk = Chunk(id=m["chunk_id"], doc_id=m["doc_id"], text=text, start=m["start"], end=m["end"], section=m["section"])
    return ScoredChunk(chunk=chunk, score=m["score"], source=m["source"], title=m["title"], date=m["date"])
