"""Retry-After parsing and the per-host breaker (unit level)."""

from __future__ import annotations

import asyncio

import pytest
from scrapy import Request, Spider
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    NotConfigured,
    ResponseDataLossError,
)
from scrapy.http import Response
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler
from twisted.internet.error import ConnectionLost

from crawler.downloadermiddlewares.hostguard import HostGuardMiddleware
from crawler.state.retry import retry_after_seconds

from .conftest import project_settings

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
    crawler = get_crawler(Spider, project_settings(**(settings or {})))
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
        build_from_crawler(HostGuardMiddleware, get_crawler(Spider, project_settings(HOSTGUARD_ENABLED=False)))


def test_a_hundred_refused_requests_in_a_row_leave_the_host_open():
    """Skipped-fresh, retry-later, scope, robots, Redis: our decisions (IgnoreRequest), and a download
    we cancelled, are no failure of the host: 100 in a row open no breaker and reset no count."""
    crawler, middleware, _ = make({"HOSTGUARD_BREAKER_THRESHOLD": 10})
    request = Request("https://news.example.cn/2024/05/a.html")
    middleware.process_response(request, Response(request.url, status=503, request=request))
    for n in range(100):
        middleware.process_exception(request, IgnoreRequest(f"{request.url}: archived, not due yet ({n})"))
    middleware.process_exception(request, DownloadCancelledError("larger than DOWNLOAD_MAXSIZE"))
    assert middleware.open == set()
    assert middleware.failures == {"news.example.cn": 1}  # the 503 before them still counts
    asyncio.run(middleware.process_request(Request("https://news.example.cn/list_2.html")))
    assert crawler.stats.get_value("hostguard/breaker_open") is None
    assert crawler.stats.get_value("hostguard/refused") is None
    assert crawler.stats.get_value("crawl/failed") is None


def test_ten_real_503s_still_open_the_breaker():
    crawler, middleware, _ = make({"HOSTGUARD_BREAKER_THRESHOLD": 10})
    request = Request("https://news.example.cn/list_1.html")
    for _ in range(9):
        middleware.process_response(request, Response(request.url, status=503, request=request))
        middleware.process_exception(request, IgnoreRequest("skipped: fresh"))  # interleaved, not counted
    assert middleware.open == set()
    middleware.process_response(request, Response(request.url, status=503, request=request))
    assert middleware.open == {"news.example.cn"}
    assert crawler.stats.get_value("crawl/failed") == "circuit breaker open for news.example.cn after 10 failures"


@pytest.mark.parametrize(
    "failure",
    [
        Response("https://news.example.cn/x", status=429),
        Response("https://news.example.cn/x", status=500),
        DownloadTimeoutError("took longer than 30 seconds"),
        DownloadConnectionRefusedError("refused"),
        CannotResolveHostError("no such host"),
        ResponseDataLossError("cut"),
        ConnectionLost(),
    ],
)
def test_what_counts_as_a_failure_of_the_host(failure):
    """5xx, 429 and download errors (DNS, refused, timeout, lost or cut connections) count."""
    _, middleware, _ = make({"HOSTGUARD_BREAKER_THRESHOLD": 2})
    request = Request("https://news.example.cn/x")
    for _ in range(2):
        if isinstance(failure, Response):
            middleware.process_response(request, failure.replace(request=request))
        else:
            middleware.process_exception(request, failure)
    assert middleware.open == {"news.example.cn"}


def test_anti_bot_walls_are_failures_of_the_host_and_articles_are_not():
    """A 200 verification page (访问验证, 请开启JavaScript) counts toward the breaker like a 503; an
    article that mentions verification in a long text of its own does not, and resets the count."""
    from scrapy.http import HtmlResponse

    crawler, middleware, _ = make({"HOSTGUARD_BREAKER_THRESHOLD": 3})
    wall = (
        "<html><head><title>访问验证</title></head><body><p>请开启JavaScript并刷新该页</p>"
        "<script>document.cookie='t=1';location.reload()</script></body></html>"
    ).encode()
    story = (
        "<html><head><title>网上办事如何完成身份验证</title></head><body><article>"
        + "<p>记者从市政务服务中心了解到，今年起市民办理社保、公积金等业务时，可以在手机上完成身份验证，不必再到窗口排队。</p>"
        * 6
        + "</article></body></html>"
    ).encode("utf-8")
    request = Request("https://news.example.cn/a/1.html")

    def answer(body: bytes) -> None:
        middleware.process_response(
            request,
            HtmlResponse(
                request.url,
                status=200,
                body=body,
                request=request,
                headers={"Content-Type": "text/html; charset=utf-8"},
            ),
        )

    answer(wall)
    answer(wall)
    answer(story)
    assert middleware.failures == {}  # the article reset the count
    for _ in range(3):
        answer(wall)
    assert middleware.open == {"news.example.cn"}
    assert crawler.stats.get_value("hostguard/wall") == 5
    assert crawler.stats.get_value("crawl/failed") == "circuit breaker open for news.example.cn after 3 failures"


def test_the_warc_extensions_verdict_on_the_same_body_is_taken_and_a_stale_one_is_not():
    """The WARC extension checks an article page's body before this middleware sees it and leaves
    (body length, verdict) in the request's meta: that verdict is used, not computed again; a
    verdict about a body of another length (a retried request's copy) is ignored."""
    from scrapy.http import HtmlResponse

    from crawler.downloadermiddlewares.hostguard import WALL_VERDICT

    crawler, middleware, _ = make({"HOSTGUARD_BREAKER_THRESHOLD": 5})
    body = "<html><body><p>一篇普通的文章，足够长的一段正文。</p></body></html>".encode()

    def answer(verdict) -> None:
        request = Request("https://news.example.cn/a/1.html", meta={WALL_VERDICT: verdict})
        response = HtmlResponse(
            request.url, status=200, body=body, request=request, headers={"Content-Type": "text/html"}
        )
        middleware.process_response(request, response)

    answer((len(body), "访问验证"))  # taken as it is: the extension saw a wall in these bytes
    assert middleware.failures == {"news.example.cn": 1}
    assert crawler.stats.get_value("hostguard/wall") == 1
    answer((len(body) + 1, "访问验证"))  # another body's verdict: this body is checked, an article
    assert middleware.failures == {}
    assert crawler.stats.get_value("hostguard/wall") == 1
