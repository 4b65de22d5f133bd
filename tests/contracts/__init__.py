"""Reusable contract tests: one base class per protocol, run over every back-end its registry names."""
