"""The evaluation harness (import as `from eval import ...`; `eval` is also a Python builtin)."""
