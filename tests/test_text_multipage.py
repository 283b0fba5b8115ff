"""Joining a multi-page article's pages (crawler/text/multipage.py), from captures made here."""

from __future__ import annotations

import pytest

from crawler.text.model import Capture, PageRef, TextOptions, WarcRef
from crawler.text.multipage import derive_article, page_bar_line
from crawler.text.pagekind import NotArticle

H = "http://news.example.cn/sh/202405"
TEXT = {
    0: [
        "市里今年启动的老旧小区改造计划，第一批共涉及二十三个小区、四千多户居民，工程将在年底前全部完工。",
        "改造内容包括外墙保温、屋面防水、管网更新和加装电梯，具体项目由居民投票决定，做到一小区一方案。",
    ],
    1: [
        "在南湖小区，居民们最关心的是加装电梯。小区一共十二个单元，已经有九个单元签字同意，施工队下月进场。",
        "为了解决低层住户的顾虑，社区请来设计单位反复修改方案，把电梯井道挪到了楼梯间外侧，不挡采光。",
    ],
    2: [
        "改造期间，施工方承诺每天晚上七点后不进行噪音作业，并在小区门口公示每周的施工计划和投诉电话。",
        "市住建局表示，第二批改造小区的名单将在明年春天公布，欢迎居民通过社区提出申请。",
    ],
}


def html(index: int, bar: str) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in TEXT[index])
    return (
        f"<html><head><meta charset='utf-8'><title>老旧小区改造计划启动_青禾新闻网</title></head><body>"
        f"<div class='nav'><a href='/'>首页</a> <a href='/sh/'>社会</a></div>"
        f"<h1>老旧小区改造计划启动</h1><div class='info'>2024-05-06 10:00 来源：青禾日报</div>"
        f"<div id='content'>{body}</div><div class='page'>{bar}</div>"
        f"<div class='footer'>青禾新闻网版权所有</div></body></html>"
    ).encode()


def capture(url: str, body: bytes, second: int) -> Capture:
    return Capture(
        url,
        200,
        (("Content-Type", "text/html; charset=utf-8"),),
        body,
        f"2026-12-06T10:00:0{second}Z",
        "test",
        WarcRef("a.warc.gz", 100 * second, f"<urn:uuid:{second}>", "sha1:X"),
    )


BAR = (
    "共3页 <a href='t20240506_1.htm'>1</a> <a href='t20240506_1_1.htm'>2</a> "
    "<a href='t20240506_1_2.htm'>3</a> <a href='t20240506_1_1.htm'>下一页</a>"
)


def test_pages_joined_in_order_and_a_repeated_page_dropped():
    first = capture(f"{H}/t20240506_1.htm", html(0, BAR), 1)
    pages = {
        f"{H}/t20240506_1_1.htm": capture(f"{H}/t20240506_1_1.htm", html(1, BAR), 2),
        # a site that answers a page number with the first page again
        f"{H}/t20240506_1_2.htm": capture(f"{H}/t20240506_1_2.htm", html(0, BAR), 3),
    }
    doc = derive_article(first, pages.get, TextOptions())
    assert doc.title == "老旧小区改造计划启动" and doc.published == "2024-05-06T10:00:00+08:00"
    assert doc.paragraphs == (*TEXT[0], *TEXT[1])
    assert doc.pages == (
        PageRef(first.url, first.warc_date, first.warc),
        PageRef(f"{H}/t20240506_1_1.htm", "2026-12-06T10:00:02Z", pages[f"{H}/t20240506_1_1.htm"].warc),
    )
    assert doc.fetched == "2026-12-06T10:00:02Z" and dict(doc.removed)["repeated-page"] == 1


def test_a_missing_page_costs_only_itself():
    first = capture(f"{H}/t20240506_1.htm", html(0, BAR), 1)
    third = capture(f"{H}/t20240506_1_2.htm", html(2, BAR), 3)
    doc = derive_article(first, {third.url: third}.get, TextOptions())
    assert doc.paragraphs == (*TEXT[0], *TEXT[2]) and [p.url for p in doc.pages] == [first.url, third.url]


def test_a_single_page_article_is_what_derive_gives():
    from crawler.text.derivation import derive

    first = capture(f"{H}/t20240506_9.htm", html(0, ""), 1)
    assert derive_article(first, lambda url: None, TextOptions()) == derive(first, TextOptions())
    assert derive(first, TextOptions()).pages == ()


def test_a_continuation_page_alone_is_not_a_text():
    page = capture(f"{H}/t20240506_1_1.htm", html(1, BAR), 2)
    with pytest.raises(NotArticle) as raised:
        derive_article(page, lambda url: None, TextOptions())
    assert raised.value.kind.kind == "continuation" and raised.value.kind.evidence == f"page of {H}/t20240506_1.htm"


def test_page_bar_lines():
    for line in (
        "上一页 1 2 3 下一页",
        "共3页 首页 上一页 [1] [2] [3] 下一页 尾页",
        "[1] [2] [3]",
        "第2页",
        "页次：2/5",
    ):
        assert page_bar_line(line), line
    for line in ("2024", "第2页的内容说明了改造的进展。", "1 2 3 木头人", "下一页"[:2] + "的故事"):
        assert not page_bar_line(line), line
