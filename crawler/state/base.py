"""The incremental state of one URL, and the store interface every backend implements."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol


class StateError(Exception):
    """A state backend that cannot be opened as configured (the message is one line)."""


@dataclass(frozen=True)
class StateConfig:
    """What a backend's ``open`` gets: plain values, read from the settings by the state extension."""

    archive_dir: Path  # ``ARCHIVE_DIR``: the SQLite backend's state.sqlite is there
    redis_key: str  # ``REDIS_STATE_KEY``: the Redis backend's hash
    redis: Any = None  # the crawl's one Redis client (shared with the scheduler), None without REDIS_URL


@dataclass(frozen=True)
class UrlState:
    """What the archive knows of a URL: its validators and where its full payload is archived."""

    url: str
    status: int
    etag: str | None = None
    last_modified: str | None = None
    payload_digest: str | None = None  # "sha1:BASE32" of the archived payload
    warc_file: str | None = None  # basename of the WARC file holding the full response
    warc_offset: int | None = None
    record_id: str | None = None
    warc_date: str | None = None  # WARC-Date of that response record
    fetched_at: float = 0.0  # epoch seconds of the last fetch (revisits included)
    failures: int = 0  # crawls in a row whose fetch of this URL failed (5xx, 429, network error)
    retry_at: float = 0.0  # epoch seconds before which a failed URL is not fetched again (0: due)


class StateStore(Protocol):
    """Backend-neutral store (SQLite by default; docs/architecture.md). A backend class also has
    ``open(config: StateConfig) -> StateStore`` (the ``STATE_BACKEND`` setting names the class)."""

    def get(self, url: str) -> UrlState | None: ...

    def put(self, state: UrlState) -> None: ...

    def iter_all(self) -> Iterator[UrlState]: ...

    def close(self) -> None: ...
