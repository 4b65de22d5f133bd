"""Writing: summaries, outlines, report drafts, comparisons and their Markdown/Word export."""
