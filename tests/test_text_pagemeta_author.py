"""crawler.text.pagemeta.author_search gives what trafilatura's extract_author gives."""

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
    "comments",
    "comment-list",
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


def test_author_search_on_the_real_pages_and_special_elements():
    pages = [fromstring(p.read_bytes().decode("utf-8", "replace")) for p in sorted(pages_dir().glob("*.html"))]
    found = [extract_author(tree) for tree in pages]
    assert [author_search(tree) for tree in pages] == found
    assert sum(1 for a in found if a) >= 15  # the comparison covers pages where the search finds an author
    for body in (
        "<author>Jane Doe</author>",
        '<div><rel>me</rel>Jane Doe</div><span class="author">张三丰</span>',
        '<div class="sidebar"><span class="author">李四光</span></div><p class="byline">王五 <time>今天</time>写</p>',
    ):
        tree = fromstring(f"<html><body>{body}</body></html>")
        assert author_search(tree) == extract_author(tree)
    tree = fromstring('<html><body><div class="sidebar"><span class="author">李四光</span></div></body></html>')
    assert author_search(tree) is None  # the pruning removes the sidebar with its author
