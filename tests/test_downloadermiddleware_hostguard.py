"""Retry-After parsing and the per-host breaker (unit level)."""

from __future__ import annotations

import asyncio

import pytest
from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from crawler.downloadermiddlewares.hostguard import HostGuardMiddleware, retry_after_seconds

NOW = 1_700_000_000.0  # 2023-11-14T22:13:20Z


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", 120.0),
        (" 5 ", 5.0),
        ("Tue, 14 Nov 2023 22:14:20 GMT", 60.0),
        ("Tue, 14 Nov 2023 22:00:00 GMT", 0.0),
        ("soon", None),
        ("", None),
        (None, None),
        ("-5", None),
    ],
)
def test_retry_after_seconds(value, expected):
    assert retry_after_seconds(value, NOW) == expected


def make(settings=None):
    clock = [NOW]
    crawler = get_crawler(Spider, settings or {})
    middleware = HostGuardMiddleware.from_crawler(crawler)
    middleware.clock = lambda: clock[0]
    crawler.stats.open_spider()
    return crawler, middleware, clock


def test_retry_after_is_capped_and_recorded():
    crawler, middleware, _ = make({"HOSTGUARD_RETRY_AFTER_MAX": 30})
    request = Request("https://news.example.cn/a")
    response = Response(request.url, status=429, headers={"Retry-After": "3600"}, request=request)
    assert middleware.process_response(request, response) is response
    assert middleware.not_before["news.example.cn"] == NOW + 30
    assert crawler.stats.get_value("hostguard/retry_after") == 1


def test_breaker_opens_after_threshold_and_fails_the_crawl():
    crawler, middleware, _ = make({"HOSTGUARD_BREAKER_THRESHOLD": 3})
    request = Request("https://bad.example.cn/x")
    for _ in range(3):
        middleware.process_response(request, Response(request.url, status=500, request=request))
    with pytest.raises(IgnoreRequest):
        asyncio.run(middleware.process_request(Request("https://bad.example.cn/y")))
    asyncio.run(middleware.process_request(Request("https://good.example.cn/y")))
    assert crawler.stats.get_value("hostguard/breaker_open") == 1
    assert crawler.stats.get_value("hostguard/refused") == 1
    assert crawler.stats.get_value("crawl/failed") == "circuit breaker open for bad.example.cn after 3 failures"


def test_success_resets_the_failure_count():
    crawler, middleware, _ = make({"HOSTGUARD_BREAKER_THRESHOLD": 2})
    request = Request("https://flaky.example.cn/x")
    middleware.process_response(request, Response(request.url, status=502, request=request))
    middleware.process_response(request, Response(request.url, status=200, request=request))
    middleware.process_response(request, Response(request.url, status=502, request=request))
    assert middleware.open == set()


def test_not_configured():
    with pytest.raises(NotConfigured):
        build_from_crawler(HostGuardMiddleware, get_crawler(Spider, {"HOSTGUARD_ENABLED": False}))
