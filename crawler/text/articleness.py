"""Is a page an article? For ``scrapy extract``, which has no seed saying which URLs are articles.

A foreign WARC holds list and index pages next to the articles; their "text" is navigation
lines and headlines with dates. A page is taken for an article when it says so (``og:type``
article) or when its extracted body reads as one: at least one paragraph of prose (a sentence
of at least 40 characters, or any 80, that is not a link's text) and link texts for less than
half of its characters; an index-shaped URL (``/``, ``index.html``, ``list``) needs three such paragraphs. The
crawl never asks: a seed's ``articles`` rules decide there (docs/seeds.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

_PROSE_END = ("。", "！", "？", "”", "」", ".", "!", "?", '"')
_PROSE = 40  # characters
_INDEX_NAME = re.compile(r"^(?:index|default|list|node)(?:[_-]\d+)?(?:\.\w{2,5})?$", re.I)
_OG_TYPE = "//meta[@property='og:type']/@content"


def index_url(url: str) -> bool:
    """A URL shaped like a section's front or list page: a directory, index.html, list_2.html."""
    last = urlsplit(url).path.rsplit("/", 1)[-1]
    return last == "" or bool(_INDEX_NAME.match(last))


def says_article(tree) -> bool:
    """The page declares itself an article (``og:type`` article)."""
    return any(value.strip().lower() == "article" for value in tree.xpath(_OG_TYPE))


def _prose(line: str, links: set[str]) -> bool:
    """A paragraph of prose: a sentence of 40 characters or more, or any 80, not a link's text."""
    return len(line) >= _PROSE and (line.endswith(_PROSE_END) or len(line) >= 2 * _PROSE) and line not in links


def has_prose(text: str) -> bool:
    """Whether ``text`` holds a line of prose (links not known: any line that reads as one)."""
    return any(_prose(line.strip(), set()) for line in text.splitlines())


def reads_as_article(lines: list[str], url: str, link_texts: Callable[[], set[str]]) -> bool:
    """The extracted body reads as an article: prose enough, link texts for less than half of it."""
    links = link_texts()
    prose = sum(_prose(line, links) for line in lines)
    if prose == 0 or prose < (3 if index_url(url) else 1):
        return False
    return 2 * sum(len(line) for line in lines if line in links) < sum(map(len, lines))


def is_article(tree, lines: list[str], url: str, link_texts: Callable[[], set[str]]) -> bool:
    """Whether the page is an article (its own declaration, else its body and URL)."""
    return says_article(tree) or reads_as_article(lines, url, link_texts)


__all__ = ["has_prose", "index_url", "is_article", "reads_as_article", "says_article"]
