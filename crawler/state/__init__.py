"""Pure incremental state: per-URL validators and WARC locations, SQLite and Redis backends.

A backend is a class with ``open(config: StateConfig)`` returning a :class:`StateStore`; the crawl
names it in ``STATE_BACKEND`` (SQLite in the archive directory by default, one Redis hash in a
distributed crawl: docs/operations.md) and ``crawler.extensions.state`` opens and closes it.
"""

from __future__ import annotations

from pathlib import Path

from .base import StateConfig, StateError, StateStore, UrlState

__all__ = ["StateConfig", "StateError", "StateStore", "UrlState", "archive_problem"]


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
    if redis_url:
        return None
    if state.exists():
        try:
            db = sqlite3.connect(f"file:{state}?mode=ro", uri=True, timeout=30)
            try:
                db.execute("SELECT name FROM sqlite_master").fetchall()
            finally:
                db.close()
        except sqlite3.Error as exc:
            return (
                f"{state}: not a usable SQLite database ({exc}); move it away and crawl again: every page "
                "is then revalidated from scratch, and the WARC files keep everything archived"
            )
    try:  # opened as the crawl opens it: a full disk fails here, in one line, not deep in the crawl
        from .sqlite import SqliteStateStore

        SqliteStateStore(state).close()
    except sqlite3.Error as exc:
        if "locked" in str(exc):  # another crawl of this archive is opening it: the crawl's own open waits
            return None
        return f"{state}: cannot be written ({exc}); free disk space and crawl again"
    return None
