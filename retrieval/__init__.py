"""BriefLens core library: loading, chunking, embedding, indexing, retrieval, answering."""
