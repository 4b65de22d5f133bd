"""Bounds the core, the CLI and the API share; no imports, so the CLI can read them without slowing its start."""

# The most passages one request may ask for: the CLI's -k, the API's k and Settings.top_k.
MAX_K = 100
