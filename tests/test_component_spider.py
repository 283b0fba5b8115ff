"""The source spider's counters (crawler/spiders.py) in process: the spider of a seed built with
``get_crawler`` from the project's settings, handed pages; what it yields and what it counts."""

from __future__ import annotations

from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.items import Page
from crawler.sources import load_source
from crawler.spiderloader import spider_class

from .conftest import project_settings

H = "http://news.example.cn"
SEED = """\
name: unit
start_urls: ['http://news.example.cn/list/1.html']
allowed_domains: [news.example.cn]
follow: ['/list/', '/cal']
articles: ['/sh/\\d+/t\\d+_\\d+(_\\d+)?\\.htm$']
"""
FIRST = f"{H}/sh/202405/t20240506_3301.htm"
SECOND = f"{H}/sh/202405/t20240506_3301_1.htm"
ARTICLE = (
    "<html><head><meta charset='utf-8'><title>标题</title></head><body><h1>标题</h1>"
    "<div id='content'><p>正文第一段，内容足够长，说明事情的经过。</p></div>{bar}</body></html>"
)


def spider(tmp_path):
    (tmp_path / "unit.yaml").write_text(SEED, "utf-8")
    cls = spider_class(load_source(tmp_path / "unit.yaml"))
    crawler = get_crawler(cls, project_settings(ARCHIVE_DIR=str(tmp_path)))
    crawler.spider = cls.from_crawler(crawler)
    crawler.stats.open_spider()
    return crawler, crawler.spider


def html(url: str, body: str) -> HtmlResponse:
    return HtmlResponse(url, body=body.encode("utf-8"), encoding="utf-8", request=Request(url))


def test_pages_article_pages_and_the_first_other_page_are_counted(tmp_path):
    crawler, source = spider(tmp_path)
    listing = html(
        f"{H}/list/1.html", f"<html><body><a href='{FIRST}'>文章</a><a href='/list/2.html'>2</a></body></html>"
    )
    assert [r.url for r in source.parse(listing)] == [FIRST, f"{H}/list/2.html"]
    [page] = list(source.parse(html(FIRST, ARTICLE.format(bar=""))))
    assert isinstance(page, Page) and page.url == FIRST
    list(source.parse(html(f"{H}/list/2.html", "<html><body></body></html>")))
    stats = crawler.stats.get_stats()
    assert (stats["spider/pages"], stats["spider/article_pages"]) == (3, 1)
    assert stats["spider/example_page"] == f"{H}/list/1.html"  # the first page fetched that is not an article


def test_trap_links_are_not_followed_and_counted_once_per_link_by_shape(tmp_path):
    crawler, source = spider(tmp_path)
    deep = "/list/" + "/".join(f"d{i}" for i in range(25)) + "/x.html"
    links = ["/list/a/list/a/list/a/list/a/x.html", deep, deep, "/cal?d=" + "1" * 2100, "/list/3.html"]
    listing = html(
        f"{H}/list/1.html", "<html><body>" + "".join(f"<a href='{h}'>x</a>" for h in links) + "</body></html>"
    )
    assert [r.url for r in source.parse(listing)] == [f"{H}/list/3.html"]
    traps = {k: v for k, v in crawler.stats.get_stats().items() if k.startswith("spider/trap/")}
    assert traps == {"spider/trap/repeated-path": 1, "spider/trap/deep-path": 1, "spider/trap/long-url": 1}


def test_a_continuation_page_reached_alone_is_no_page_its_first_page_is_requested(tmp_path):
    crawler, source = spider(tmp_path)
    bar = (
        "<div class='page'><a href='t20240506_3301.htm'>上一页</a> <a href='t20240506_3301.htm'>1</a> "
        "<span>2</span></div>"
    )
    out = list(source.parse(html(SECOND, ARTICLE.format(bar=bar))))
    assert [(type(o).__name__, o.url) for o in out] == [("Request", FIRST)]
    assert crawler.stats.get_value("spider/continuation_pages") == 1
    assert crawler.stats.get_value("spider/article_pages") == 1
