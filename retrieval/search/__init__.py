"""Search: hybrid retrieval (BM25 + dense), facets, filters, query coverage, rerank and follow-up condensation."""
