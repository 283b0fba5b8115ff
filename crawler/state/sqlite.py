"""SQLite backend of the incremental state: ``ARCHIVE_DIR/state.sqlite`` in WAL mode.

Each ``put`` commits before it returns: the WARC extension calls it only after the record is
flushed, so a URL counts as done only once its capture is in the archive (archive first, then
commit), and a crash loses at most uncommitted work, never consistency.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from .base import UrlState

_FIELDS = [f.name for f in dataclasses.fields(UrlState)]
_SCHEMA = """CREATE TABLE IF NOT EXISTS urls (
    url TEXT PRIMARY KEY, status INTEGER, etag TEXT, last_modified TEXT, payload_digest TEXT,
    warc_file TEXT, warc_offset INTEGER, record_id TEXT, warc_date TEXT, fetched_at REAL)"""


class SqliteStateStore:
    """StateStore on one SQLite file."""

    def __init__(self, path: str | Path):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(path), timeout=30)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute(_SCHEMA)
        self.db.commit()

    def get(self, url: str) -> UrlState | None:
        row = self.db.execute(f"SELECT {', '.join(_FIELDS)} FROM urls WHERE url = ?", (url,)).fetchone()
        return UrlState(*row) if row else None

    def put(self, state: UrlState) -> None:
        values = dataclasses.astuple(state)
        self.db.execute(f"INSERT OR REPLACE INTO urls ({', '.join(_FIELDS)}) VALUES ({', '.join('?' * len(_FIELDS))})",
                        values)
        self.db.commit()

    def iter_all(self) -> Iterator[UrlState]:
        for row in self.db.execute(f"SELECT {', '.join(_FIELDS)} FROM urls ORDER BY url"):
            yield UrlState(*row)

    def close(self) -> None:
        self.db.close()
