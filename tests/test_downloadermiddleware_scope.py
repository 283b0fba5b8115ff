"""The scope fence: schemes, allowed domains, private addresses (unit level; crawl level in e2e)."""

from __future__ import annotations

import ipaddress

import pytest
from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import HtmlResponse
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from crawler.downloadermiddlewares.scope import META, ConnectedAddressMiddleware, ScopeMiddleware, connected_refusal

from .conftest import project_settings

DOMAINS = ("news.example.cn",)


def test_dont_filter_requests_are_refused_too():
    class Town(Spider):
        name = "town"
        allowed_domains = ["news.example.cn"]

    # names are resolved and checked in a real crawl (tests/faults/test_case05_scope.py); not here
    crawler = get_crawler(Town, project_settings(SCOPE_RESOLVE=False))
    crawler.spider = Town()
    middleware = build_from_crawler(ScopeMiddleware, crawler)
    crawler.stats.open_spider()
    assert middleware.process_request(Request("https://news.example.cn/")) is None
    with pytest.raises(IgnoreRequest):
        middleware.process_request(Request("https://other.example.org/", dont_filter=True))
    assert crawler.stats.get_value("scope/refused/offsite") == 1


def test_not_configured():
    with pytest.raises(NotConfigured):
        build_from_crawler(ScopeMiddleware, get_crawler(Spider, project_settings(SCOPE_ENABLED=False)))


def connected(ip: str | None, meta: dict) -> tuple[Request, HtmlResponse]:
    request = Request("https://news.example.cn/a/1.html", meta=meta)
    return request, HtmlResponse(
        request.url, request=request, body=b"<html></html>", ip_address=ipaddress.ip_address(ip) if ip else None
    )


@pytest.mark.parametrize(
    ("ip", "meta", "expected"),
    [
        ("127.0.0.1", {META: False}, "127.0.0.1"),
        ("10.1.2.3", {META: False}, "10.1.2.3"),
        ("::1", {META: False}, "::1"),
        ("::ffff:169.254.169.254", {META: False}, "::ffff:a9fe:a9fe"),
        ("8.8.8.8", {META: False}, None),
        ("127.0.0.1", {META: True}, None),  # the source allows private addresses
        ("127.0.0.1", {}, None),  # not a request ScopeMiddleware passed (it is off, or another component's)
        ("127.0.0.1", {META: False, "proxy": "http://127.0.0.1:3128"}, None),  # the proxy's address
        (None, {META: False}, None),  # a handler that does not tell
    ],
)
def test_connected_refusal(ip, meta, expected):
    assert connected_refusal(*connected(ip, meta)) == expected


def test_a_response_from_a_private_address_is_dropped_with_one_line(caplog):
    crawler = get_crawler(Spider, project_settings())
    crawler.spider = Spider("town")
    middleware = build_from_crawler(ConnectedAddressMiddleware, crawler)
    crawler.stats.open_spider()
    request, response = connected("8.8.8.8", {META: False})
    assert middleware.process_response(request, response) is response
    request, response = connected("127.0.0.1", {META: False})
    with pytest.raises(IgnoreRequest):
        middleware.process_response(request, response)
    assert crawler.stats.get_value("scope/refused/private-address-connected") == 1
    assert [r.getMessage() for r in caplog.records] == [
        "https://news.example.cn/a/1.html: refused (private-address-connected: the connection went to 127.0.0.1), "
        "not archived"
    ]
    with pytest.raises(NotConfigured):
        build_from_crawler(ConnectedAddressMiddleware, get_crawler(Spider, project_settings(SCOPE_ENABLED=False)))


def test_scope_marks_what_it_lets_through():
    class Town(Spider):
        name = "town"
        allowed_domains = ["news.example.cn"]

    crawler = get_crawler(Town, project_settings(SCOPE_RESOLVE=False))
    crawler.spider = Town()
    request = Request("https://news.example.cn/")
    build_from_crawler(ScopeMiddleware, crawler).process_request(request)
    assert request.meta[META] is False
