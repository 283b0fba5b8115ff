"""crawler.text.extract.parse_html: one element class for every tag (no per-tag lookup)."""

from __future__ import annotations

import lxml.html
from lxml import etree

from crawler.text.extract import parse_html

PAGE = """<html><head><title>标题</title></head><body><!-- 注释 -->
<form id="f"><input name="q" value="1"><select name="s"><option>一</option></select></form>
<table><tr><td><p>正文第一段，足够长的一句话。</p></td></tr></table>
<div id="x">链接 <a href="/a">甲</a></div></body></html>"""


def test_every_element_is_an_html_element_of_one_class():
    tree = parse_html(PAGE)
    classes = {type(e) for e in tree.iter() if isinstance(e.tag, str)}
    assert classes == {lxml.html.HtmlElement}  # lxml.html's default parser gives FormElement, InputElement ...
    assert type(lxml.html.fromstring(PAGE).find(".//form")) is lxml.html.FormElement
    comment = next(e for e in tree.iter() if e.tag is etree.Comment)
    assert type(comment) is lxml.html.HtmlComment and comment.text == " 注释 "


def test_the_tree_reads_as_lxml_html_parses_it():
    ours, theirs = parse_html(PAGE), lxml.html.fromstring(PAGE)
    # the layout table becomes divs (its cell holds a paragraph); the text is the same
    assert ours.text_content() == theirs.text_content()
    assert [e.tag for e in ours.iter() if isinstance(e.tag, str) and e.tag not in {"div"}] == [
        e.tag for e in theirs.iter() if isinstance(e.tag, str) and e.tag not in {"div", "table", "tbody", "tr", "td"}
    ]
    assert ours.get_element_by_id("x").text_content() == "链接 甲"  # HtmlElement's own methods, ids not indexed
    assert [a.get("href") for a in ours.iter("a")] == ["/a"]


COLUMNS = """<html><head><title>{title}</title></head><body>
<div class="content"><div class="main content-main"><ul class="two-columns">
<li class="left"><h3>{title}</h3><div class="share"><span>分享到：</span></div>
<div class="time fix"><span>2024-05-06 09:25:00</span><span>来源：东湖在线</span></div>
<div class="content all-txt">{paragraphs}</div>
<ul class="article-other"><li>责任编辑: 李编辑</li></ul>
<div class="comments"><h3>热门评论</h3><ul class="list-body">{comments}</ul></div>
<ul class="new-left-list"><div>相关推荐</div>{related}</ul></li>
<li class="right"><div>作者最近文章</div><ul>{related}</ul></li>
</ul></div></div></body></html>"""
COMMENT = "<li class='comment-item'><div class='user'>网友{i}</div><p>{text}</p><span>2024-05-06 1{i}:00</span></li>"
COMMENTS = [
    "公园建得好，周末带孩子去看看，希望能多种一些树，夏天太晒了。",
    "河边那两座什么时候动工？等了好久了，希望早点建好。",
] * 5
TITLE = "东湖街道的口袋公园开放了"
PARAGRAPHS = [
    "【文/东湖在线记者 王小明】",
    "东湖街道的第三座口袋公园上周六开放，附近的居民早早来到公园，在新铺的步道上散步。",
    "公园的面积不大，只有两千多平方米，却种了二十多种花木，还留出了一片给孩子们的沙地。",
    "街道负责人介绍，选址时征求了周边三个小区居民的意见，大家最希望有一块能坐下来聊天的地方。",
    "为此，公园里摆了十二张长椅，每张长椅旁边都种了一棵能遮阴的树，夏天也能在这里乘凉。",
    "下一步，街道还计划在河边再建两座口袋公园，预计明年春天前完工，届时步行十分钟就能到一座公园。",
]
RELATED = ["社区食堂推出老人套餐 2024-05-05 18:20 民生", "河东区新建三座停车场 2024-05-05 17:02 交通"] * 3


def test_a_page_laid_out_in_list_items_gives_its_paragraphs_one_a_line():
    """A page whose columns are the items of a list (the article in one item, a sidebar in the
    other): the article's paragraphs come one a line, not run together in one "- ..." line with the
    headline and the date line; the sidebar's heading and list of other articles stay out."""
    from crawler.text import derive
    from crawler.text.model import Capture, TextOptions

    html = COLUMNS.format(
        title=TITLE,
        paragraphs="".join(f"<p>{p}</p>" for p in PARAGRAPHS),
        related="".join(f'<li><a href="/a/{i}.html">{r}</a></li>' for i, r in enumerate(RELATED)),
        comments="".join(COMMENT.format(i=i, text=t) for i, t in enumerate(COMMENTS)),
    )
    capture = Capture(
        "https://news.example.cn/a/9.html",
        200,
        (("Content-Type", "text/html; charset=utf-8"),),
        html.encode(),
        "2024-05-07T00:00:00Z",
        "news",
    )
    doc = derive(capture, TextOptions(only_articles=True))
    assert doc.title == TITLE
    assert list(doc.paragraphs) == PARAGRAPHS
    assert doc.published == "2024-05-06T09:25:00+08:00"
    tree = parse_html(html)
    assert [e.tag for e in tree.xpath("//*[@class='two-columns' or @class='left' or @class='right']")] == ["div"] * 3
    assert len(tree.xpath("//li")) == 2 * len(RELATED) + len(COMMENTS) + 1  # the lists inside the columns stay


def test_fast_extraction_reaches_trafilatura_and_gives_the_same_paragraphs_on_a_real_page():
    """A seed's ``text.extraction: fast``: trafilatura runs without its readability/jusText
    comparison. On xds-1 (a real page) the full mode's comparison already drops the page's header
    and tail; the fast mode's own extraction keeps them and our furniture steps remove them: the
    same paragraphs, other removal counts."""
    from crawler.text import derive
    from crawler.text.model import Capture, TextOptions

    from .realpages import pages_dir

    capture = Capture(
        "https://www.example.cn/news/1.html",
        200,
        (("Content-Type", "text/html; charset=utf-8"),),
        (pages_dir() / "xds-1.html").read_bytes(),
        "2026-01-01T00:00:00Z",
        "realpages",
    )
    full, fast = derive(capture, TextOptions()), derive(capture, TextOptions(fast_extraction=True))
    assert fast.paragraphs == full.paragraphs and len(full.paragraphs) > 20
    assert dict(full.removed) == {} and dict(fast.removed) == {"header": 12, "tail": 17}
