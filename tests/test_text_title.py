"""The article's title from the page's <title>, its headings and its text (crawler/text/title.py)."""

from __future__ import annotations

import lxml.html
import pytest

from crawler.text.title import choose_title

BODY = "<p>河道清淤工程历时两个月，共清理淤泥三千立方米，沿河居民说水清了。</p>"


def _choose(html_title: str, body: str, meta_title: str | None = None, head: str = "") -> str:
    html = f"<html><head><title>{html_title}</title>{head}</head><body>{body}{BODY}</body></html>"
    tree = lxml.html.fromstring(html)
    return choose_title(html_title, meta_title, tree, tree.text_content)


@pytest.mark.parametrize(
    ("html_title", "body", "expected"),
    [
        # the <h1> agrees with the part before the site name, whatever the separator
        ("河道清淤工程顺利完成_示例新闻网", "<h1>河道清淤工程顺利完成</h1>", "河道清淤工程顺利完成"),
        ("河道清淤工程顺利完成 - 示例新闻网", "<h1>河道清淤工程顺利完成</h1>", "河道清淤工程顺利完成"),
        ("河道清淤工程顺利完成|环境_示例新闻网", "<h1>河道清淤工程顺利完成</h1>", "河道清淤工程顺利完成"),
        ("河道清淤工程顺利完成——示例新闻网", "<h1>河道清淤工程顺利完成</h1>", "河道清淤工程顺利完成"),
        # a channel name first, the title after it, shown in an element whose class says title
        (
            "本地新闻--河道清淤工程顺利完成",
            '<div class="title-text">河道清淤工程顺利完成</div>',
            "河道清淤工程顺利完成",
        ),
        # a site name after a space, the heading an h2 while the h1 is the site's banner
        (
            "河道清淤工程顺利完成 东湖区人民政府",
            "<h1>东湖区人民政府</h1><h2>河道清淤工程顺利完成</h2>",
            "河道清淤工程顺利完成",
        ),
        # a title with spaces of its own stays whole
        ("河道清淤 工程顺利完成_示例新闻网", "<h1>河道清淤 工程顺利完成</h1>", "河道清淤 工程顺利完成"),
        # a sidebar heading that is a channel name of the <title> is not the title
        (
            "河道清淤工程顺利完成_环境新闻_示例新闻网",
            "<h3>环境新闻</h3><div>河道清淤工程顺利完成</div>",
            "河道清淤工程顺利完成",
        ),
        # no heading agrees: the site part goes when the page shows the rest again
        ("河道清淤工程顺利完成-纪检", "<span>河道清淤工程顺利完成</span>", "河道清淤工程顺利完成"),
        # ... and the title stays whole when the page does not show the rest again
        ("河道清淤工程顺利完成-纪检", "<span>另一个标题</span>", "河道清淤工程顺利完成-纪检"),
        # a number range is no separator
        ("1-10月全县投资增长15%", "<span>1-10月全县投资增长15%</span>", "1-10月全县投资增长15%"),
    ],
)
def test_title_from_the_pages_own_agreement(html_title, body, expected):
    assert _choose(html_title, body) == expected


def test_another_articles_heading_is_not_the_title():
    # trafilatura takes the first <h3 class="item-title">, a link to another article
    body = (
        '<div><h3 class="item-title"><a href="/b">另一篇文章的标题在这里</a></h3></div><div>河道清淤工程顺利完成</div>'
    )
    assert _choose("河道清淤工程顺利完成", body, meta_title="另一篇文章的标题在这里") == "河道清淤工程顺利完成"


def test_a_truncated_og_title_loses_to_the_heading():
    head = '<meta property="og:title" content="多地项目连环 狂奔的龙湖">'
    body = '<h1>多地项目连环 狂奔的龙湖"暗伤"曝露？</h1>'
    assert (
        _choose('多地项目连环 狂奔的龙湖"暗伤"曝露？_示例财经', body, "多地项目连环 狂奔的龙湖", head)
        == '多地项目连环 狂奔的龙湖"暗伤"曝露？'
    )


def test_og_title_agrees_when_no_heading_does():
    head = '<meta property="og:title" content="河道清淤工程顺利完成">'
    assert _choose("河道清淤工程顺利完成_示例新闻网", "<div>正文</div>", None, head) == "河道清淤工程顺利完成"


def test_no_title_element_gives_trafilaturas():
    tree = lxml.html.fromstring(f"<html><body><h1>河道清淤工程顺利完成</h1>{BODY}</body></html>")
    assert choose_title("", "河道清淤工程顺利完成", tree, tree.text_content) == "河道清淤工程顺利完成"


def test_derive_takes_the_title_the_page_agrees_on_and_no_badge_for_an_author():
    from crawler.text import derive
    from crawler.text.model import Capture, TextOptions

    html = (
        "<html><head><title>河道清淤工程顺利完成_环境频道_示例新闻网</title></head><body>"
        '<div class="side"><h3 class="item-title"><a href="/b">另一篇文章的标题在这里</a></h3></div>'
        "<h2>河道清淤工程顺利完成</h2><div>发布时间：2024-05-03 08:00 优质原创作者 河畔观察</div>"
        f"<div>{BODY * 3}</div></body></html>"
    )
    capture = Capture(
        "http://x.cn/a/1.html",
        200,
        (("Content-Type", "text/html; charset=utf-8"),),
        html.encode(),
        "2026-01-01T00:00:00Z",
        "s",
    )
    doc = derive(capture, TextOptions())
    assert (doc.title, doc.author) == ("河道清淤工程顺利完成", None)


def test_a_channel_label_title_gives_way_to_the_heading_above_the_byline():
    body = (
        "<ul><li><h3>社区食堂开业首周接待居民两千人次</h3><span>05-02</span></li></ul>"
        "<h5>东湖街道邻里节吸引三百多位居民参加</h5><div>发布时间：2024-05-03 来源：东湖街道</div>"
    )
    assert _choose("新闻动态--东湖街道办事处", body) == "东湖街道邻里节吸引三百多位居民参加"
    # a <title> naming an article keeps its own way: the dated heading is not asked
    assert _choose("河道清淤工程顺利完成-纪检", "<span>河道清淤工程顺利完成</span>" + body) == "河道清淤工程顺利完成"


def test_a_short_h1_before_a_long_site_name_is_the_title():
    head = '<meta property="og:title" content="东湖 - 示例百科，自由的百科全书">'
    title = "东湖 - 示例百科，自由的百科全书"
    assert _choose(title, "<h1>东湖</h1>", title, head) == "东湖"
    # a short h1 that is not the <title>'s leading part is no evidence
    assert _choose(title, "<h1>百科</h1>", title, head) == title
