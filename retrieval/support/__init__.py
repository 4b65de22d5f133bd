"""Support: does this evidence support this claim? The judges, their targeted checks and the answer gate."""
