"""Thin front ends over the retrieval core: CLI, API and UI."""
