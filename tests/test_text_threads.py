"""Forum threads keep their first post; wiki pages lose navboxes, infobox and jump links (crawler/text/threads.py)."""

from __future__ import annotations

import lxml.html
import pytest

from crawler.text import derive
from crawler.text.model import Capture, TextOptions
from crawler.text.threads import drop_wiki_blocks, first_post

POST = [
    "楼主说一说今年社区菜园的收成：番茄结了两百多斤，黄瓜和豆角也都吃不完，分给了左邻右舍。",
    "明年打算再开两块地，欢迎有兴趣的邻居一起来种，工具和种子都由社区提供，大家有空就来帮忙。",
]
REPLY = "羡慕！我们小区就没有这样的菜园，物业说空地要留着停车，大家提了好几次都没有结果。"


@pytest.mark.parametrize(
    "heads",
    [
        [
            "【河畔老王】 2024-05-03 08:00 356字",
            "【东湖小李】 2024-05-03 09:12 48字",
            "【种菜达人】 2024-05-04 10:00 30字",
        ],
        ["河畔老王 发表于 2024-5-3 08:00", "东湖小李 发表于 2024-5-3 09:12", "种菜达人 发表于 2024-5-4 10:00"],
        ["1楼", "2楼", "3楼"],
    ],
)
def test_a_thread_keeps_its_first_post(heads):
    lines = [heads[0], *POST, heads[1], REPLY, heads[2], REPLY + "顶一下"]
    assert first_post(lines) == (POST, 5)


def test_one_header_is_no_thread():
    lines = ["【河畔老王】 2024-05-03 08:00 356字", *POST]
    assert first_post(lines) == (lines, 0)


def test_dates_and_counts_in_prose_are_no_headers():
    lines = [*POST, "到2024年5月3日，菜园一共收了356字样的木牌，每块写着一户人家的名字。", "二楼的张阿姨也来帮忙浇水。"]
    assert first_post(lines) == (lines, 0)


WIKI = """<html><head><title>东湖菜园 - 示例百科，自由的百科全书</title></head><body>
<a class="mw-jump-link" href="#nav">跳到导航</a><a class="mw-jump-link" href="#search">跳到搜索</a>
<div id="content"><h1>东湖菜园</h1>
<table class="infobox"><tr><th>位置</th><td>东湖街道</td></tr><tr><th>面积</th><td>三亩</td></tr></table>
<p>东湖菜园是东湖街道的一处社区菜园，二〇一九年由居民在一块闲置空地上开辟，由社区统一管理，向居民开放认领。</p>
<h2>菜园的历史<span class="mw-editsection">[编辑]</span></h2>
<p>菜园最初只有十二块地，后来扩大到四十块，每年春天举行一次认领活动，认领的居民要签一份照看承诺书。</p>
<table class="navbox"><tr><td><a href="/a">东湖公园</a> · <a href="/b">东湖图书馆</a> · <a href="/c">东湖小学</a>
 · <a href="/d">东湖菜市场</a> · <a href="/e">东湖体育馆</a></td></tr></table>
<div id="catlinks" class="catlinks">分类：<a href="/f">社区菜园</a></div></div></body></html>"""


def test_a_wiki_page_gives_its_article_only():
    capture = Capture(
        "http://wiki.example.cn/wiki/东湖菜园",
        200,
        (("Content-Type", "text/html; charset=utf-8"),),
        WIKI.encode(),
        "2026-01-01T00:00:00Z",
        "s",
    )
    doc = derive(capture, TextOptions())
    assert doc.title == "东湖菜园"
    assert doc.paragraphs == (
        "东湖菜园是东湖街道的一处社区菜园，二〇一九年由居民在一块闲置空地上开辟，由社区统一管理，向居民开放认领。",
        "菜园的历史",
        "菜园最初只有十二块地，后来扩大到四十块，每年春天举行一次认领活动，认领的居民要签一份照看承诺书。",
    )


def test_pages_without_wiki_markup_are_not_walked():
    tree = lxml.html.fromstring("<html><body><table class='navbox'><tr><td>x</td></tr></table></body></html>")
    assert drop_wiki_blocks(tree, "<html>no such names</html>") == 0
    assert drop_wiki_blocks(tree, "navbox") == 1
