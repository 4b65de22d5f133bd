"""Our Chroma collection opens in LangChain with the exported embeddings adapter."""

from __future__ import annotations

import asyncio

from langchain_chroma import Chroma
from langchain_core.runnables import RunnableLambda, RunnableParallel, RunnablePassthrough

from retrieval.index.embedding import SentenceTransformerEmbedder
from retrieval.langchain.embeddings import BriefLensEmbeddings
from retrieval.langchain.retriever import BriefLensRetriever
from retrieval.service import BriefLens


def test_adapter_matches_the_embedder(embedder: SentenceTransformerEmbedder) -> None:
    adapter = BriefLensEmbeddings(embedder)
    vector = adapter.embed_query("Huawei chips")
    assert len(vector) == embedder.dimension
    assert adapter.embed_documents(["Huawei chips"])[0] == vector


def test_langchain_chroma_reads_our_index(lens: BriefLens, embedder: SentenceTransformerEmbedder) -> None:
    store = Chroma(
        client=lens.index.store.client,
        collection_name=lens.settings.collection,
        embedding_function=BriefLensEmbeddings(embedder),
    )
    docs = store.similarity_search("Which Huawei chips achieved day-zero compatibility with DeepSeek V4?", k=3)
    assert any("950PR" in d.page_content for d in docs)
    assert all({"doc_id", "start", "end", "section"} <= d.metadata.keys() for d in docs)


def test_retriever_returns_documents_with_span_metadata(lens: BriefLens) -> None:
    retriever = BriefLensRetriever(lens=lens, k=4)
    docs = retriever.invoke("Which Huawei chips achieved day-zero compatibility with DeepSeek V4?")
    assert 0 < len(docs) <= 4
    assert any("950PR" in d.page_content for d in docs)
    for d in docs:
        assert set(d.metadata) == {"chunk_id", "doc_id", "source", "title", "section", "date", "start", "end", "score"}
        text = lens.document(d.metadata["doc_id"]).text
        assert text[d.metadata["start"] : d.metadata["end"]] == d.page_content


def test_retriever_filters_are_fields(lens: BriefLens) -> None:
    other = next(info for info in lens.documents() if "950PR" not in lens.document(info.doc_id).text)
    docs = BriefLensRetriever(lens=lens, k=5, docs=(other.doc_id,)).invoke("Huawei Ascend 950PR chips")
    assert docs and {d.metadata["doc_id"] for d in docs} == {other.doc_id}


def test_retriever_composes_in_lcel(lens: BriefLens) -> None:
    rewrite = RunnableLambda(lambda q: f"{q} Ascend")
    chain = RunnableParallel(question=RunnablePassthrough(), docs=rewrite | BriefLensRetriever(lens=lens, k=3))
    out = chain.invoke("Which Huawei chips are compatible with DeepSeek V4?")
    assert out["question"].startswith("Which Huawei")
    assert any("950PR" in d.page_content for d in out["docs"])


def test_retriever_async_invoke(lens: BriefLens) -> None:
    docs = asyncio.run(BriefLensRetriever(lens=lens, k=2).ainvoke("distillation attacks on US models"))
    assert len(docs) == 2


def test_retriever_honours_k_given_to_invoke(lens: BriefLens) -> None:
    """LangChain's standard retriever tests call `invoke(query, k=n)`: the call's k wins over the field's."""
    retriever = BriefLensRetriever(lens=lens)
    assert len(retriever.invoke("distillation", k=1)) == 1
    assert len(retriever.invoke("distillation", k=3)) == 3
    assert len(retriever.invoke("distillation")) == 5
    assert len(asyncio.run(retriever.ainvoke("distillation", k=2))) == 2
