"""The scope fence: schemes, allowed domains, private addresses (unit level; crawl level in e2e)."""

from __future__ import annotations

import pytest
from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from crawler.downloadermiddlewares.scope import ScopeMiddleware, refusal

from .conftest import project_settings

DOMAINS = ("news.example.cn",)


@pytest.mark.parametrize(
    ("url", "allow_private", "expected"),
    [
        ("https://news.example.cn/a/1.html", False, None),
        ("https://m.news.example.cn/a/1.html", False, None),
        ("https://evil.example.com/a/1.html", False, "offsite"),
        ("https://news.example.cn.evil.com/", False, "offsite"),
        ("file:///etc/passwd", False, "scheme"),
        ("data:text/html,<p>hi</p>", False, "scheme"),
        ("ftp://news.example.cn/x", False, "scheme"),
        ("http://127.0.0.1:8080/", False, "private-address"),
        ("http://10.1.2.3/", False, "private-address"),
        ("http://192.168.0.1/", False, "private-address"),
        ("http://169.254.169.254/latest/meta-data/", False, "private-address"),
        ("http://[::1]/", False, "private-address"),
        ("http://localhost:8000/", False, "private-address"),
        # the other spellings of loopback and private addresses that a resolver (inet_aton) accepts
        ("http://2130706433/", False, "private-address"),
        ("http://0x7f.1/", False, "private-address"),
        ("http://0x7f000001/", False, "private-address"),
        ("http://0177.0.0.1/", False, "private-address"),
        ("http://127.1:8000/", False, "private-address"),
        ("http://017700000001/", False, "private-address"),
        ("http://167772161/", False, "private-address"),  # 10.0.0.1
        ("http://[::ffff:127.0.0.1]/", False, "private-address"),
        ("http://[::ffff:a9fe:a9fe]/", False, "private-address"),  # 169.254.169.254
        ("http://0/", False, "private-address"),  # 0.0.0.0
        # names made of hex letters are names, not addresses
        ("http://cafe.example.cn/", False, "offsite"),
        ("http://face.bead/", False, "offsite"),
        ("http://8.8.8.8/", False, "offsite"),
        ("http://134744072/", False, "offsite"),  # 8.8.8.8: public, only out of scope
        ("http://127.0.0.1:8080/", True, "offsite"),
    ],
)
def test_refusal(url, allow_private, expected):
    assert refusal(url, DOMAINS, allow_private) == expected


def test_private_address_allowed_when_the_source_opts_in():
    assert refusal("http://127.0.0.1:8080/a.html", ("127.0.0.1",), True) is None
    assert refusal("http://127.0.0.1:8080/a.html", ("127.0.0.1",), False) == "private-address"


def test_dont_filter_requests_are_refused_too():
    class Town(Spider):
        name = "town"
        allowed_domains = ["news.example.cn"]

    crawler = get_crawler(Town, project_settings())
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
