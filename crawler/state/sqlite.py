"""SQLite backend of the incremental state: ``ARCHIVE_DIR/state.sqlite`` in WAL mode.

Each ``put`` commits before it returns: the WARC extension calls it only after the record is
flushed, so a URL counts as done only once its capture is in the archive (archive first, then
commit), and a crash loses at most uncommitted work, never consistency.
"""

from __future__ import annotations

import dataclasses
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

from .base import StateConfig, UrlState

_FIELDS = [f.name for f in dataclasses.fields(UrlState)]
_SCHEMA = """CREATE TABLE IF NOT EXISTS urls (
    url TEXT PRIMARY KEY, status INTEGER, etag TEXT, last_modified TEXT, payload_digest TEXT,
    warc_file TEXT, warc_offset INTEGER, record_id TEXT, warc_date TEXT, fetched_at REAL,
    failures INTEGER DEFAULT 0, retry_at REAL DEFAULT 0)"""
# columns added after the first release: an older state.sqlite gets them on open
_ADDED = {"failures": "INTEGER DEFAULT 0", "retry_at": "REAL DEFAULT 0"}


def _use_wal(db: sqlite3.Connection) -> None:
    """Switch a new state database to WAL mode (it stays so: later opens only read the mode).
    Two crawls opening the same new file at once: SQLite answers the switch "database is
    locked" at once, without its busy timeout, so the switch is retried here for a while."""
    if db.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
        return
    for attempt in range(200):
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == 199:
                raise
            time.sleep(0.05)


class SqliteStateStore:
    """StateStore on one SQLite file."""

    def __init__(self, path: str | Path):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        # check_same_thread off: `scrapy shell` builds the store in one thread and its reactor runs in
        # another; each store is still used by one thread at a time (the reactor's)
        self.db = sqlite3.connect(str(path), timeout=30, check_same_thread=False)
        _use_wal(self.db)
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute(_SCHEMA)
        have = {row[1] for row in self.db.execute("PRAGMA table_info(urls)")}
        for column, kind in sorted(_ADDED.items()):
            if column not in have:
                self.db.execute(f"ALTER TABLE urls ADD COLUMN {column} {kind}")
        self.db.commit()

    @classmethod
    def open(cls, config: StateConfig) -> SqliteStateStore:
        """The archive's own ``state.sqlite``."""
        return cls(config.archive_dir / "state.sqlite")

    def get(self, url: str) -> UrlState | None:
        row = self.db.execute(f"SELECT {', '.join(_FIELDS)} FROM urls WHERE url = ?", (url,)).fetchone()
        return UrlState(*row) if row else None

    def put(self, state: UrlState) -> None:
        values = dataclasses.astuple(state)
        self.db.execute(
            f"INSERT OR REPLACE INTO urls ({', '.join(_FIELDS)}) VALUES ({', '.join('?' * len(_FIELDS))})", values
        )
        self.db.commit()

    def iter_all(self) -> Iterator[UrlState]:
        for row in self.db.execute(f"SELECT {', '.join(_FIELDS)} FROM urls ORDER BY url"):
            yield UrlState(*row)

    def close(self) -> None:
        self.db.close()
