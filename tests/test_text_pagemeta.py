"""Page metadata: trafilatura's own title and author steps, the date bounded by the WARC date."""

from __future__ import annotations

import lxml.html
import pytest
from trafilatura.metadata import extract_metadata

from crawler.text.pagemeta import PageMeta

URL = "http://news.example.cn/2024/05/a1.html"

PAGES = {
    "meta-tags": """<html><head><title>河道清淤完成_示例新闻网</title>
        <meta property="og:title" content="河道清淤工程顺利完成">
        <meta name="author" content="Wang Fang"></head>
        <body><h1>河道清淤工程顺利完成</h1><p>清淤工程历时两个月，共清理淤泥三千立方米。</p></body></html>""",
    "author-class": """<html><head><title>夜市开张</title></head><body>
        <h1>夜市开张</h1><div class="info"><span class="author">赵小燕</span></div>
        <p>新夜市设有摊位一百二十个，营业到晚上十一点。</p></body></html>""",
    "no-author-anywhere": """<html><head><title>图书馆延长开放</title></head><body>
        <h1>图书馆延长开放</h1><p>暑假期间图书馆每天开放到晚上九点。</p></body></html>""",
    "json-ld": """<html><head><title>x</title><script type="application/ld+json">
        {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "公交新线开通",
         "author": {"@type": "Person", "name": "Li Lei"}}</script></head>
        <body><h2>公交新线开通</h2><p>新线路连接火车站和体育中心。</p></body></html>""",
    # "author" in the source (a one-word meta author, a script) but in no attribute the author
    # XPaths read: they are not run
    "hint-outside-attributes": """<html><head><title>菜市场改造</title><meta name="author" content="示例网">
        <script>var author_box = null;</script></head><body><h1>菜市场改造</h1>
        <div class="info">2024-05-03</div><p>改造后的菜市场增加了停车位和公共厕所。</p></body></html>""",
    "author-element": """<html><head><title>河边步道</title></head><body><h1>河边步道</h1>
        <author>Zhao Yan</author><p>步道全长六公里，沿途设有三个休息点。</p></body></html>""",
    "byline-component": """<html><head><title>社区食堂</title></head><body><h1>社区食堂</h1>
        <div data-component="Byline">Sun Li</div><p>食堂每天供应午餐和晚餐，老人用餐有优惠。</p></body></html>""",
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_title_and_author_are_trafilaturas(name):
    html = PAGES[name]
    expected = extract_metadata(lxml.html.fromstring(html), URL)
    page = PageMeta(lxml.html.fromstring(html), html, URL, "2026-11-22T00:00:00Z")
    assert (page.title, page.author) == (expected.title, expected.author)


def test_expected_values_of_the_pages():
    got = {
        name: (
            PageMeta(lxml.html.fromstring(h), h, URL, "2026-11-22T00:00:00Z").title,
            PageMeta(lxml.html.fromstring(h), h, URL, "2026-11-22T00:00:00Z").author,
        )
        for name, h in PAGES.items()
    }
    assert got == {
        "meta-tags": ("河道清淤工程顺利完成", "Wang Fang"),
        "author-class": ("夜市开张", "赵小燕"),
        "no-author-anywhere": ("图书馆延长开放", None),
        "json-ld": ("公交新线开通", "Li Lei"),
        "hint-outside-attributes": ("菜市场改造", None),
        "author-element": ("河边步道", "Zhao Yan"),
        "byline-component": ("社区食堂", "Sun Li"),
    }


@pytest.mark.parametrize("credit", ["责任编辑：周小梅", "（编辑：周小梅）", "校对: 周小梅"])
def test_an_editors_credit_in_an_author_class_is_no_author(credit):
    # trafilatura's author XPaths take an element whose class says author, whatever it holds
    html = f"""<html><head><title>公园花展</title></head><body><h1>公园花展</h1>
        <p>花展持续到月底，展出盆栽两千余盆。</p><p class="show_author">{credit}</p></body></html>"""
    assert extract_metadata(lxml.html.fromstring(html), URL).author  # trafilatura's own step takes it
    assert PageMeta(lxml.html.fromstring(html), html, URL, "2026-11-22T00:00:00Z").author is None


@pytest.mark.parametrize(
    ("held", "author"),
    [
        ("版权声明 来源：东湖日报 时间：", None),
        ("作者：未知", None),
        ("Name; Email", None),  # a comment form's labels
        ("我已授权", None),
        ("东湖发布 关注", "东湖发布"),  # an account's name and its follow button
        ("作者：周小梅", "周小梅"),
    ],
)
def test_what_an_author_class_holds_besides_a_name(held, author):
    html = f"""<html><head><title>公园花展</title></head><body><h1>公园花展</h1>
        <p>花展持续到月底，展出盆栽两千余盆。</p><p class="author">{held}</p></body></html>"""
    assert PageMeta(lxml.html.fromstring(html), html, URL, "2026-11-22T00:00:00Z").author == author


DATED = """<html><head><title>t</title>
    <meta property="article:published_time" content="{date}"></head>
    <body><h1>t</h1><p>正文内容在这里，足够长的一段话。</p></body></html>"""


def test_date_comes_from_the_page():
    html = DATED.format(date="2024-05-03T08:00:00+08:00")
    assert PageMeta(lxml.html.fromstring(html), html, URL, "2026-11-22T00:00:00Z").date == "2024-05-03"


def test_date_after_the_capture_is_not_taken_whatever_today_is():
    # the capture is from 2024-01-10: a page date later than that is implausible, today's date
    # (the htmldate default bound) plays no part, so a rebuild in any year gives the same answer
    html = DATED.format(date="2025-06-01T08:00:00+08:00")
    page = PageMeta(lxml.html.fromstring(html), html, "http://news.example.cn/a1.html", "2024-01-10T00:00:00Z")
    assert page.date is None


def test_the_tree_is_left_as_it_was():
    html = PAGES["author-class"]
    tree = lxml.html.fromstring(html)
    before = lxml.html.tostring(tree)
    page = PageMeta(tree, html, URL, "2026-11-22T00:00:00Z")
    assert (page.title, page.author, page.date) == ("夜市开张", "赵小燕", None)
    assert lxml.html.tostring(tree) == before
