"""crawler.text.pagemeta.author_search gives what trafilatura's extract_author gives, except a
commenter's name (an element in a comment area)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from trafilatura.metadata import extract_author

from crawler.text.htmltree import fromstring
from crawler.text.pagemeta import author_search

from .realpages import pages_dir

TAGS = ["a", "div", "span", "p", "section", "time", "figure", "h3", "h4", "address", "strong", "link", "li", "em"]
ATTRIBUTES = ["class", "id", "itemprop", "rel", "data-testid", "data-component"]
VALUES = [
    "author",
    "Author",
    "author name",
    "authorName",
    "author-name",
    "byline",
    "Byline",
    "BBL",
    "byl",
    "username",
    "writer",
    "screenname",
    "zuozhe",
    "bianji",
    "post-author",
    "AuthorCard",
    "commentsx",  # trafilatura's pruning: a class starting with comments (not a comment area's word for ours)
    "sidebar",
    "title",
    "date",
    "quote",
    "print",
    "Figure",
    "meta-date",
    "article-share",
    "is-hidden",
    "info",
    "main",
]
WORDS = ["张三", "记者 李四", "作者：王五", "Jane Doe", "ab", "", " ", "x" * 130, "2024-05-06", "编辑 赵六"]


@st.composite
def elements(draw, depth=0):
    tag = draw(st.sampled_from(TAGS))
    attributes = draw(st.dictionaries(st.sampled_from(ATTRIBUTES), st.sampled_from(VALUES), max_size=2))
    text, tail = draw(st.sampled_from(WORDS)), draw(st.sampled_from(WORDS))
    children = draw(st.lists(elements(depth + 1), max_size=3)) if depth < 3 else []
    attrs = "".join(f' {k}="{v}"' for k, v in attributes.items())
    return f"<{tag}{attrs}>{text}{''.join(children)}</{tag}>{tail}"


@settings(max_examples=200, deadline=None)
@given(st.lists(elements(), min_size=1, max_size=6))
def test_property_author_search_is_trafilaturas(parts):
    tree = fromstring(f"<html><body>{''.join(parts)}</body></html>")
    assert author_search(tree) == extract_author(tree)


def test_a_commenters_name_is_not_the_author():
    """163.com's comments (跟贴, class words "tie"), a reply list, a comment box: trafilatura's
    author XPaths select the commenter's name there; author_search skips the comment area and
    finds the byline after it, or nothing."""
    byline = '<p class="byline">王小明</p>'
    for area in (
        '<div class="tie-area" id="tieArea"><div class="tie-author">往事随风 [网友]</div></div>',
        '<ul class="reply-list"><li><span class="author">李四光</span></li></ul>',
        '<div id="comment_box"><a class="author">赵六六</a></div>',
    ):
        tree = fromstring(f"<html><body><article><p>正文。</p></article>{area}{byline}</body></html>")
        assert extract_author(tree) != "王小明"  # trafilatura takes the commenter
        assert author_search(tree) == "王小明"
        alone = fromstring(f"<html><body>{area}</body></html>")
        assert author_search(alone) is None


def test_author_search_on_the_real_pages_and_special_elements():
    paths = sorted(pages_dir().glob("*.html"))
    pages = {p.name: fromstring(p.read_bytes().decode("utf-8", "replace")) for p in paths}
    found = {name: extract_author(tree) for name, tree in pages.items()}
    ours = {name: author_search(tree) for name, tree in pages.items()}
    # the same everywhere but on the three 163.com pages where trafilatura takes a commenter (跟贴)
    assert {name for name in pages if ours[name] != found[name]} == {"163-1.html", "163-7.html", "163-9.html"}
    assert ours["163-1.html"] is ours["163-7.html"] is ours["163-9.html"] is None
    assert sum(1 for a in found.values() if a) >= 15  # the comparison covers pages where the search finds one
    for body in (
        "<author>Jane Doe</author>",
        '<div><rel>me</rel>Jane Doe</div><span class="author">张三丰</span>',
        '<div class="sidebar"><span class="author">李四光</span></div><p class="byline">王五 <time>今天</time>写</p>',
    ):
        tree = fromstring(f"<html><body>{body}</body></html>")
        assert author_search(tree) == extract_author(tree)
    tree = fromstring('<html><body><div class="sidebar"><span class="author">李四光</span></div></body></html>')
    assert author_search(tree) is None  # the pruning removes the sidebar with its author
