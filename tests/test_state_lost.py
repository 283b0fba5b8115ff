"""The state store failing mid-crawl (a full disk under SQLite, Redis gone) stops the crawl with one
line and exit 1, never a traceback per page; what is archived stays."""

from __future__ import annotations

import sqlite3

from scrapy.utils.test import get_crawler

from crawler.redislost import RedisError, redis_lost
from crawler.state.sqlite import SqliteStateStore


def test_a_sqlite_failure_is_caught_where_redis_failures_are(tmp_path, caplog):
    store = SqliteStateStore(tmp_path / "state.sqlite")
    store.close()
    crawler = get_crawler()
    crawler.stats.open_spider()
    for _ in range(3):  # every page after the first would fail the same way: one line only
        try:
            store.get("http://news.example.cn/a.html")
        except RedisError as exc:
            redis_lost(crawler, exc)
    assert crawler.stats.get_value("crawl/failed") == "state database failed (Cannot operate on a closed database.)"
    lines = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert lines == ["state database failed (Cannot operate on a closed database.); stopping the crawl (what is "
                     "archived stays; free disk space or move ARCHIVE_DIR/state.sqlite away, then run it again)"]
    assert issubclass(sqlite3.OperationalError, RedisError[1])

