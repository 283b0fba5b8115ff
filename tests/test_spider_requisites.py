"""The spider's page requisites, as a component (``get_crawler``): once per URL per crawl, within
allowed_domains, the per-page and per-crawl caps, a stylesheet's references one level, off by seed."""

from __future__ import annotations

from scrapy.http import HtmlResponse, TextResponse
from scrapy.utils.test import get_crawler

from crawler.requisitespider import META
from crawler.sources import load_source
from crawler.spiderloader import spider_class

from .conftest import project_settings

SEED = """\
name: req
start_urls: ['http://news.example.cn/']
allowed_domains: [news.example.cn]
articles: ['/a/\\\\d+\\\\.html$']
"""

PAGE = """<html><head><link rel="stylesheet" href="/s.css"><script src="/app.js"></script></head><body>
<img src="/i/1.png"><img src="/i/2.png" srcset="/i/2.png 1x, /i/2x.png 2x"><img src="http://cdn.other.cn/x.png">
</body></html>"""


def spider(tmp_path, settings=None, extra=""):
    (tmp_path / "req.yaml").write_text(SEED + extra, encoding="utf-8")
    cls = spider_class(load_source(tmp_path / "req.yaml"))
    crawler = get_crawler(cls, project_settings(**(settings or {})))
    crawler.spider = cls.from_crawler(crawler)
    crawler.stats.open_spider()
    return crawler.spider, crawler.stats


def page(url: str, body: str = PAGE) -> HtmlResponse:
    return HtmlResponse(url, body=body.encode(), encoding="utf-8")


def urls(requests) -> list[str]:
    return [r.url for r in requests]


def test_once_per_url_in_scope_in_page_order(tmp_path):
    s, stats = spider(tmp_path)
    first = list(s.page_requisites(page("http://news.example.cn/a/1.html")))
    assert urls(first) == [
        "http://news.example.cn/s.css",
        "http://news.example.cn/app.js",
        "http://news.example.cn/i/1.png",
        "http://news.example.cn/i/2.png",
        "http://news.example.cn/i/2x.png",
    ]
    assert all(r.meta[META] == 0 and r.callback == s.parse_requisite and r.priority == -1 for r in first)
    assert list(s.page_requisites(page("http://news.example.cn/a/2.html"))) == []  # the same ones: none again
    assert (stats.get_value("requisites/requested"), stats.get_value("requisites/offsite")) == (5, 2)


def test_per_page_and_per_crawl_caps(tmp_path):
    s, stats = spider(tmp_path, {"REQUISITES_PER_PAGE": 2, "REQUISITES_MAX": 3})
    assert urls(s.page_requisites(page("http://news.example.cn/a/1.html"))) == [
        "http://news.example.cn/s.css",
        "http://news.example.cn/app.js",
    ]
    assert stats.get_value("requisites/capped") == 3
    other = PAGE.replace("/i/", "/j/").replace("/s.css", "/t.css").replace("/app.js", "/b.js")
    assert urls(s.page_requisites(page("http://news.example.cn/a/2.html", other))) == ["http://news.example.cn/t.css"]
    assert (stats.get_value("requisites/requested"), stats.get_value("requisites/capped")) == (3, 3 + 4)


def test_a_stylesheet_adds_its_references_one_level(tmp_path):
    s, stats = spider(tmp_path)
    [css] = [r for r in s.page_requisites(page("http://news.example.cn/a/1.html")) if r.url.endswith(".css")]
    sheet = TextResponse(
        css.url,
        body=b'@import "more.css"; body { background: url(../i/1.png) url(bg.gif) }',
        headers={"Content-Type": "text/css"},
        encoding="utf-8",
        request=css,
    )
    more = list(s.parse_requisite(sheet))
    assert urls(more) == ["http://news.example.cn/more.css", "http://news.example.cn/bg.gif"]  # i/1.png: asked already
    assert [r.meta[META] for r in more] == [1, 1]
    nested = TextResponse(
        more[0].url,
        body=b"body { background: url(deep.png) }",
        headers={"Content-Type": "text/css"},
        encoding="utf-8",
        request=more[0],
    )
    assert list(s.parse_requisite(nested)) == []  # one level only
    assert stats.get_value("requisites/captured") == 2


def test_off_in_the_seed(tmp_path):
    s, stats = spider(tmp_path, extra="requisites: false\n")
    assert list(s.page_requisites(page("http://news.example.cn/a/1.html"))) == []
    assert stats.get_value("requisites/requested") is None
