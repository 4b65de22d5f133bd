"""BriefLens: the one object every front end (CLI, API, UI) calls."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from retrieval.answer import ABSTAIN_TEXT, Answer, Context, Draft, GateReport, QuestionKind
from retrieval.chunk import ScoredChunk
from retrieval.document import Document
from retrieval.errors import DocumentNotFound, GenerationError, IndexStateError, QueryError
from retrieval.generation import Condenser, Generator
from retrieval.generation.backends import GENERATORS, make_composer
from retrieval.generation.extractive import Abstention
from retrieval.index import open_index
from retrieval.index.catalog import DocInfo
from retrieval.index.embedding import Embedder
from retrieval.ingest.remove import RemoveReport
from retrieval.ingest.sync import IngestReport, Progress, ingest
from retrieval.kinds import classify
from retrieval.kinds.route import Synthesis
from retrieval.limits import MAX_K
from retrieval.search.answer_rerank import AnswerReranker
from retrieval.search.conversation import Conversation
from retrieval.search.filters import Filters, FilterSpec, resolve, resolve_refs
from retrieval.search.rerank import CrossEncoderReranker, Reranker
from retrieval.search.retriever import RETRIEVERS, for_lookups
from retrieval.search.whole import whole_sentences
from retrieval.settings import Settings
from retrieval.streaming import AnswerEvent, DraftEvent, SentenceEvent, StreamEvent
from retrieval.verify import verify_sentences
from retrieval.writing.compare import Comparison, compare
from retrieval.writing.compose import Composer
from retrieval.writing.draft import DraftParams, ReportDraft, build_draft
from retrieval.writing.summarize import Summary, summarize_document, summarize_topic, weights_from

if TYPE_CHECKING:
    from retrieval.generation.synthesis import EvidenceWriter
    from retrieval.support.judge import Judge
    from retrieval.support.verdict import Verdict


class BriefLens:
    """Ingest, search, ask and browse one index, configured once from Settings."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self.index = open_index(settings, embedder)
        self.retriever = RETRIEVERS[settings.retriever](settings, self.index)
        self.lookup_retriever = for_lookups(settings, self.index, self.retriever)
        self.reranker: Reranker | None = (
            CrossEncoderReranker(settings.reranker_path)
            if settings.reranker_path
            else AnswerReranker()
            if settings.rerank_answers
            else None
        )
        self.generator: Generator = GENERATORS[settings.generator](settings, self.index.embedder)
        # Summaries and drafts: the answer generator's model, or one built for them alone (closed with the rest).
        self.composer: Composer
        self.composer, self._writers = make_composer(settings, self.index.embedder, self.generator)
        self._extractive: Generator | None = None
        self._judge: Judge | None = None
        self._lock = threading.Lock()
        # Metadata, names across briefs, lists, reasons and comparisons: answered offline (issue 22).
        self.synthesis = Synthesis(
            self.index.catalog, self.index.embedder, Abstention.from_settings(settings), self.compare
        )

    def close(self) -> None:
        """Release the index and stop anything the generators started."""
        for generator in (self.generator, *self._writers, *([self._extractive] if self._extractive else [])):
            generator.close()
        self.index.close()

    def condenser(self) -> Condenser | None:
        """A model rewrite of chat follow-ups when a model back-end is configured (None: the word carry-over)."""
        return self.generator.condenser(self.settings.prompts_dir)

    def ingest(self, paths: Sequence[Path] | None = None, progress: Progress | None = None) -> IngestReport:
        """Sync the index with the given files and folders (default: the corpus folder); one writer at a time."""
        with self.index.catalog.exclusive():
            return ingest(self.index, list(paths) if paths else [self.settings.corpus_dir], progress)

    def remove(self, ref: str, owned: Path | None = None) -> RemoveReport:
        """Remove a document (id, id prefix or file name) from the index; its files inside `owned` are deleted too."""
        from retrieval.ingest.remove import remove_document

        with self.index.catalog.exclusive():
            return remove_document(self.index, self.resolve_docs([ref])[0], owned)

    def documents(self) -> list[DocInfo]:
        """Indexed documents, by source path."""
        return sorted(self.index.catalog.documents().values(), key=lambda d: d.source)

    def document(self, ref: str) -> Document:
        """A document by id, unique id prefix, file name or source path."""
        ids = self.resolve_docs([ref])
        doc = self.index.catalog.document(ids[0])
        if doc is None:
            raise DocumentNotFound(f"no indexed document matches {ref!r}")
        return doc

    def resolve_docs(self, refs: Sequence[str]) -> tuple[str, ...]:
        """Turn ids, id prefixes, file names or source paths into document ids."""
        return resolve_refs(list(refs), self.index.catalog.documents())

    def _check_query(self, text: str) -> str:
        """Reject empty or over-long queries, and queries against an empty index."""
        text = text.strip()
        if not text:
            raise QueryError("the question is empty")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as e:  # lone surrogates: undecodable bytes in argv, or bad JSON escapes
            raise QueryError("the question is not valid UTF-8 text (it holds undecodable bytes)") from e
        if len(text) > self.settings.max_question_chars:
            raise QueryError(f"the question is {len(text)} characters; the limit is {self.settings.max_question_chars}")
        # Every query passes here: reading all document rows cost ~3 ms per search at 100k chunks.
        if not self.index.catalog.has_documents():
            raise IndexStateError("the index is empty")
        return text

    def search(self, query: str, k: int | None = None, filters: FilterSpec | None = None) -> list[ScoredChunk]:
        """The k chunks most relevant to the query, within the filters."""
        return self._search(query, k, filters)[0]

    def passages(self, question: str, k: int | None = None, filters: FilterSpec | None = None) -> list[ScoredChunk]:
        """The passages `ask` answers from: `search`'s, but a single-fact question's are not spread over briefs."""
        return self._search(question, k, filters, lookup=_is_lookup(question))[0]

    def _search(
        self, query: str, k: int | None, filters: FilterSpec | None, lookup: bool = False
    ) -> tuple[list[ScoredChunk], Filters | None]:
        """`search`, with the filters as resolved against the catalog (`ask` bounds synthesis answers by them).

        `lookup`: retrieve for a single-fact question (`ask`), without spreading the picks over briefs.
        """
        query = self._check_query(query)
        if k is not None and not 1 <= k <= MAX_K:
            raise QueryError(f"k must be between 1 and {MAX_K}, got {k}")
        if self.settings.retriever != "lexical":
            self.index.check_vectors()
        resolved = resolve(filters, self.index.catalog) if filters else None
        k = k or self.settings.top_k
        retriever = self.lookup_retriever if lookup else self.retriever
        if self.reranker is None:
            return retriever.retrieve(query, k, resolved), resolved
        candidates = retriever.retrieve(query, max(k, self.settings.rerank_candidates), resolved)
        return self.reranker.rerank(query, candidates, k), resolved

    def scope(self, filters: FilterSpec | None) -> tuple[str, ...] | None:
        """The documents these filters allow (None: all), as `answer` takes them: what `ask` passes itself."""
        return _scope(resolve(filters, self.index.catalog)) if filters else None

    def ask(
        self, question: str, k: int | None = None, filters: FilterSpec | None = None, extractive: bool = False
    ) -> Answer:
        """Answer from the corpus with verified citations, or say the corpus does not say.

        `extractive` answers with the extractive generator whatever the configured back-end.
        """
        hits, resolved = self._search(question, k, filters, lookup=_is_lookup(question))
        return self.answer(question, hits, extractive, _scope(resolved))

    def ask_stream(
        self, question: str, k: int | None = None, filters: FilterSpec | None = None, extractive: bool = False
    ) -> Iterator[StreamEvent]:
        """Like `ask`, as typed events (see retrieval.streaming); the last event holds the same Answer `ask` returns."""
        hits, resolved = self._search(question, k, filters, lookup=_is_lookup(question))
        return self.answer_stream(question, hits, extractive, _scope(resolved))

    def answer(
        self, question: str, hits: list[ScoredChunk], extractive: bool = False, scope: Sequence[str] | None = None
    ) -> Answer:
        """Answer from passages already retrieved (the generation half of `ask`); `scope`: the allowed documents."""
        hits = whole_sentences(hits, self.index.catalog.document)
        generator, kind, asked = self._generator(extractive), classify(question), question.strip()
        if self._synthesizes(generator, kind):
            draft = self._offline(kind, asked, hits, scope)
            return self._answer(question, hits, draft, generator, kind, synthesized=True)
        writer = self._writer(generator, kind)
        if writer is None:
            return self._answer(question, hits, generator.generate(asked, hits), generator, kind)
        draft = writer.write(asked, self.synthesis.answer(kind, asked, hits, scope))
        return self._answer(question, hits, draft, generator, kind, synthesized=True)

    def answer_stream(
        self, question: str, hits: list[ScoredChunk], extractive: bool = False, scope: Sequence[str] | None = None
    ) -> Iterator[StreamEvent]:
        """The generation half of `ask_stream`: events for an answer from passages already retrieved."""
        hits = whole_sentences(hits, self.index.catalog.document)
        generator, kind, asked = self._generator(extractive), classify(question), question.strip()
        if self._synthesizes(generator, kind):
            draft = self._offline(kind, asked, hits, scope)
            answer = self._answer(question, hits, draft, generator, kind, synthesized=True)
            yield from (SentenceEvent(s, kept=True) for s in answer.sentences)  # already verified: all shown
            yield AnswerEvent(answer)
            return
        writer = self._writer(generator, kind)
        events = (
            writer.write_stream(asked, self.synthesis.answer(kind, asked, hits, scope))
            if writer is not None
            else generator.stream(asked, hits)
        )
        for event in events:
            if isinstance(event, DraftEvent):
                yield AnswerEvent(self._answer(question, hits, event.draft, generator, kind, writer is not None))
            else:
                yield event

    def _offline(
        self, kind: QuestionKind, question: str, hits: list[ScoredChunk], scope: Sequence[str] | None
    ) -> Draft:
        """The offline answer of a non-lookup kind, labelled extractive whatever back-end is configured."""
        # No model wrote it: `generator` in the JSON must not name the local or remote model.
        return replace(self.synthesis.answer(kind, question, hits, scope), generator="extractive")

    @staticmethod
    def _writer(generator: Generator, kind: QuestionKind) -> EvidenceWriter | None:
        """The local model's writer when it rewrites the offline answer of a list, reason or comparison."""
        # Metadata and names across briefs stay offline: their quotes ("Sources (29)") cannot verify a paraphrase.
        writer: EvidenceWriter | None = getattr(generator, "synthesis", None)
        return writer if kind in ("list", "why", "comparison") else None

    @staticmethod
    def _synthesizes(generator: Generator, kind: QuestionKind) -> bool:
        """True when the offline answer of a non-lookup kind replaces the generator's.

        For the extractive generator, and for metadata and names across briefs with the local model; another
        model back-end writes its own answer (the kind is still reported).
        """
        writes = getattr(generator, "synthesis", None) is not None
        return kind != "lookup" and (generator.name == "extractive" or (writes and kind in ("metadata", "aggregation")))

    def _generator(self, extractive: bool) -> Generator:
        """The configured generator, or the extractive one (built once, when the configured one is a model)."""
        if not extractive or self.generator.name == "extractive":
            return self.generator
        with self._lock:
            if self._extractive is None:
                self._extractive = GENERATORS["extractive"](self.settings, self.index.embedder)
            return self._extractive

    def standalone(self, history: Sequence[str], question: str) -> str:
        """The query for the last turn of a chat whose earlier user turns are `history` (oldest first).

        Earlier turns are condensed by the word carry-over, as `chat` does; only the last one goes through the
        model rewrite when a model back-end is set, so a long history costs at most one model call.
        """
        conversation = Conversation(max_turns=self.settings.api_chat_max_turns)
        for turn in history[-self.settings.api_chat_max_turns :]:
            if turn.strip():
                conversation.standalone(turn)
        conversation.rewrite = self.condenser()
        return conversation.standalone(question)

    def _answer(
        self,
        question: str,
        hits: list[ScoredChunk],
        draft: Draft,
        generator: Generator,
        kind: QuestionKind = "lookup",
        synthesized: bool = False,
    ) -> Answer:
        """Verify the draft's quotes at their offsets and assemble the Answer."""
        sentences = verify_sentences(draft.sentences, self.index.catalog.document)
        kept = tuple(s for s in sentences if s.citations or (draft.keep_unsupported and not s.supported))
        abstained = draft.abstained or not kept
        return Answer(
            question=question.strip(),
            answer=ABSTAIN_TEXT if abstained else " ".join(s.text for s in kept),
            abstained=abstained,
            sentences=() if abstained else kept,
            contexts=self.synthesis.contexts(kept, hits) if synthesized else tuple(Context.of(h) for h in hits),
            relevance=round(draft.relevance, 4),
            kind=kind,
            generator=draft.generator or generator.name,
            **dict(GateReport.of(draft)),
        )

    # --- summaries, drafts and comparisons (issue 5) ---

    def _topic_hits(self, topic: str, filters: FilterSpec | None) -> tuple[list[ScoredChunk], dict[str, DocInfo]]:
        """The passages retrieved for a topic and the metadata of their briefs."""
        hits = self.search(topic, self.settings.summary_passages, filters)
        return hits, self.index.catalog.doc_infos(h.chunk.doc_id for h in hits)

    def summarize(
        self,
        ref: str | None = None,
        topic: str | None = None,
        bullets: int | None = None,
        filters: FilterSpec | None = None,
        sections: Sequence[str] = (),
    ) -> Summary:
        """Summarise one brief (`ref`: id, prefix or file name) or a `topic`; every sentence a cited quote.

        With `ref`, `sections` (or `filters.section`) keeps only sections whose heading path contains one of
        them; with `topic`, the retrieval `filters` apply. Give exactly one of `ref` and `topic`.
        """
        if (ref is None) == (topic is None):
            raise QueryError(
                "give a document or a topic to summarise (exactly one)",
                help="Name one brief (id, id prefix or file name: `summarize BRIEF`, or the API's `doc`) "
                "or give a topic (`--topic`, or `topic`), not both.",
            )
        weights, n = weights_from(self.settings), bullets or self.settings.summary_bullets
        if ref is not None:
            doc = self.document(ref)
            wanted = tuple(sections) or ((filters.section,) if filters and filters.section else ())
            info = self.index.catalog.documents()[doc.id]
            spans = self.index.catalog.chunk_spans(doc.id)
            return summarize_document(doc, info, spans, self.index.embedder, self.composer, weights, n, wanted)
        hits, infos = self._topic_hits(self._check_query(topic or ""), filters)
        fetch = self.index.catalog.document
        floor = self.settings.summary_min_relevance
        return summarize_topic(topic or "", hits, fetch, infos, self.index.embedder, self.composer, weights, n, floor)

    def draft(
        self,
        title: str,
        guidance: str = "",
        outline_only: bool = False,
        filters: FilterSpec | None = None,
        progress: Progress | None = None,
    ) -> ReportDraft:
        """Draft a report section: an outline of 3–6 subsections from the evidence, cited paragraphs, sources.

        Subsections resting on one brief or none carry a `flag`; `outline_only` skips the paragraphs.
        """
        title = self._check_query(title)
        hits, infos = self._topic_hits(f"{title}. {guidance}" if guidance.strip() else title, filters)
        s = self.settings
        params = DraftParams(weights_from(s), s.draft_sentences, s.summary_min_relevance, s.draft_merge_similarity)
        fetch = self.index.catalog.document
        return build_draft(
            title,
            guidance.strip(),
            hits,
            fetch,
            infos,
            self.index.embedder,
            self.composer,
            params,
            outline_only,
            progress,
        )

    def compare(self, topic: str, filters: FilterSpec | None = None) -> Comparison:
        """What each brief says on `topic`, side by side, and statements that disagree on a figure."""
        topic = self._check_query(topic)
        hits, infos = self._topic_hits(topic, filters)
        s = self.settings
        return compare(
            topic,
            hits,
            self.index.catalog.document,
            infos,
            self.index.embedder,
            weights_from(s),
            s.compare_sentences,
            s.summary_min_relevance,
            s.compare_min_similarity,
        )

    # --- faithfulness (issue 20: the MCP check_faithfulness tool) ---

    def judge(self) -> Judge:
        """The configured faithfulness judge (BRIEFLENS_JUDGE), built on first use and sharing the embedder."""
        with self._lock:
            if self._judge is None:
                from retrieval.support.judges import make_judge

                self._judge = make_judge(self.settings, self.index.embedder)
            return self._judge

    def check(
        self, text: str, source: str | None = None, doc: str | None = None, question: str | None = None
    ) -> Verdict:
        """Judge each claim of `text` against `source` text, a brief (`doc`), or the passages retrieved for `question`.

        When the judge's model fails, its fallback (the offline judge) judges instead; the verdict names the judge.
        """
        if sum(x is not None for x in (source, doc)) > 1:
            raise QueryError("give the source text or a brief to check against, not both")
        if not text.strip():
            raise QueryError("the text to check is empty")
        if source is None:
            if doc is not None:
                source = self.document(doc).text
            elif question is not None:
                source = "\n\n".join(h.chunk.text for h in self.search(question))
            else:
                raise QueryError("give the source text, a brief or a question to check the text against")
        judge = self.judge()
        try:
            return judge.judge(source, text, question)
        except GenerationError:
            if judge.fallback is None or judge.fallback is judge:
                raise
            return judge.fallback.judge(source, text, question)


def _scope(resolved: Filters | None) -> tuple[str, ...] | None:
    """The documents the filters allow (None: all): answers read from whole briefs stay within them."""
    return resolved.doc_ids if resolved else None


def _is_lookup(question: str) -> bool:
    """A single-fact question: `ask` retrieves its passages by relevance alone, not spread over briefs."""
    return classify(question) == "lookup"
