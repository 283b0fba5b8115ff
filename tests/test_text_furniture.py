"""Closing furniture after the article and editor credits glued to a paragraph (crawler/text/furniture.py)."""

from __future__ import annotations

import pytest

from crawler.text.furniture import after_headline, lead_counters, trim_tail, unglue_credits

ARTICLE = [
    "5月3日上午，东湖街道开展邻里节活动，三百多位居民带着自家做的菜来到广场，拼成了一张长桌。",
    "街道负责人说，邻里节已经办了五年，今年第一次请来了社区里的外国居民，和大家一起包饺子、写春联。",
]
COMMENTS = ["这个活动很好，希望明年还能参加，我们小区也想办一个类似的活动，大家一起热闹热闹。", "赞", "支持一下"]


@pytest.mark.parametrize(
    "tail",
    [
        ["网友评论仅供其表达个人看法，并不表明本站立场。", *COMMENTS],  # the comments are prose: all go
        ["3条评论|25人参与", *COMMENTS],
        ["更多精彩！欢迎扫描下方二维码关注东湖发布（donghu-fabu）", "推荐新闻", "- 【 社会 】 一条别的新闻"],
        ["东湖发布公众号", "24小时滚动播报本地资讯"],
        ["关键词 >> 邻里节,东湖街道"],
        [
            "责编|王小明",
            "校对|李四",
            "1、回复【公租房】查看最新消息",
            "本文为机构在本平台上传并发布，仅代表该机构观点，不代表本平台的观点或立场。",
        ],
        [
            "【免责声明】本文仅代表作者本人观点，与本站无关。本站对文中陈述、观点判断保持中立，不对所包含内容的准确性提供保证。"
        ],
        ["违法和不良信息举报电话：000-00000000", "举报邮箱：jubao@example.cn"],
        ["相关推荐", "另一条新闻的标题", "再一条新闻的标题"],  # a related list with no prose after it
        ["- 相关文章", "- 最新报道", "微博关注"],  # list marks do not hide a heading
        ["【上一篇】", "社区食堂推出老人套餐", "【下一篇】", "河东区新建三座停车场"],  # other articles
        ["下一篇", "河东区新建三座停车场"],
        ["上一篇：社区食堂推出老人套餐"],
    ],
)
def test_closing_furniture_goes_with_all_after_it(tail):
    assert trim_tail([*ARTICLE, *tail]) == (ARTICLE, len(tail))


def test_a_sidebar_after_a_related_heading_goes_though_it_holds_a_blurb():
    # an author box beside the article: name, counters, a blurb that reads as prose, headlines
    sidebar = [
        "相关新闻",
        "社区观察",
        "文章数",
        "512",
        "社区观察栏目关注街道里的新鲜事，欢迎居民提供线索（请注意：栏目内容仅供参考！）。",
        "点击量",
        "20488",
        "另一条新闻的标题",
    ]
    assert trim_tail([*ARTICLE, *sidebar]) == (ARTICLE, len(sidebar))


def test_a_related_box_before_the_last_paragraphs_stays():
    # prose after the heading as long as the article's before it: the article goes on
    lines = [ARTICLE[0], "相关阅读", "另一条新闻的标题", "再一条新闻的标题", "第三条新闻的标题", ARTICLE[1], ARTICLE[0]]
    assert trim_tail(lines) == (lines, 0)


def test_the_page_header_before_the_articles_own_headline_goes():
    header = ["切换导航", "东湖在线_东湖新闻_东湖本地资讯 - 东湖在线，本地生活门户", "首页", "本地", "民生"]
    assert after_headline([*header, "邻里节办了五年", *ARTICLE], "邻里节办了五年") == (ARTICLE, len(header) + 1)


@pytest.mark.parametrize(
    "lines",
    [
        [ARTICLE[0], "邻里节办了五年", ARTICLE[1]],  # prose before the headline line: a subheading of the article
        ["首页", "本地", *ARTICLE],  # no headline line
        ["首页", "本地", "邻里节办了五年"],  # nothing after it
    ],
)
def test_no_header_cut_without_a_headline_line_before_the_article(lines):
    assert after_headline(lines, "邻里节办了五年") == (lines, 0)


def test_bare_numbers_before_the_first_prose_go_and_inside_the_article_stay():
    lines = ["3573", "12,408", *ARTICLE[:1], "2019", ARTICLE[1]]
    assert lead_counters(lines) == (lines[2:], 2)


def test_a_related_box_inside_the_article_stays():
    lines = [ARTICLE[0], "相关阅读", "另一条新闻的标题", ARTICLE[1]]  # article prose follows the box
    assert trim_tail(lines) == (lines, 0)


def test_markers_before_any_article_text_do_not_cut():
    lines = ["扫描二维码关注我们", "推荐新闻", *ARTICLE]
    assert trim_tail(lines) == (lines, 0)


@pytest.mark.parametrize(
    "line",
    [
        "网友纷纷跟帖表示，邻里节让大家重新认识了住在对门的邻居，也让老人们多了说话的人。",
        "声明：本次活动不收取任何费用，居民可以自带餐具参加。",  # a notice's own statement
        "记者扫描活动现场的二维码后，看到了邻里节五年来的照片墙和每一届的菜单。",
        "编辑部的同事们也来到了现场，和居民一起包饺子。",
        "上一篇文章里我们提到，社区食堂的价格由街道和企业共同商定，每份十二元钱。",
        "下一篇报道将介绍河东区的做法。",
    ],
)
def test_article_sentences_that_look_like_markers_stay(line):
    lines = [*ARTICLE, line, ARTICLE[0] + "又一段。"]
    assert trim_tail(lines) == (lines, 0)


def test_a_bracketed_credit_after_the_editor_line_stays():
    assert trim_tail([*ARTICLE, "责编：王小明", "（综合整理自东湖发布、东湖日报）"]) == (
        [*ARTICLE, "（综合整理自东湖发布、东湖日报）"],
        1,
    )


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        ("邻里节在歌声中结束。责任编辑张某某", "邻里节在歌声中结束。"),
        ("邻里节在歌声中结束！！！编辑|王小明", "邻里节在歌声中结束！！！"),
        ("邻里节在歌声中结束。（责任编辑：王小明）", "邻里节在歌声中结束。"),
        ("邻里节在歌声中结束。编辑部表示明年继续办", None),  # no separator: a sentence, not a credit
        ("邻里节在歌声中结束，编辑：王小明", None),  # not after a sentence's end
        ("责任编辑：王小明", None),  # a line of its own is the line rules' (boilerplate.GENERIC_RULES)
    ],
)
def test_an_editor_credit_glued_to_the_last_sentence_is_cut(line, kept):
    assert unglue_credits([ARTICLE[0], line]) == ([ARTICLE[0], kept or line], int(kept is not None))


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("您所在的位置：", "breadcrumb"),
        ("| | 位置：首页 > 新闻动态 |", "breadcrumb"),
        (
            "| 版权所有 东湖街道办事处 Copyright © 2024 All rights reserved. 鄂ICP备00000000号-1 鄂公网安备00000000000000号 "
            "地址：东湖路1号 电话：000-00000000 传真：000-00000000 邮箱：donghu@example.cn",
            "copyright",
        ),
        ("东湖发布报料：000-0000-0000 东湖发布，未经授权不得转载", "copyright"),
        ("请支持本站，转发请注明本文链接：http://x.cn/a/1.html", "copyright"),
        ("安装东湖发布客户端第一时间接收最新资讯→【下载地址】", "app-prompt"),
        ("点击进入专题：", "app-prompt"),
        ("区政府|市政府|政务服务网 简体|繁体|无障碍浏览", "menu-bar"),
    ],
)
def test_furniture_line_rules(line, rule):
    from crawler.text.boilerplate import remove_generic

    kept, removed = remove_generic([ARTICLE[0], line], "标题", ())
    assert (kept, dict(removed)) == ([ARTICLE[0]], {rule: 1})


@pytest.mark.parametrize(
    "line",
    [
        "| 项目 | 2023年 | 2024年 | 增长 |",  # a table row (cells between " | ") is data
        "位置：东湖路1号社区服务站二楼",  # a notice's own address
        "东湖街道|社区|居民：三方协商，一年里解决了二十多件难事。",
    ],
)
def test_furniture_rule_lookalikes_stay(line):
    from crawler.text.boilerplate import remove_generic

    assert remove_generic([ARTICLE[0], line], "标题", ()) == ([ARTICLE[0], line], {})


def test_a_return_link_glued_to_the_last_sentence_is_cut():
    assert unglue_credits([ARTICLE[0] + "返回东湖网首页>>"]) == ([ARTICLE[0]], 1)


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("Toggle navigation", "jump-link"),
        ("登录超时，稍后再试", "account"),
        ("免注册 快速登录", "account"),
        ("公告0", "account"),
        ("扫码阅读全文", "app-prompt"),
        ("掃碼下載客戶端", "app-prompt"),
        ("“今年谁最亮眼”，一张榜单看懂全年！年度人物评选火热进行中！【点击投票】选出你心中的人物", "promo"),
    ],
)
def test_ui_and_promo_lines(line, rule):
    from crawler.text.boilerplate import remove_generic

    assert remove_generic([ARTICLE[0], line], "标题", ()) == ([ARTICLE[0]], {rule: 1})


@pytest.mark.parametrize(
    "line",
    [
        "公司注册资本1000万元，去年登录创业板。",
        "通知3天内送达各户，请居民留意。",
        "菜市场里扫码付款的老人越来越多。",
        "点击量破万的视频里，【点击关注】的按钮被放在了最显眼的位置，这是本文要讨论的设计问题。",
    ],
)
def test_ui_lookalikes_stay(line):
    from crawler.text.boilerplate import remove_generic

    assert remove_generic([ARTICLE[0], line], "标题", ()) == ([ARTICLE[0], line], {})


def test_a_back_link_glued_to_a_byline_is_cut():
    assert unglue_credits(["采写：东湖日报记者 王小明 李四返回东湖网，查看更多"]) == (
        ["采写：东湖日报记者 王小明 李四"],
        1,
    )


HEADLINES = [
    "新时代的菜园：一块空地变成了三十户人家的小农场",
    "老照片：四十年前的东湖街道是什么样子",
    "社区食堂开业首周接待居民两千人次",
    "河畔老王 1小时前",
]


def test_a_trailing_list_of_headlines_goes():
    assert trim_tail([*ARTICLE, *HEADLINES]) == (ARTICLE, 4)


@pytest.mark.parametrize(
    "ending",
    [
        HEADLINES[:2],  # two short lines: too few to call a list
        [
            "道路施工会给大家的出行带来不便，",
            "但短暂的维修换来的是",
            "日后的更安全、更畅通。",
            "请大家互相转告通知，",
            "愿大家都能平安出行",
        ],
        [*HEADLINES[:3], "活动结束后，大家一起合影留念。"],  # an article's own short ending ends a sentence
    ],
)
def test_an_article_ending_in_short_lines_keeps_them(ending):
    assert trim_tail([*ARTICLE, *ending]) == ([*ARTICLE, *ending], 0)


def test_when_trafilatura_takes_a_profile_box_the_pages_own_lines_are_used():
    from crawler.text.extract import main_text

    html = (
        "<html><body><div>东湖发布</div>"
        + "".join(f"<p>{line}</p>" for line in ARTICLE)
        + "<div>已同步到看一看写下你的想法</div></body></html>"
    )
    assert main_text("东湖发布\n聚焦东湖街道的社区生活", html) == "\n".join([*ARTICLE, "已同步到看一看写下你的想法"])
    assert main_text("\n".join(ARTICLE), "<html><body>其他</body></html>") == "\n".join(ARTICLE)  # prose: kept
    assert main_text("东湖发布", "<html><body><p>东湖发布公众号</p></body></html>") == "东湖发布"  # no prose anywhere
    assert main_text("", "<html><body><p>东湖发布公众号的简介</p></body></html>") == "东湖发布公众号的简介"
