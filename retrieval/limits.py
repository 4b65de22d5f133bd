"""Bounds the core, the CLI and the API share; no imports, so the CLI can read them without slowing its start."""

# The most passages one request may ask for: the CLI's -k, the API's k and Settings.top_k.
MAX_K = 100
# The longest question or search text, in characters: Settings.max_question_chars (which may lower it) and the
# API's schema both take it from here, and an over-long or blank question is a 400 everywhere.
MAX_QUESTION_CHARS = 2000
