"""Retry times of failed URLs (crawler.state.retry) and the SQLite state's upgrade in place."""

from __future__ import annotations

import sqlite3

from crawler.state.base import UrlState
from crawler.state.retry import after_failure, is_failure, is_waiting
from crawler.state.sqlite import SqliteStateStore

URL = "http://news.example/a.html"


def test_back_off_doubles_per_failed_crawl_up_to_the_cap():
    state = None
    waits = []
    for _ in range(6):
        state = after_failure(state, URL, 503, now=1000.0, base=600, cap=5000)
        waits.append(state.retry_at - 1000.0)
    assert waits == [600, 1200, 2400, 4800, 5000, 5000]
    assert state.failures == 6


def test_a_retry_within_the_crawl_is_not_another_failed_crawl():
    first = after_failure(None, URL, 500, now=0.0, base=600, cap=86400)
    again = after_failure(first, URL, 500, now=10.0, base=600, cap=86400, again=True)
    assert (again.failures, again.retry_at) == (1, 610.0)


def test_retry_after_wins_when_longer_and_is_capped():
    assert after_failure(None, URL, 429, now=0.0, base=600, cap=86400, retry_after=3600).retry_at == 3600
    assert after_failure(None, URL, 429, now=0.0, base=600, cap=86400, retry_after=60).retry_at == 600
    assert after_failure(None, URL, 503, now=0.0, base=600, cap=7200, retry_after=10**9).retry_at == 7200


def test_a_failure_keeps_the_archived_payload_and_base_zero_means_always_due():
    archived = UrlState(url=URL, status=200, etag='"x"', record_id="<urn:uuid:1>", fetched_at=5.0)
    failed = after_failure(archived, URL, 502, now=100.0, base=0, cap=86400)
    assert (failed.record_id, failed.etag, failed.fetched_at, failed.status) == ("<urn:uuid:1>", '"x"', 5.0, 502)
    assert failed.retry_at == 0.0 and not is_waiting(failed, 100.0)
    assert is_waiting(after_failure(archived, URL, 502, now=100.0, base=60, cap=600), 159.0)
    assert not is_waiting(after_failure(archived, URL, 502, now=100.0, base=60, cap=600), 160.0)


def test_which_statuses_are_failures():
    assert [s for s in (200, 304, 404, 410, 429, 500, 503, 599) if is_failure(s)] == [429, 500, 503, 599]


def test_an_older_state_file_gains_the_new_columns(tmp_path):
    path = tmp_path / "state.sqlite"
    db = sqlite3.connect(path)
    db.execute(
        "CREATE TABLE urls (url TEXT PRIMARY KEY, status INTEGER, etag TEXT, last_modified TEXT, "
        "payload_digest TEXT, warc_file TEXT, warc_offset INTEGER, record_id TEXT, warc_date TEXT, "
        "fetched_at REAL)"
    )
    db.execute("INSERT INTO urls (url, status, fetched_at) VALUES (?, 200, 7.0)", (URL,))
    db.commit()
    db.close()
    store = SqliteStateStore(path)
    assert store.get(URL) == UrlState(url=URL, status=200, fetched_at=7.0, failures=0, retry_at=0.0)
    store.put(after_failure(store.get(URL), URL, 500, now=10.0, base=600, cap=86400))
    assert (store.get(URL).failures, store.get(URL).retry_at) == (1, 610.0)
    store.close()
