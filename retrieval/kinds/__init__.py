"""Question kinds: classify a question, and answer the kinds one quote cannot (metadata, names, lists, reasons)."""

from retrieval.kinds.classify import classify

__all__ = ["classify"]
