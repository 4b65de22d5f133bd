"""LangChain adapters: the retriever, the answer chain and the embeddings as LangChain interfaces."""
