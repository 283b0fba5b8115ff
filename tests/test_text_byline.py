"""Bylines are text, not markup (crawler/text/byline.py): entities decoded, fields split."""

from __future__ import annotations

import pytest

from crawler.text import derive
from crawler.text.byline import fields, reporter
from crawler.text.model import Capture, TextOptions

PAGE = """<html><head><meta charset="utf-8"><title>{title_html}_示例新闻网</title></head><body>
<div class="nav"><a href="/">首页</a></div><div class="article"><h1>{title_html}</h1>
<div class="info">{byline}</div>
<p>五月六日上午，示例街道在社区服务中心举办便民服务活动，志愿者为居民提供理发、量血压和家电维修等服务。</p>
<p>活动现场排起了长队，不少老人一早就赶来，工作人员说，这样的活动今后每个月都会举办一次。</p>
<p>街道负责人介绍，今年以来已经组织类似活动十二场，服务居民超过三千人次，受到大家的欢迎。</p>
</div></body></html>"""

BYLINES = {
    "nbsp": "2025-05-06 08:30&nbsp;&nbsp;来源：新华网&nbsp;&nbsp;作者：王小明",
    "spaces": "2025-05-06 08:30 来源：新华网  作者：王小明  编辑：李华",
    "pipes": "2025-05-06 08:30 | 来源：新华网 | 作者：王小明 | 编辑：李华",
    "full-width": "2025-05-06 08:30\u3000来源：新华网\u3000记者：王小明\u3000编辑：李华",
    "nothing-between": "来源：新华网作者：王小明编辑：李华 2025-05-06 08:30",
    "spans": "<span>2025-05-06 08:30</span><span>来源：新华网</span><span>作者：王小明</span>",
    "escaped-twice": "2025-05-06 08:30 来源：新华网&amp;nbsp;&amp;nbsp;作者：王小明",
}
TITLES = {
    "plain": ("街道举办便民服务活动", "街道举办便民服务活动"),
    "ampersand-quotes": (
        "街道&amp;社区：&quot;便民&quot;服务 {活动} &#8220;开张&#8221;",
        '街道&社区："便民"服务 {活动} “开张”',
    ),
}


@pytest.mark.parametrize("title", sorted(TITLES))
@pytest.mark.parametrize("byline", sorted(BYLINES))
def test_origin_and_author_are_split_whatever_separates_them(byline, title):
    title_html, title_text = TITLES[title]
    html = PAGE.format(title_html=title_html, byline=BYLINES[byline])
    capture = Capture(
        "http://news.example.cn/2025/05/a1.html",
        200,
        (("Content-Type", "text/html; charset=utf-8"),),
        html.encode("utf-8"),
        "2025-05-07T00:00:00Z",
        "news",
    )
    doc = derive(capture, TextOptions())
    assert (doc.title, doc.author, dict(doc.meta).get("origin"), doc.published) == (
        title_text,
        "王小明",
        "新华网",
        "2025-05-06T08:30:00+08:00",
    )


def test_fields_of_byline_lines():
    assert fields("来源：人民日报（海外版）｜作者：张三、李四") == {
        "origin": "人民日报（海外版）",
        "author": "张三、李四",
    }
    assert fields("【来源：新华网】") == {"origin": "新华网"}
    assert fields("来源：新华网&nbsp;作者：王小明") == {"origin": "新华网", "author": "王小明"}
    assert fields("记者 王小明 摄影：赵六") == {"author": "王小明"}
    assert fields("责任编辑：李华") == {}
    assert fields("来源：新华网丨作者：王小明") == {"origin": "新华网", "author": "王小明"}
    assert fields("来源：新华网·作者：王小明") == {"origin": "新华网", "author": "王小明"}
    assert fields("来源：新华社·客户端 作者：王小明") == {"origin": "新华社·客户端", "author": "王小明"}


def _derive(info: str, first: str = "", last: str = "", related: str = "", date: str = "2025-05-07T00:00:00Z"):
    """PAGE with ``info`` as its byline, ``first``/``last`` as extra body paragraphs around its
    own three, ``related`` after the article."""
    html = PAGE.format(title_html="街道举办便民服务活动", byline=info)
    if first:
        html = html.replace("</div>\n<p>", f"</div>\n<p>{first}</p>\n<p>", 1)
    if last:
        html = html.replace("</p>\n</div>", f"</p>\n<p>{last}</p>\n</div>", 1)
    html = html.replace("</div></body>", f"</div>{related}</body>")
    capture = Capture(
        "http://news.example.cn/a1.html",
        200,
        (("Content-Type", "text/html; charset=utf-8"),),
        html.encode("utf-8"),
        date,
        "news",
    )
    return derive(capture, TextOptions())


def test_an_outlet_and_role_before_the_name_are_not_the_name():
    # the info line names the origin, the first paragraph the author, after outlet and role
    doc = _derive("2025-05-06 08:30【来源：东湖日报】", first="作者：东湖日报全媒体记者 王晓燕")
    assert (doc.author, dict(doc.meta).get("origin")) == ("王晓燕", "东湖日报")
    assert not any("王晓燕" in p for p in doc.paragraphs)
    assert fields("作者：东湖日报全媒体记者 王晓燕") == {"author": "王晓燕"}
    assert fields("记者 王小明") == {"author": "王小明"}


@pytest.mark.parametrize(
    ("line", "author"),
    [
        ("东湖晚报记者 王晓燕", "王晓燕"),
        ("采写：东湖都市报见习记者 周明远", "周明远"),
        ("《东湖观察》作者 刘一帆", "刘一帆"),
        ("东湖晚报记者 王晓燕 李建国", "王晓燕、李建国"),
        ("东湖晚报记者 王晓燕 通讯员 李建国", "王晓燕"),
    ],
)
def test_a_standalone_reporter_line_leaves_the_body_and_names_the_author(line, author):
    for place in ("first", "last"):
        doc = _derive("2025-05-06 08:30", **{place: line})
        assert doc.author == author
        assert line not in doc.paragraphs
        assert len(doc.paragraphs) == 3


def test_a_sentence_or_subheading_naming_a_reporter_stays_in_the_body():
    sentence = "东湖晚报记者王晓燕在现场看到，不少居民带着家里坏了的电器来维修。"
    doc = _derive("2025-05-06 08:30", last=sentence)
    assert sentence in doc.paragraphs
    assert doc.author is None
    assert reporter("一起跟着记者 看变化") is None  # no outlet before the role: a subheading
    assert "一起跟着记者 看变化" in _derive("2025-05-06 08:30", last="一起跟着记者 看变化").paragraphs


@pytest.mark.parametrize(
    "sentence",
    [
        "记者获悉，街道下月起将延长服务时间。",
        "社区负责人对记者表示，活动还会继续办下去。",
        "一位居民告诉记者，她每周都来。",
        "记者了解到，这是街道第三次举办此类活动。",
    ],
)
def test_a_reporter_inside_a_sentence_names_no_author(sentence):
    assert fields(sentence) == {}


def test_the_original_author_in_a_title_is_not_the_author():
    assert fields("儿歌被改编 原作者女儿：改成这样不觉得别扭吗") == {}


def test_foreign_language_bylines_name_the_author():
    assert fields("입력 2024-09-21 09:40 | 출처: 동호일보 | 기자: 박서연 우한시") == {"author": "박서연"}
    assert fields("2024-06-12 | Источник: Дунху Жибао | Автор: Ван Мин В субботу") == {"author": "Ван Мин"}


RELATED = (
    "<ul class='hot'><li><a href='/b1.html'>另一条新闻的标题在这里</a><span>2019年09月06日 09:38</span></li>"
    "<li><a href='/b2.html'>又一条新闻的标题在这里</a><span>2019年09月08日 14:10</span></li></ul>"
)


def test_the_bylines_date_wins_over_the_dates_of_a_related_list():
    doc = _derive("2025-05-06 08:30 来源：新华网", related=RELATED)
    assert doc.published == "2025-05-06T08:30:00+08:00"


def test_a_date_inside_the_first_sentence_is_not_the_bylines_date():
    doc = _derive(
        "来源于：街道办事处",
        first="2025年5月2日下午，街道工作人员走访了辖区内的三家企业。",
        last="发布日期：2025-05-06",
    )
    assert doc.published == "2025-05-06"


def test_a_labelled_two_digit_year_is_read():
    assert _derive("发布时间：25-05-06 08:30").published == "2025-05-06T08:30:00+08:00"


@pytest.mark.parametrize("name", ["佚名", "网络整理", "來自網絡", "互联网", "网络", "未知", "不详"])
def test_an_author_field_that_names_no_one_gives_no_author(name):
    """作者：佚名 (anonymous), 作者：网络整理 ("compiled from the web"): no author, in a byline line as
    in a metadata line of the body; the origin beside it stays."""
    from crawler.text.byline import split_meta

    assert fields(f"时间：2019-09-25 作者：{name} 来源：东湖在线") == {"origin": "东湖在线"}
    assert split_meta([f"2019-09-25 作者：{name}"], "2026-01-01T00:00:00Z") == ([], {"published": "2019-09-25"})
    assert fields("作者：王网络") == {"author": "王网络"}  # a name that holds one of the words is a name
