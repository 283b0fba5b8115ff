"""Article or list page, for `scrapy extract` (crawler/text/articleness.py)."""

from __future__ import annotations

import pytest

from crawler.text import derive
from crawler.text.model import Capture, TextError, TextOptions

HEADLINES = [
    "东湖街道第二批老旧小区改造项目全面开工",
    "社区食堂开业首周接待居民两千人次",
    "河道清淤工程顺利完成",
    "图书馆暑期延长开放时间",
    "公交新线连接火车站和体育中心",
    "夜市开张设摊位一百二十个",
]
PARAGRAPHS = [
    "5月3日上午，东湖街道开展邻里节活动，三百多位居民带着自家做的菜来到广场，拼成了一张长桌。",
    "街道负责人说，邻里节已经办了五年，今年第一次请来了社区里的外国居民，和大家一起包饺子、写春联。",
    "活动一直持续到下午三点，志愿者们把剩下的饭菜打包，送给了社区里行动不便的独居老人。",
]


def _page(body: str, head: str = "") -> str:
    menu = "".join(f'<a href="/c{i}/">{name}</a>' for i, name in enumerate(("首页", "要闻", "社区", "服务")))
    return (
        f"<html><head><title>东湖新闻</title>{head}</head><body><div class='nav'>{menu}</div>{body}"
        "<div class='footer'>东湖新闻网</div></body></html>"
    )


def _list_page() -> str:
    items = "".join(
        f'<li><a href="/a/{i}.html">{title}</a><span>2024-05-0{i % 9 + 1}</span></li>'
        for i, title in enumerate(HEADLINES * 3)
    )
    return _page(f"<ul class='list'>{items}</ul>")


def _derive(html: str, url: str, only: bool = True):
    capture = Capture(
        url, 200, (("Content-Type", "text/html; charset=utf-8"),), html.encode(), "2026-01-01T00:00:00Z", "s"
    )
    return derive(capture, TextOptions(only_articles=only))


def test_a_list_of_headlines_is_no_article():
    with pytest.raises(TextError) as raised:
        _derive(_list_page(), "http://x.cn/news/list_2.html")
    assert raised.value.reason == "not-article"


def test_without_only_articles_a_list_page_still_gives_its_text():
    # the crawl's own seeds decide which pages are articles: derive does not second-guess them
    assert _derive(_list_page(), "http://x.cn/news/list_2.html", only=False).paragraphs


@pytest.mark.parametrize("url", ["http://x.cn/a/2024/0503/1.html", "http://x.cn/a/1.html?id=3"])
def test_one_paragraph_of_prose_is_an_article(url):
    body = f"<div class='article'><h1>邻里节</h1><p>{PARAGRAPHS[0]}</p></div>"
    assert PARAGRAPHS[0] in _derive(_page(body), url).paragraphs


def test_an_index_url_needs_more_prose():
    body = f"<div class='article'><h1>邻里节</h1><p>{PARAGRAPHS[0]}</p></div>"
    with pytest.raises(TextError):
        _derive(_page(body), "http://x.cn/news/")
    body = "<div class='article'><h1>邻里节</h1>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "</div>"
    assert set(PARAGRAPHS) <= set(_derive(_page(body), "http://x.cn/news/index.html").paragraphs)


def test_a_page_that_says_it_is_an_article_is_one():
    body = "<div class='article'><h1>邻里节</h1><p>东湖街道今天开展邻里节活动。</p></div>"
    head = '<meta property="og:type" content="article">'
    assert "东湖街道今天开展邻里节活动。" in _derive(_page(body, head), "http://x.cn/news/").paragraphs
    with pytest.raises(TextError):
        _derive(_page(body), "http://x.cn/news/a.html")  # no sentence of prose and no declaration
