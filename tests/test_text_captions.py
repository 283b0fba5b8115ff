"""Captions of the article's images come back into its text, in the page's order; no caption-like
furniture does (crawler/text/captions.py)."""

from __future__ import annotations

import lxml.html

from crawler.text import derive
from crawler.text.captions import with_captions
from crawler.text.model import Capture, TextOptions

P = [
    "东湖边的社区菜园今年迎来丰收，番茄结了两百多斤，黄瓜和豆角也都吃不完。",
    "菜园由十几户居民轮流照看，每周六上午大家一起除草浇水，孩子们也来帮忙。",
    "负责菜园的王阿姨说，明年打算再开两块地，欢迎有兴趣的邻居一起来种。",
]


def _page(article: str, after: str = "", before: str = "") -> lxml.html.HtmlElement:
    return lxml.html.fromstring(
        f"<html><body>{before}<div class='main'><div class='article'>{article}</div>"
        f"<p class='editor'>责任编辑：某某</p></div>{after}</body></html>"
    )


def _wrapped(caption: str, src: str = "a.jpg") -> str:
    return f"<div class='img_wrapper'><img src='{src}' alt=''><span class='img_descr'>{caption}</span></div>"


def test_captions_beside_images_go_after_the_paragraph_they_follow():
    tree = _page(
        f"<p>{P[0]}</p>{_wrapped('丰收的番茄（居民供图）')}<p>{P[1]}</p><p>{P[2]}</p>"
        f"{_wrapped('孩子们在浇水')}{_wrapped('新开的两块地')}"
    )
    assert with_captions("\n".join(P), tree).split("\n") == [
        P[0],
        "丰收的番茄（居民供图）",
        P[1],
        P[2],
        "孩子们在浇水",
        "新开的两块地",
    ]


def test_a_figcaption_counts_and_a_lead_image_goes_first():
    tree = _page(
        "<figure><img src='lead.jpg'><figcaption>菜园全景，摄于 5 月 3 日</figcaption></figure>"
        + "".join(f"<p>{x}</p>" for x in P)
    )
    assert with_captions("\n".join(P), tree).split("\n") == ["菜园全景，摄于 5 月 3 日", *P]


def test_a_caption_already_in_the_text_is_not_doubled():
    tree = _page(f"<p>{P[0]}</p><p><img src='a.jpg'><br>丰收的番茄</p><p>{P[1]}</p>")
    text = "\n".join([P[0], "丰收的番茄", P[1]])
    assert with_captions(text, tree) == text


def test_caption_like_furniture_stays_out():
    related = "".join(
        f"<li><a href='/n{i}.html'><img src='t{i}.jpg'><span>另一篇新闻的标题{i}</span></a></li>" for i in range(3)
    )
    qr = "<div class='qr'><img src='qr.png'><p>扫码关注我们</p><p>每天推送社区新闻</p></div>"
    icon = "<span class='source'><img src='logo.png' width='13' height='12'> 本文来源：东湖社区报</span>"
    comments = (
        "<form class='comment'><img src='avatar.png'><span>说点什么吧</span><textarea></textarea></form>"
        + "<p>"
        + "这是一条很长的网友评论，它说了许多许多和菜园没有关系的话。" * 3
        + "</p>"
    )
    sidebar = f"<div class='side'>{_wrapped('广告：买菜就上某某网')}</div>"
    tree = _page(f"<p>{P[0]}</p>{qr}<p>{P[1]}</p>{icon}<p>{P[2]}</p><ul>{related}</ul>", after=comments + sidebar)
    assert with_captions("\n".join(P), tree) == "\n".join(P)


def test_a_caption_far_after_the_article_is_not_its_own():
    trailer = (
        "<div class='bottom'><p>推荐新闻</p><p>一段页面底部的文字，不属于文章。</p>"
        + _wrapped("别处的图片说明")
        + "</div>"
    )
    tree = lxml.html.fromstring(
        f"<html><body><div class='article'>{''.join(f'<p>{x}</p>' for x in P)}{trailer}</div></body></html>"
    )
    assert with_captions("\n".join(P), tree) == "\n".join(P)


def test_no_images_no_change():
    tree = _page("".join(f"<p>{x}</p>" for x in P))
    assert with_captions("\n".join(P), tree) == "\n".join(P)
    assert with_captions("", tree) == ""


MORE = [
    "社区还请来农业专家给居民上课，讲怎样给番茄搭架子、怎样防治病虫害，听课的人把活动室坐得满满的。",
    "收下来的菜除了各家分一些，其余都送到了社区食堂，给独居老人做午饭，老人们都说比买的好吃。",
    "居委会表示，菜园的经验会整理成一本小册子，发给附近几个想开菜园的小区参考。",
]


def test_figure_captions_come_out_through_derive():
    """trafilatura drops a <figure> whole: its caption comes back where the figure stood."""
    html = (
        "<html><head><title>东湖社区菜园迎来丰收</title></head><body><div class='nav'><a href='/'>首页</a></div>"
        "<div class='content'><h1>东湖社区菜园迎来丰收</h1>"
        + "".join(f"<p>{x}</p>" for x in P[:2])
        + "<figure><img src='/img/garden.jpg' alt=''><figcaption>居民在菜园里采摘番茄（社区供图）</figcaption></figure>"
        + "".join(f"<p>{x}</p>" for x in [P[2], *MORE])
        + "<figure><img src='/img/kids.jpg' alt=''><figcaption>孩子们帮忙浇水</figcaption></figure>"
        + "</div><div class='footer'>版权所有 东湖社区</div></body></html>"
    )
    capture = Capture(
        "http://news.example.cn/2024/05/garden.html",
        200,
        (("Content-Type", "text/html; charset=utf-8"),),
        html.encode("utf-8"),
        "2024-05-06T00:00:00Z",
        "example",
    )
    doc = derive(capture, TextOptions())
    assert doc.paragraphs == (P[0], P[1], "居民在菜园里采摘番茄（社区供图）", P[2], *MORE, "孩子们帮忙浇水")
