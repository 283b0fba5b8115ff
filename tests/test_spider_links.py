"""The spider's link filter gives what Scrapy's LinkExtractor gives, once per distinct href."""

from __future__ import annotations

from scrapy.http import HtmlResponse

from crawler.sources import load_source
from crawler.spiderloader import spider_class

SEED = """\
name: links
start_urls: ['http://news.example.cn/']
allowed_domains: [news.example.cn]
follow: ['/list/']
articles: ['/\\d{4}/\\d{2}/[\\w.%-]+\\.html$']
deny: ['/private/']
"""

PAGE = """<html><head><meta charset="{charset}"><title>列表</title></head><body>
<a href="http://news.example.cn/2024/05/a1.html">绝对</a>
<a href="/2024/05/a2.html">根相对</a>
<a href="  ../2024/05/a3.html ">路径相对，带空格</a>
<a href="//news.example.cn/2024/05/a4.html">协议相对</a>
<a href="/2024/05/报道.html">中文路径</a>
<a href="/2024/05/a1.html">重复</a>
<a href="/list/?page=2">下一页</a>
<a href="/list/?tag=报道">标签</a>
<a href="/2024/05/scan.pdf">附件</a>
<a href="/private/2024/05/a5.html">内部</a>
<a href="javascript:void(0)">脚本</a>
<a href="mailto:tips@news.example.cn">邮件</a>
<a>无链接</a>
<map><area href="/2024/05/a6.html"></map>
<a href="#top">顶部</a>
</body></html>"""


def spider(tmp_path):
    (tmp_path / "links.yaml").write_text(SEED, encoding="utf-8")
    return spider_class(load_source(tmp_path / "links.yaml"))()


def response(url: str, charset: str) -> HtmlResponse:
    return HtmlResponse(url, body=PAGE.format(charset=charset).encode(charset), encoding=charset)


def test_same_links_as_linkextractor_in_page_order(tmp_path):
    s = spider(tmp_path)
    for charset in ("utf-8", "gbk"):
        page = response("http://news.example.cn/list/index.html", charset)
        expected = [link.url for link in s._links.extract_links(page)]
        assert s.links(page) == expected
        assert s.links(page) == expected  # second time from the remembered verdicts


def test_exact_urls_and_encoding_of_a_non_ascii_path(tmp_path):
    s = spider(tmp_path)
    assert s.links(response("http://news.example.cn/list/index.html", "gbk")) == [
        "http://news.example.cn/2024/05/a1.html",
        "http://news.example.cn/2024/05/a2.html",
        "http://news.example.cn/2024/05/a3.html",
        "http://news.example.cn/2024/05/a4.html",
        "http://news.example.cn/2024/05/%E6%8A%A5%E9%81%93.html",  # a path is UTF-8 (WHATWG URL)...
        "http://news.example.cn/list/?page=2",
        "http://news.example.cn/list/?tag=%B1%A8%B5%C0",  # ...a query in the page's encoding
        "http://news.example.cn/2024/05/a6.html",
        "http://news.example.cn/list/index.html#top",
    ]
    utf8 = s.links(response("http://news.example.cn/list/index.html", "utf-8"))
    assert "http://news.example.cn/list/?tag=%E6%8A%A5%E9%81%93" in utf8


def test_relative_links_resolve_against_each_page_and_base_href(tmp_path):
    s = spider(tmp_path)
    deeper = s.links(response("http://news.example.cn/list/more/index.html", "utf-8"))
    assert "http://news.example.cn/list/2024/05/a3.html" in deeper  # ../ from a deeper page
    with_base = HtmlResponse(
        "http://news.example.cn/list/index.html",
        encoding="utf-8",
        body=b'<html><head><base href="http://news.example.cn/2023/"></head>'
        b'<body><a href="01/x.html">x</a></body></html>',
    )
    assert s.links(with_base) == ["http://news.example.cn/2023/01/x.html"]


def test_the_memo_is_bounded(tmp_path, monkeypatch):
    import crawler.spiders

    monkeypatch.setattr(crawler.spiders, "LINK_MEMO_SIZE", 5)
    s = spider(tmp_path)
    page = response("http://news.example.cn/list/index.html", "utf-8")
    expected = [link.url for link in s._links.extract_links(page)]
    assert s.links(page) == expected
    assert len(s._verdicts) <= 5
