"""Pure incremental state: per-URL validators and WARC locations, SQLite and Redis backends.

``open_store`` picks the backend: SQLite in the archive directory by default, one Redis hash when
a Redis URL is given (a distributed crawl, docs/operations.md).
"""

from __future__ import annotations

from pathlib import Path

from .base import StateStore, UrlState

__all__ = ["StateStore", "UrlState", "archive_problem", "open_store", "redis_client"]


def redis_client(url: str):
    """A client for ``url`` (``redis://host:port/db``) with bounded timeouts."""
    import redis

    return redis.Redis.from_url(url, socket_timeout=30, socket_connect_timeout=10, retry_on_timeout=True)


def open_store(archive_dir: str | Path, redis_url: str = "", redis_key: str = "news-archiver:state") -> StateStore:
    if redis_url:
        from .redisstore import RedisStateStore

        return RedisStateStore(redis_client(redis_url), redis_key)
    from .sqlite import SqliteStateStore

    return SqliteStateStore(Path(archive_dir) / "state.sqlite")


def archive_problem(archive_dir: str | Path, redis_url: str = "") -> str | None:
    """Why a crawl cannot use ``archive_dir``, in one line, or None: checked before anything
    starts, so that a path naming a file, a directory it cannot write or a damaged state
    database is a line, not a traceback from deep inside the crawl."""
    import sqlite3
    import tempfile

    path = Path(archive_dir)
    if path.exists() and not path.is_dir():
        return f"ARCHIVE_DIR {path}: exists and is not a directory"
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as exc:
        return f"ARCHIVE_DIR {path}: cannot write there ({exc.strerror or exc})"
    state = path / "state.sqlite"
    if redis_url or not state.exists():
        return None
    try:
        db = sqlite3.connect(f"file:{state}?mode=ro", uri=True, timeout=30)
        try:
            db.execute("SELECT name FROM sqlite_master").fetchall()
        finally:
            db.close()
    except sqlite3.Error as exc:
        return (f"{state}: not a usable SQLite database ({exc}); move it away and crawl again: every page is "
                "then revalidated from scratch, and the WARC files keep everything archived")
    return None
