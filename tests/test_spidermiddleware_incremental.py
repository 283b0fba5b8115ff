"""The spider-side filter: young articles and URLs waiting to retry are never scheduled (unit level,
a real SQLite state and the real spider of a seed; the scale tests run it through `scrapy crawl`)."""

from __future__ import annotations

import asyncio

import pytest
from scrapy import Request
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from crawler.extensions.state import StateExtension
from crawler.sources import load_source
from crawler.spiderloader import spider_class
from crawler.spidermiddlewares.incremental import IncrementalFilterMiddleware
from crawler.state.base import UrlState

from .conftest import project_settings

NOW = 1_700_000_000.0
DAY = 86400
SEED = """\
name: unit
start_urls: ['http://news.example.cn/list/1.html']
allowed_domains: [news.example.cn]
follow: ['/list/']
articles: ['/\\d{4}/\\d{2}/\\w+\\.html$']
"""
ARCHIVED = dict(
    status=200, warc_file="a.warc.gz", warc_offset=0, record_id="<urn:uuid:1>", warc_date="2023-11-14T00:00:00Z"
)


def setup(tmp_path, states: list[UrlState]):
    (tmp_path / "unit.yaml").write_text(SEED, "utf-8")
    cls = spider_class(load_source(tmp_path / "unit.yaml"))
    (tmp_path / "warc").mkdir()
    (tmp_path / "warc" / "a.warc.gz").write_bytes(b"")  # the archived records are in the archive
    crawler = get_crawler(
        cls, project_settings(ARCHIVE_DIR=str(tmp_path), EXTENSIONS={"crawler.extensions.state.StateExtension": 50})
    )
    crawler.spider = cls.from_crawler(crawler)
    state = crawler.get_extension(StateExtension)
    state.clock = lambda: NOW
    for known in states:
        state.store.put(known)
    crawler.stats.open_spider()
    return crawler, build_from_crawler(IncrementalFilterMiddleware, crawler)


def test_young_articles_and_waiting_urls_are_dropped_the_rest_pass(tmp_path):
    crawler, middleware = setup(
        tmp_path,
        [
            UrlState("http://news.example.cn/2024/05/young.html", fetched_at=NOW - 6 * DAY, **ARCHIVED),
            UrlState("http://news.example.cn/2024/05/due.html", fetched_at=NOW - 7 * DAY, **ARCHIVED),
            UrlState("http://news.example.cn/list/2.html", fetched_at=NOW - 60, **ARCHIVED),
            UrlState("http://news.example.cn/2024/05/failed.html", status=503, failures=1, retry_at=NOW + 600),
        ],
    )
    urls = [
        "http://news.example.cn/2024/05/young.html",
        "http://news.example.cn/2024/05/due.html",
        "http://news.example.cn/list/2.html",
        "http://news.example.cn/2024/05/failed.html",
        "http://news.example.cn/2024/05/new.html",
    ]
    response = HtmlResponse("http://news.example.cn/list/1.html", body=b"<html></html>")
    out = list(middleware.process_spider_output(response, [Request(u) for u in urls] + [{"item": 1}]))
    assert [getattr(o, "url", o) for o in out] == [
        "http://news.example.cn/2024/05/due.html",
        "http://news.example.cn/list/2.html",
        "http://news.example.cn/2024/05/new.html",
        {"item": 1},
    ]
    assert crawler.stats.get_value("incremental/skipped/fresh") == 1
    assert crawler.stats.get_value("incremental/skipped/retry_later") == 1


def test_start_requests_are_filtered_too(tmp_path):
    crawler, middleware = setup(
        tmp_path, [UrlState("http://news.example.cn/2024/05/young.html", fetched_at=NOW - 1, **ARCHIVED)]
    )

    async def collect():
        async def start():
            yield Request("http://news.example.cn/2024/05/young.html")
            yield Request("http://news.example.cn/list/1.html")

        return [r.url async for r in middleware.process_start(start())]

    assert asyncio.run(collect()) == ["http://news.example.cn/list/1.html"]
    assert crawler.stats.get_value("incremental/skipped/fresh") == 1


def test_not_configured_without_state(tmp_path):
    settings = project_settings(
        ARCHIVE_DIR=str(tmp_path), STATE_ENABLED=False, EXTENSIONS={"crawler.extensions.state.StateExtension": 50}
    )
    with pytest.raises(NotConfigured, match="STATE_ENABLED is off"):
        build_from_crawler(IncrementalFilterMiddleware, get_crawler(settings_dict=settings))
    assert not (tmp_path / "state.sqlite").exists()


def test_a_young_article_whose_warc_file_is_gone_is_due_again(tmp_path, caplog):
    crawler, middleware = setup(
        tmp_path,
        [
            UrlState(
                "http://news.example.cn/2024/05/young.html",
                fetched_at=NOW - 1,
                **{**ARCHIVED, "warc_file": "gone.warc.gz"},
            )
        ],
    )
    response = HtmlResponse("http://news.example.cn/list/1.html", body=b"<html></html>")
    out = list(middleware.process_spider_output(response, [Request("http://news.example.cn/2024/05/young.html")]))
    assert [r.url for r in out] == ["http://news.example.cn/2024/05/young.html"]
    assert crawler.stats.get_value("incremental/lost_record") == 1
    assert [r.getMessage() for r in caplog.records if r.levelname == "WARNING"] == [
        f"{tmp_path / 'warc' / 'gone.warc.gz'}: WARC file missing from the archive; the pages archived in it are "
        "fetched again"
    ]
