"""The incremental downloader middleware (crawler/downloadermiddlewares/incremental.py) in process:
``get_crawler`` with the project's settings and the real state extension (SQLite), a state entry
pointing at a record in a real WARC file; conditional headers out, a 304 in -> the archived page."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import HtmlResponse, Response
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from crawler.downloadermiddlewares.incremental import IncrementalMiddleware
from crawler.extensions.state import StateExtension
from crawler.sources import load_source
from crawler.spiderloader import spider_class
from crawler.state.base import UrlState
from crawler.warc.records import Exchange

from .conftest import project_settings
from .test_warc_writer import NAME, make_writer

NOW = 1_800_000_000.0
LIST = "http://news.example.cn/list/1.html"
ARTICLE = "http://news.example.cn/2026/11/c_1.htm"
BODY = b'<html><body><a href="/2026/11/c_1.htm">c_1</a></body></html>'
SEED = """\
name: unit
start_urls: ['http://news.example.cn/list/1.html']
allowed_domains: [news.example.cn]
follow: ['/list/']
articles: ['/\\d{4}/\\d{2}/c_\\d+\\.htm$']
"""
ETAG, MODIFIED = '"v1"', "Fri, 20 Nov 2026 08:00:00 GMT"


def setup(tmp_path, offset: int | None = None):
    """The middleware of a crawl of ``unit`` whose state knows LIST, archived in a real WARC file
    (at ``offset`` when given: a place where no record starts)."""
    (tmp_path / "unit.yaml").write_text(SEED, "utf-8")
    cls = spider_class(load_source(tmp_path / "unit.yaml"))
    writer = make_writer(tmp_path / "warc")
    locations = writer.write(
        writer.factory.build_exchange(
            Exchange(
                LIST,
                "GET",
                (),
                b"",
                200,
                "HTTP/1.1",
                (("Content-Type", "text/html; charset=utf-8"), ("ETag", ETAG)),
                BODY,
                date=datetime(2026, 11, 20, 8, 0, 0, tzinfo=UTC),
            )
        )
    )
    writer.close()
    [response] = [found for found in locations if found.record_type == "response"]
    crawler = get_crawler(
        cls, project_settings(ARCHIVE_DIR=str(tmp_path), EXTENSIONS={"crawler.extensions.state.StateExtension": 50})
    )
    crawler.spider = cls.from_crawler(crawler)
    state = crawler.get_extension(StateExtension)
    state.clock = lambda: NOW
    state.store.put(
        UrlState(
            LIST,
            200,
            etag=ETAG,
            last_modified=MODIFIED,
            warc_file=NAME.format(0),
            warc_offset=response.offset if offset is None else offset,
            record_id=response.record_id,
            warc_date="2026-11-20T08:00:00Z",
            fetched_at=NOW - 3600,
        )
    )
    crawler.stats.open_spider()
    return crawler, build_from_crawler(IncrementalMiddleware, crawler)


def test_a_known_url_is_sent_with_its_validators_a_new_one_without(tmp_path):
    crawler, middleware = setup(tmp_path)
    known, new = Request(LIST), Request("http://news.example.cn/list/2.html")
    assert middleware.process_request(known) is None and middleware.process_request(new) is None
    assert (known.headers.get("If-None-Match"), known.headers.get("If-Modified-Since")) == (b'"v1"', MODIFIED.encode())
    assert "If-None-Match" not in new.headers and "If-Modified-Since" not in new.headers
    assert known.meta["incremental_known"].etag == ETAG and "incremental_known" not in new.meta
    assert crawler.stats.get_value("incremental/revalidated") == 1


def test_a_304_becomes_the_archived_page_flagged_revisit(tmp_path):
    crawler, middleware = setup(tmp_path)
    request = Request(LIST)
    middleware.process_request(request)
    answer = middleware.process_response(request, Response(LIST, status=304, request=request))
    assert isinstance(answer, HtmlResponse)
    assert (answer.status, answer.body, answer.flags) == (200, BODY, ["revisit"])
    assert answer.headers.getlist("ETag") == [b'"v1"'] and answer.css("a::attr(href)").get() == "/2026/11/c_1.htm"
    assert crawler.stats.get_value("incremental/not_modified") == 1
    fresh = Response(LIST, status=200, body=b"new", request=request)
    assert middleware.process_response(request, fresh) is fresh  # a 200 goes on as it is


def test_an_unreadable_archived_copy_is_fetched_again_unconditionally(tmp_path, caplog):
    crawler, middleware = setup(tmp_path, offset=7)
    request = Request(LIST)
    middleware.process_request(request)
    with caplog.at_level(logging.WARNING):
        again = middleware.process_response(request, Response(LIST, status=304, request=request))
    assert isinstance(again, Request) and again.dont_filter and again.meta["incremental"] is False
    assert "If-None-Match" not in again.headers and "If-Modified-Since" not in again.headers
    assert middleware.process_request(again) is None and "If-None-Match" not in again.headers  # sent as it is
    assert crawler.stats.get_value("incremental/unreadable") == 1
    [line] = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert line.startswith(f"{LIST}: archived copy unreadable (") and line.endswith("); fetching it again")


def test_a_503_with_retry_after_is_recorded_and_the_url_waits(tmp_path):
    crawler, middleware = setup(tmp_path)
    request = Request(LIST)
    middleware.process_request(request)
    failed = Response(LIST, status=503, headers={"Retry-After": "7200"}, request=request)
    assert middleware.process_response(request, failed) is failed
    known = crawler.get_extension(StateExtension).store.get(LIST)
    assert (known.status, known.failures, known.retry_at, known.etag) == (503, 1, NOW + 7200, ETAG)
    assert crawler.stats.get_value("incremental/failed") == 1
    with pytest.raises(IgnoreRequest, match="failed 1 time"):
        middleware.process_request(Request(LIST))
    assert crawler.stats.get_value("incremental/skipped/retry_later") == 1


def test_not_configured_without_state(tmp_path):
    settings = project_settings(
        ARCHIVE_DIR=str(tmp_path), STATE_ENABLED=False, EXTENSIONS={"crawler.extensions.state.StateExtension": 50}
    )
    with pytest.raises(NotConfigured, match="STATE_ENABLED is off"):
        build_from_crawler(IncrementalMiddleware, get_crawler(settings_dict=settings))
