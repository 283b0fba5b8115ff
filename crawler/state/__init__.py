"""Pure incremental state: per-URL validators and WARC locations, SQLite and Redis backends.

``open_store`` picks the backend: SQLite in the archive directory by default, one Redis hash when
a Redis URL is given (a distributed crawl, docs/operations.md).
"""

from __future__ import annotations

from pathlib import Path

from .base import StateStore, UrlState

__all__ = ["StateStore", "UrlState", "open_store", "redis_client"]


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
