"""Issue 22 case 6: bodies are never logged; a failing state database is one line, not a traceback
per page."""

from __future__ import annotations

import sqlite3

from scrapy.utils.test import get_crawler

from crawler.redislost import RedisError, redis_lost
from crawler.state.sqlite import SqliteStateStore

from .clean import comparable
from .hostile import archived, crawl, fault_server


def test_binary_page_is_archived_without_text_and_bad_label_decodes(tmp_path):
    with fault_server() as base:
        stats, result = crawl(tmp_path, base, ["/binary", "/bad-label"], "-s", "LOG_LEVEL=DEBUG")
        (tmp_path / "clean").mkdir()
        clean = crawl(tmp_path / "clean", base, ["/bad-label"])[1]  # the same crawl without the binary page
    assert (result.returncode, clean.returncode) == (0, 0), result.stderr[-2000:]
    warnings = [line.split("] WARNING: ", 1)[1] for line in result.stderr.splitlines() if "] WARNING: " in line]
    assert warnings == [f"{base}/binary: archived, no text (undecodable): binary content, not text"]
    assert comparable(tmp_path / "archive") == comparable(tmp_path / "clean" / "archive")
    assert ("response", "200", "/binary") in archived(tmp_path)
    # the dropped page is logged by its URL and reason, never with its body (its repr leaves it out)
    assert max(len(line) for line in result.stderr.splitlines()) < 2000
    assert "body=" not in result.stderr
    assert stats["text/dropped/undecodable"] == 1
    [text] = (tmp_path / "archive" / "text" / "faults").glob("*.txt")
    body = text.read_text("utf-8").split("---\n", 2)[2].splitlines()
    assert body[0] == "标签错误"
    assert body[1] == "这一页的字符集标签无效，正文使用国标码编写，应当按后备规则正确解码。"


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
    assert lines == [
        "state database failed (Cannot operate on a closed database.); stopping the crawl (what is "
        "archived stays; free disk space or move ARCHIVE_DIR/state.sqlite away, then run it again)"
    ]
    assert issubclass(sqlite3.OperationalError, RedisError[1])
