"""Prompt templates (the .md files here), shipped as package data so a regular install finds them."""
