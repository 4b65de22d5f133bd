"""Ingest: files -> Documents -> Chunks, synced into the index; one loader per format under loaders/."""
