"""Our Chroma collection opens in LangChain with the exported embeddings adapter."""

from __future__ import annotations

from langchain_chroma import Chroma

from retrieval.embedding import SentenceTransformerEmbedder
from retrieval.lc_adapters import BriefLensEmbeddings
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
