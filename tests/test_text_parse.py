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
