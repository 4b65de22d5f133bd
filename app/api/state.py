"""What the API holds between requests: the reader and writer BriefLens, the ingest lock, chat histories."""

from __future__ import annotations

import os
import tempfile
import threading
import uuid
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from retrieval.errors import BriefLensError, IngestBusy
from retrieval.search.conversation import Conversation
from retrieval.service import BriefLens
from retrieval.settings import Settings

if TYPE_CHECKING:
    from retrieval.index.embedding import Embedder
    from retrieval.ingest.remove import RemoveReport
    from retrieval.ingest.sync import IngestReport
    from retrieval.support.judge import Judge


class ConversationNotFound(BriefLensError):
    """The conversation id is unknown or its history was dropped."""

    help = "Start a new conversation by omitting `conversation_id`."


@dataclass
class Conversations:
    """Chat histories by id, bounded in count (least recently used dropped) and in turns each."""

    max_count: int
    max_turns: int
    _items: OrderedDict[str, Conversation] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def standalone(self, conversation_id: str | None, message: str) -> tuple[str, str, int]:
        """(conversation id, standalone query, turn number) for a new message."""
        with self._lock:
            if conversation_id is None:
                conversation_id = uuid.uuid4().hex
                self._items[conversation_id] = Conversation(max_turns=self.max_turns)
            elif conversation_id not in self._items:
                raise ConversationNotFound(f"no conversation {conversation_id!r} (unknown or expired)")
            conversation = self._items[conversation_id]
            self._items.move_to_end(conversation_id)
            while len(self._items) > self.max_count:
                self._items.popitem(last=False)
            query = conversation.standalone(message)
            return conversation_id, query, len(conversation.turns)

    def __len__(self) -> int:
        return len(self._items)


class ApiState:
    """Queries read through `reader`; ingest and delete write through `writer`, one at a time.

    Each has its own SQLite connection: WAL gives the reader the last committed manifest while an
    ingest transaction is open, and retrieval drops Chroma hits of documents not yet committed, so
    queries during an ingest answer from the last consistent index.
    """

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self.reader = BriefLens(settings, embedder)
        self.writer = BriefLens(settings, self.reader.index.embedder)
        self.conversations = Conversations(settings.api_max_conversations, settings.api_chat_max_turns)
        self.progress: dict[str, Any] | None = None
        self._write_lock = threading.Lock()

    def close(self) -> None:
        """Release both index connections."""
        self.writer.close()
        self.reader.close()

    @property
    def ingesting(self) -> bool:
        """True while an ingest or delete holds the write lock."""
        return self._write_lock.locked()

    @contextmanager
    def writing(self) -> Iterator[BriefLens]:
        """The writer, or IngestBusy at once when another write is running (never queue behind it)."""
        if not self._write_lock.acquire(blocking=False):
            raise IngestBusy("an ingest is already running")
        try:
            # Across servers too: a shared catalog's lock is held by at most one of them.
            with self.writer.index.catalog.exclusive():
                self.progress = {"phase": "start", "done": 0, "total": 0}
                yield self.writer
        finally:
            self.progress = None
            self._write_lock.release()

    def ingest(self, paths: Sequence[Path] | None) -> IngestReport:
        """Sync the index with the given paths (default: the corpus folder) under the write lock."""
        with self.writing() as writer:
            return writer.ingest(paths, self._progress)

    def _progress(self, phase: str, done: int, total: int) -> None:
        """Record ingest progress for GET /health."""
        self.progress = {"phase": phase, "done": done, "total": total}

    def ingest_uploads(self, named: Sequence[tuple[str, bytes]]) -> IngestReport:
        """Write uploads into the corpus folder and ingest them, all under one hold of the write lock."""
        with self.writing() as writer:
            folder = self.settings.corpus_dir
            folder.mkdir(parents=True, exist_ok=True)
            paths: list[Path] = []
            for name, data in named:
                # A hidden temp file (ingest skips those) renamed into place: no half-written brief is ever seen.
                fd, tmp = tempfile.mkstemp(prefix=".upload-", dir=folder)
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                os.replace(tmp, folder / name)
                paths.append(folder / name)
            return writer.ingest(paths, self._progress)

    def remove(self, ref: str) -> RemoveReport:
        """Remove a document from the index, deleting its file when it lies in the corpus folder."""
        with self.writing() as writer:
            return writer.remove(ref, self.settings.corpus_dir)

    def judge(self) -> Judge:
        """The faithfulness judge, built on first use and sharing the embedder."""
        return self.reader.judge()
