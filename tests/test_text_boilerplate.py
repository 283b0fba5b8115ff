"""Boilerplate rules and their look-alikes, site-wide learning, near-duplicates, order independence."""

from __future__ import annotations

import random
import re

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.text.boilerplate import GENERIC_RULES, generic_rule, remove_generic
from crawler.text.byline import byline_text, collapse_spaces, split_meta
from crawler.text.dedup import cluster_documents
from crawler.text.model import Document, EncodingInfo, TextOptions, WarcRef
from crawler.text.sitewide import finalize

from .realpages import pages_dir

TITLE = "东湖街道开展邻里节活动"


RULE_LINES = [
    ("分享到：微信 微博 QQ空间", "share"),
    ("分享：", "share"),
    ("【分享】", "share"),
    ("【上一篇】 社区开展消防演练", "prev-next"),
    ("相关阅读", "related"),
    ("【相關文章】", "related"),
    ("热点新闻", "related"),
    ("猜你喜欢", "related"),
    ("【纠错】 责任编辑：李编辑", "editor"),
    ("当前位置：首页 > 地方频道 > 正文", "breadcrumb"),
    ("版权所有 © 2024 东湖在线 备案号：鄂ICP备00000000号", "copyright"),
    ("本网站所有内容未经授权禁止转载", "copyright"),
    ("【打印】【关闭】", "print-close"),
    ("打印本页 关闭窗口", "print-close"),
    ("（责任编辑：王小明）", "editor"),
    ("审核：李四", "editor"),
    ("上一篇：社区开展消防演练", "prev-next"),
    ("扫一扫在手机打开当前页", "app-prompt"),
    ("本站累计访问：102146人次", "counter"),
    ("浏览次数：88", "counter"),
    ("【点击数：1,024】", "counter"),
    ("本页更新于 2026-12-06 18:39:35", "clock"),
    ("今天是2024年5月6日 星期一", "clock"),
    ("北京时间：2024-05-06 10:00", "clock"),
    (TITLE, "repeated"),
    ("东湖街道开展邻里节活动，三百多位居民…", "teaser"),
    ("西山公园梅花节开幕 三十多个品种的梅花陆续开放，游客可以预约入园。 【详细】", "teaser-more"),
    ("河东区新建三座口袋公园，居民散步有了新去处。[详情]", "teaser-more"),
    ("老街改造进入收尾阶段，预计月底前恢复通行 全文>>", "teaser-more"),
    ("本文为东湖在线原创稿件，未经允许不得转载", "copyright"),
    ("本文仅代表作者个人观点。", "disclaimer"),
    ("编辑 王小明 校对 李四", "editor"),
    ("街道办公室供稿 摄影/张三 编辑/李四", "editor"),
    ("2024-05-06 10:00来源：东湖日报", "info-line"),
    ("2024年5月6日 10:00 作者：王小明", "info-line"),
    ("原创" + TITLE, "repeated"),
    ("跳到导航", "jump-link"),
    ("立即登录 免注册", "account"),
    ("消息 3", "account"),
    ("第三届社区运动会投票开始啦【点击投票】选出你最喜爱的项目", "promo"),
    ("国家发改委|中国浙江|东湖在线", "menu-bar"),
]


@pytest.mark.parametrize(("line", "rule"), RULE_LINES)
def test_generic_rules(line, rule):
    body = ["东湖街道开展邻里节活动，三百多位居民带着自家做的菜来到广场，拼成了一张长桌。", line]
    kept, removed = remove_generic(body, TITLE, ())
    assert kept == body[:1]
    assert dict(removed) == {rule: 1}


LOOKALIKES = [
    "这起版权纠纷持续了三年，法院最终判决出版社赔偿作者12万元，版权所有人对此表示满意，并呼吁同行重视合同条款。",
    "记者在现场看到，志愿者把分享到的经验写在黑板上，供后来的居民参考。",
    "当前位置优越的社区服务站，每天接待居民超过两百人次，是全区最忙的服务站之一。",
    "一、清理楼道杂物",
    "二、检查消防通道",
    "相关部门表示，将在下月公布新的补贴标准。",
    "上一篇文章里我们提到，社区食堂的价格由街道和企业共同商定。",
    "志愿者们扫一扫老人的健康码，再逐一登记，整个过程不到两分钟。",
    "今年以来，景区累计接待游客访问量：120万人次。",
    "数据更新于2024年5月6日，此后新增的病例将在下周公布。",
    "截至目前，平台累计访问量超过3000万次，日均访问量12万人次。",
    "居民可以到服务站查阅【详细】的补贴标准和申请流程，工作人员会当场解答。",  # not at the end: a word
    "本文仅代表作者个人观点，我们欢迎读者来信讨论。但街道的补贴标准以正式文件为准。",  # more than the notice
    "编辑 王小明",  # one name: a heading or a byline, not a credits line
    "文/张三 图/李四",  # the byline's credits: no editor among them
    "2024-05-06 10:00来源：东湖日报。记者当天在现场看到，居民排起了长队。",
    "记者带回了" + TITLE,  # a sentence ending with the title, its start more than a label
]


@pytest.mark.parametrize("line", LOOKALIKES)
def test_lookalikes_survive(line):
    kept, removed = remove_generic([line], TITLE, ())
    assert kept == [line]
    assert not removed


def test_source_patterns_match_whole_paragraphs():
    kept, removed = remove_generic(
        ["欢迎投稿：news@example.cn", "报社欢迎投稿：这句话是正文的一部分"], TITLE, (r"欢迎投稿：.*",)
    )
    assert kept == ["报社欢迎投稿：这句话是正文的一部分"]
    assert dict(removed) == {"source-pattern": 1}


def test_byline_lines_become_metadata_and_reporter_sentences_stay():
    lines = [
        "2024年5月3日 07:02　来源：市文明办　作者：郑雨　点击：2345",
        "记者5月12日从柳荫路社区了解到，当地志愿服务队近期维修社区公共座椅。",
    ]
    assert split_meta(lines, "2026-01-01T00:00:00Z") == (
        lines[1:],
        {"published": "2024-05-03T07:02:00+08:00", "author": "郑雨", "origin": "市文明办"},
    )


def test_a_list_heading_is_no_byline_and_a_listed_original_title_is_metadata():
    """作者最近文章 (the author's recent articles: a list of other articles begins) has no 作者 label:
    it stays in the body, where it closes the article; 原标题 in a list item is metadata as without."""
    lines = [
        "- 原标题：东湖街道三座口袋公园同日开放",
        "记者5月12日从柳荫路社区了解到，当地志愿服务队近期维修社区公共座椅。",
        "作者最近文章",
        "记者最近文章",
    ]
    assert split_meta(lines, "2026-01-01T00:00:00Z") == (lines[1:], {"original_title": "东湖街道三座口袋公园同日开放"})


def test_future_dates_are_rejected():
    assert split_meta(["发布时间：2027-01-05"], "2026-11-22T00:00:00Z") == ([], {})


PROSE16 = "社区志愿者维修了公共座椅和楼道灯"  # 16 characters _META_PART does not remove


@pytest.mark.parametrize(
    ("line", "meta"),
    [
        # a dated, counted line may keep 16 other characters; with 17 it is body text
        ("发布时间：2024-05-03 点击：12 " + PROSE16, {"published": "2024-05-03"}),
        ("发布时间：2024-05-03 点击：12 " + PROSE16 + "。", None),
        # a byline word takes a name of up to 20 characters with it, whatever they are
        # (a metadata line; no author: a name ends where the line's CJK run does, not 4 characters in)
        ("作者：" + "郑" * 22, {}),
        ("作者：" + "郑" * 23, None),
        # a metadata line has at most 100 characters
        ("2024-05-03" + " " * 90, {"published": "2024-05-03"}),
        ("2024-05-03" + " " * 91, None),
    ],
)
def test_metadata_line_bounds(line, meta):
    expected = ([], meta) if meta is not None else ([line], {})
    assert split_meta([line], "2026-01-01T00:00:00Z") == expected


@pytest.mark.parametrize(
    ("first", "line", "teaser"),
    [
        ("正文第一段。", "东湖街道开展邻里节。。。", True),
        ("正文第一段。", "东湖街道开展邻里节...", True),
        ("正文第一段。", "东湖街道开展邻里节……", True),
        ("正文第一段。", "东湖街道开展邻里节。。", False),  # two full stops are no ellipsis
        ("正文第一段。", "东湖街道开展邻里节… ", False),  # nor one with something after it
        ("东湖街道开展邻里节\n活动", "东湖街道开展邻里节…\n", True),  # "$" matches before a final newline
    ],
)
def test_teaser_endings(first, line, teaser):
    kept, removed = remove_generic([first, line], TITLE, ())
    assert (kept, dict(removed)) == (([first], {"teaser": 1}) if teaser else ([first, line], {}))


def test_byline_text_keeps_the_spaces_around_it():
    assert byline_text("<h1>标题</h1>\n<p>2024年5月3日</p>\n", "标题") == " 2024年5月3日 "
    assert byline_text("\n<h1>标题</h1>来源：本网", "标题") == " 来源：本网"


@given(
    st.lists(
        st.sampled_from(["a", "东", " ", "\n", "\t", "\u3000", "\xa0", "\u2028", "\x1c", "\u200b"]), max_size=12
    ).map("".join)
)
@settings(max_examples=300, deadline=None)
def test_property_collapse_spaces_is_the_regex(text):
    assert collapse_spaces(text) == re.sub(r"\s+", " ", text)


def document(doc_id: str, paragraphs: list[str], source: str = "s", fetched: str = "2026-01-01T00:00:00Z") -> Document:
    return Document(
        id=doc_id,
        url=f"http://x.cn/{doc_id}",
        source=source,
        title=f"标题{doc_id}",
        fetched=fetched,
        encoding=EncodingInfo(None, "utf-8", "utf8-valid"),
        paragraphs=tuple(paragraphs),
        warc=WarcRef("f.warc.gz", int(doc_id, 16), f"<urn:uuid:{doc_id}>", "sha1:X"),
    )


def site(n: int = 6) -> list[Document]:
    docs = []
    for i in range(n):
        body = [
            f"第{i}篇稿件的独有正文，讲述了第{i}个社区的志愿者如何组织{i + 3}次义诊活动。",
            "扫码关注东湖在线公众号，获取更多社区新闻",
        ]
        if i % 2:
            body.append(f"标题{(i + 1) % n:04x}")  # a teaser: another article's title
        docs.append(document(f"{i:04x}", body))
    return docs


def test_site_wide_boilerplate_and_title_teasers_are_removed():
    result = finalize(site(), {"s": TextOptions()})
    assert result.boilerplate == {"s": ["扫码关注东湖在线公众号，获取更多社区新闻"]}
    for (_, doc_id), data in result.texts.items():
        body = data.decode().split("---\n", 2)[2].splitlines()
        i = int(doc_id, 16)
        assert body == [f"标题{doc_id}", f"第{i}篇稿件的独有正文，讲述了第{i}个社区的志愿者如何组织{i + 3}次义诊活动。"]


def test_site_wide_needs_enough_pages():
    result = finalize(site(2), {"s": TextOptions(boilerplate_min_pages=3)})
    assert result.boilerplate == {"s": []}


def test_finalize_is_order_independent():
    docs = site(8)
    expected = finalize(docs, {"s": TextOptions()})
    for seed in range(5):
        shuffled = docs[:]
        random.Random(seed).shuffle(shuffled)
        again = finalize(shuffled, {"s": TextOptions()})
        assert again.texts == expected.texts
        assert again.manifest == expected.manifest


STORY = [
    "东湖街道今天举办第三届邻里节，三百多位居民带着自家做的菜来到广场，拼成了一张百米长桌。",
    "活动由二十多名志愿者筹备了一个月，从借桌椅到排座次，每个细节都反复核对。",
    "街道负责人表示，邻里节将每年举办一次，让住在同一栋楼里的人真正认识彼此。",
]


def test_syndicated_copies_cluster_and_the_earliest_is_canonical():
    original = document("00aa", STORY, source="a", fetched="2026-01-02T00:00:00Z")
    copy = document("00bb", ["来源：东湖在线", *STORY], source="b", fetched="2026-01-01T00:00:00Z")
    other = document("00cc", [f"完全不同的另一篇报道，第{n}段，讲的是菜市场改造。" for n in range(3)], source="a")
    assert cluster_documents([other, copy, original]) == {"00aa": ("00bb", "00bb"), "00bb": ("00bb", "00bb")}
    result = finalize([original, copy, other], {})
    front = yaml.safe_load(result.texts[("a", "00aa")].decode().split("---\n")[1])
    assert (front["cluster"], front["canonical"]) == ("00bb", "00bb")
    assert [e.get("canonical") for e in result.manifest] == ["00bb", "00bb", None]


def test_front_matter_round_trips_through_yaml():
    doc = document("00dd", STORY)
    data = finalize([doc], {}).texts[("s", "00dd")].decode()
    front = yaml.safe_load(data.split("---\n")[1])
    assert front["title"] == "标题00dd"
    assert front["fetched"] == "2026-01-01T00:00:00Z"
    assert front["warc"] == {
        "file": "f.warc.gz",
        "offset": 221,
        "record_id": "<urn:uuid:00dd>",
        "payload_digest": "sha1:X",
    }
    assert front["encoding"]["used"] == "utf-8"
    assert data.endswith("。\n") and "\r" not in data


def test_fragment_without_html_falls_back_to_the_second_extractor():
    from crawler.text import derive
    from crawler.text.model import Capture

    fragment = (
        "<div>社区志愿者为老人理发，共服务35人。活动持续了一个上午，老人们都很满意。</div><script>var x=1;</script>"
    )
    capture = Capture(
        "http://x.cn/a",
        200,
        (("Content-Type", "text/html; charset=utf-8"),),
        fragment.encode(),
        "2026-01-01T00:00:00Z",
        "s",
    )
    doc = derive(capture, TextOptions())
    assert doc.title == "社区志愿者为老人理发，共服务35人。活动持续了一个上午，老人…"
    assert doc.paragraphs == ("社区志愿者为老人理发，共服务35人。活动持续了一个上午，老人们都很满意。",)


@pytest.mark.parametrize(
    ("title", "url", "expected"),
    [
        (
            "03.03 重庆市志愿服务行动（二十二）",
            "http://x.cn/zyfw/202003/t20200303_1.shtml",
            ("重庆市志愿服务行动（二十二）", "2020-03-03"),
        ),
        ("12.30 年终走访慰问", "http://x.cn/a/1.html", ("年终走访慰问", "2025-12-30")),
        ("05.20 社区集市", "http://x.cn/a/1.html", ("社区集市", "2026-05-20")),
        ("3.5亿元资金到位", "http://x.cn/a/1.html", ("3.5亿元资金到位", None)),
        ("13.45 不是日期", "http://x.cn/a/1.html", ("13.45 不是日期", None)),
    ],
)
def test_month_day_before_the_title(title, url, expected):
    from crawler.text.dates import split_short_date

    assert split_short_date(title, url, "2026-11-22T00:00:00Z") == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("2022年4月19日", "2022-04-19"),
        ("发布时间：2024-05-12 09:30:00", "2024-05-12T09:30:00+08:00"),
        ("2020/4/26 11:23", "2020-04-26T11:23:00+08:00"),
        ("發布時間:2022-09-06", "2022-09-06"),
        ("2023年10月29日", "2023-10-29"),
        ("2027年1月1日", None),
    ],
)
def test_chinese_dates(line, expected):
    from crawler.text.dates import iso_date

    assert iso_date(line, "2026-11-22T00:00:00Z") == expected


MENU = ["首页", "机构概况", "政策文件", "办事指南"]
NOTICE = ["居民可携带身份证到社区服务站登记，工作人员当场录入系统。", "登记时间为每周一至周五上午九点到十一点半。"]
HEADLINE = "东湖街道第二批老旧小区改造项目全面开工"


@pytest.mark.parametrize(
    ("lines", "kept", "removed"),
    [
        ([*MENU, *NOTICE], NOTICE, 4),  # a menu before the text
        ([*NOTICE, *MENU[1:]], NOTICE, 3),  # and after it
        ([*MENU[2:], *NOTICE], [*MENU[2:], *NOTICE], 0),  # two links in a row: not a menu
        (["附件1.docx", "附件2.pdf", "附件3.xls", *NOTICE], ["附件1.docx", "附件2.pdf", "附件3.xls", *NOTICE], 0),
        ([*NOTICE, "附件一", "附件二", "附件三"], [*NOTICE, "附件一", "附件二", "附件三"], 0),
        (["首页", "机构概况", "不是链接的小标题", *NOTICE], ["首页", "机构概况", "不是链接的小标题", *NOTICE], 0),
        ([*MENU, HEADLINE], [*MENU, HEADLINE], 0),  # nothing but links (a headline too): kept whole
        ([*NOTICE, *MENU[:2], HEADLINE], NOTICE, 3),  # a list of headlines after the text
        ([*NOTICE, *MENU[:2], HEADLINE + "。" * 30], [*NOTICE, *MENU[:2], HEADLINE + "。" * 30], 0),  # over 40
        ([*NOTICE, "首页", "不是链接", *MENU[1:]], [*NOTICE, "首页", "不是链接"], 3),
        (MENU, MENU, 0),  # nothing but links: kept whole
    ],
)
def test_menus_at_either_end_of_the_body(lines, kept, removed):
    from crawler.text.boilerplate import strip_menus

    links = {
        *MENU,
        "附件1.docx",
        "附件2.pdf",
        "附件3.xls",
        "附件一",
        "附件二",
        "附件三",
        HEADLINE,
        HEADLINE + "。" * 30,
    }
    assert strip_menus(lines, lambda: links) == (kept, removed)


@pytest.mark.parametrize(
    ("headline", "removed"),
    [
        ("<tr><td>社区服务站登记须知</td></tr>", ("header", 4)),  # the menu and the headline before the text
        ("", ("menu", 3)),  # no headline: the menu as a run of link texts; 首页 (two characters) goes as metadata
    ],
)
def test_a_menu_taken_for_text_on_a_short_page_is_removed(headline, removed):
    from crawler.text import derive
    from crawler.text.model import Capture

    menu = "".join(f'<a href="/c{i}/">{name}</a>' for i, name in enumerate(MENU))
    body = "<br>".join(f"　　{line}" for line in NOTICE)
    html = (
        f'<html><head><meta charset="gbk"><title>社区服务站登记须知</title></head><body><div class="menu">{menu}</div>'
        f'<table>{headline}<tr><td><div id="zoom">{body}</div></td></tr></table></body></html>'
    )
    capture = Capture(
        "http://x.cn/tz/1.html", 200, (("Content-Type", "text/html"),), html.encode("gbk"), "2026-01-01T00:00:00Z", "s"
    )
    doc = derive(capture, TextOptions())
    assert (doc.title, doc.paragraphs) == ("社区服务站登记须知", tuple(NOTICE))
    assert dict(doc.removed)[removed[0]] == removed[1]


def _first_rule_in_turn(line: str) -> str | None:
    """The reference: every generic rule tried in its order, the first that matches."""
    return next((name for name, rx in GENERIC_RULES.items() if rx.match(line)), None)


# pieces the rules are made of, so that random lines come close to every rule
_PIECES = [
    *"。！？，,.|｜：:/／ 　\n【】[]（）()>»》…·©",
    *"0123456789",
    "分享到",
    "相关阅读",
    "热点新闻",
    "责任编辑",
    "【纠错】",
    "编辑",
    "校对",
    "摄影",
    "供稿",
    "当前位置",
    "首页",
    "版权所有",
    "Copyright ©",
    "ICP备",
    "本文仅代表作者个人观点",
    "2024-05-06",
    "10:00",
    "来源",
    "跳到导航",
    "立即登录",
    "消息",
    "打印",
    "关闭",
    "上一篇",
    "浏览次数",
    "人次",
    "更新于",
    "星期一",
    "【点击",
    "扫一扫",
    "客户端",
    "详细",
    "【详情】",
    "全文",
    ">>",
    "王小明",
    "社区",
    "居民",
    "a",
    "Toggle navigation",
]


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=14))
def test_property_generic_rule_is_every_rule_tried_in_turn(pieces):
    line = "".join(pieces)
    assert generic_rule(line) == _first_rule_in_turn(line)


def test_generic_rule_on_real_and_made_lines():
    from crawler.text.extract import fallback_text

    pages = [page.read_bytes() for page in sorted(pages_dir().glob("*.html"))]
    lines = [line for page in pages for line in fallback_text(page.decode("utf-8", "replace")).splitlines()]
    made = [line for line, _ in RULE_LINES] + [line for line in LOOKALIKES]
    made += [variant for line in made for variant in (line + "。", "。" + line, line + "\n", line[:-1] + "！")]
    made += ["\n|。|。", "国家发改委|中国浙江\n东湖在线。|x", "分享到：微信\n。"]  # past a newline
    assert len(lines) > 5000
    for line in lines + made:
        assert generic_rule(line) == _first_rule_in_turn(line), line
    assert {_first_rule_in_turn(line) for line in made} == {*GENERIC_RULES, None}
