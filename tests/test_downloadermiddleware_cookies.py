"""Cookies never make the crawl leave its scope: the public suffix list is tldextract's snapshot."""

from __future__ import annotations

import socket

from scrapy import Request
from scrapy.downloadermiddlewares import cookies as scrapy_cookies
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler import settings
from crawler.downloadermiddlewares.cookies import OFFLINE_SUFFIXES, CookiesMiddleware


def test_a_domain_cookie_is_checked_against_the_bundled_list_without_a_connection(monkeypatch):
    attempts = []

    def no_network(self, address, *args):  # the internet is the one thing mocked
        attempts.append(address)
        raise OSError("no network in this test")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", lambda address, *a, **k: no_network(None, address))
    crawler = get_crawler(settings_dict={"COOKIES_ENABLED": True})
    middleware = CookiesMiddleware.from_crawler(crawler)
    assert scrapy_cookies._split_domain is OFFLINE_SUFFIXES
    request = Request("https://news.example.com.cn/a/1.html")
    response = HtmlResponse(request.url, request=request, body=b"<html></html>", headers={
        "Set-Cookie": ["visitor=1; Domain=.example.com.cn; Path=/", "bad=1; Domain=.com.cn; Path=/"]})
    middleware.process_response(request, response)
    follow = Request("https://www.example.com.cn/b/2.html")
    middleware.process_request(follow)
    assert follow.headers.get("Cookie") == b"visitor=1"  # .com.cn is a public suffix: refused
    assert scrapy_cookies._is_public_domain("com.cn") and not scrapy_cookies._is_public_domain("example.com.cn")
    assert attempts == []


def test_the_offline_middleware_replaces_scrapys():
    assert settings.DOWNLOADER_MIDDLEWARES["scrapy.downloadermiddlewares.cookies.CookiesMiddleware"] is None
    assert settings.DOWNLOADER_MIDDLEWARES["crawler.downloadermiddlewares.cookies.CookiesMiddleware"] == 700
    assert OFFLINE_SUFFIXES.suffix_list_urls == ()


def test_a_cookie_flood_is_capped_with_one_warning(caplog):
    crawler = get_crawler(settings_dict={"COOKIES_ENABLED": True})
    middleware = CookiesMiddleware.from_crawler(crawler)
    for i in range(12):  # each page sets one more 1,000-byte cookie
        request = Request(f"https://news.example.cn/a/{i}.html")
        middleware.process_request(request)
        response = HtmlResponse(request.url, request=request, body=b"<html></html>",
                                headers={"Set-Cookie": f"c{i}={'x' * 1000}; Path=/"})
        middleware.process_response(request, response)
    for n in range(3):
        flood = Request(f"https://news.example.cn/b/{n}.html")
        middleware.process_request(flood)
        assert flood.headers.get("Cookie") is None
    assert crawler.stats.get_value("cookies/oversize") == 3 + 3  # pages 9, 10 and 11 of the flood too
    warnings = [r.getMessage() for r in caplog.records if "cookies add up to" in r.getMessage()]
    assert len(warnings) == 1 and "requests to news.example.cn are sent without them" in warnings[0]
