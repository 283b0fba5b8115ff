"""Title, author and date of a page: trafilatura's own metadata steps, only those the text needs.

``bare_extraction(with_metadata=True)`` also searches categories, tags, license, site name and
URL, which no text file shows, and runs its whole-tree author and date searches even when the
page's byline already gave both: together more than a third of the extraction's cost on a long
page. This calls the same trafilatura functions in the same order (trafilatura is pinned in
requirements.lock: these are its module-level functions, not its documented API), the title at
once and the author and date only when asked. Three differences, all on purpose:

- the author search (:func:`author_search`) gives what trafilatura's ``extract_author`` gives,
  tested only on the elements that can match and without copying the whole tree (same result,
  a fraction of the cost), except a commenter's name: an element inside a comment area (a class
  or id word such as comment, reply, 163.com's tie) is never the author;
- htmldate's latest plausible date is the capture's WARC date, not today's: the same WARC record
  gives the same date in a rebuild years later (docs/formats.md, determinism).
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_right
from copy import deepcopy
from functools import cached_property

from htmldate import find_date
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.htmlprocessing import prune_unwanted_nodes
from trafilatura.metadata import (
    examine_meta,
    extract_author,
    extract_meta_json,
    extract_title,
    extract_url,
    normalize_authors,
)
from trafilatura.settings import Document as _Meta
from trafilatura.utils import trim
from trafilatura.xpaths import AUTHOR_DISCARD_XPATHS, AUTHOR_XPATHS

from .byline import NO_ONE

logger = logging.getLogger(__name__)

# Every attribute value or element name that trafilatura's AUTHOR_XPATHS test (xpaths.py),
# lower-cased: a page without any of them gives no author from those XPaths.
_AUTHOR_HINTS = (
    "author",
    "byl",
    "bbl",
    "username",
    "channel-name",
    "zuozhe",
    "bianji",
    "xiaobian",
    "submitted-by",
    "posted-by",
    "journalist-name",
    "screenname",
    "writer",
    "<rel",
)


# The attributes AUTHOR_XPATHS test, each value with its element (smart strings), in document
# order; an element holding one of their words (lower-cased: their tests are narrower) is a
# candidate. An <author> element or a <rel> child (``rel='me'``) can match without such a word.
_AUTHOR_ATTRIBUTE_NODES = etree.XPath("//@class|//@id|//@rel|//@itemprop|//@data-testid|//@data-component")
_HINT = re.compile("|".join(re.escape(h) for h in _AUTHOR_HINTS if h != "<rel"))
_OTHER_MATCHES = etree.XPath("boolean(//author|//*[rel])")


def _candidates(tree) -> list | None:
    """The elements AUTHOR_XPATHS could select, in document order; None when the page has an
    <author> element or a <rel> child (the caller then runs trafilatura's own search)."""
    if _OTHER_MATCHES(tree):
        return None
    values = _AUTHOR_ATTRIBUTE_NODES(tree)
    joined = "\n".join(values).lower()  # one regex pass over every value instead of one per value
    starts, total = [], 0
    for value in values:
        starts.append(total)
        total += len(value) + 1
    found: dict = {}
    for match in _HINT.finditer(joined):
        found.setdefault(values[bisect_right(starts, match.start()) - 1].getparent(), None)
    return list(found)


def _self_test(xpath: etree.XPath, prefix: str, suffix: str = "") -> etree.XPath:
    """trafilatura's ``prefix[...]suffix`` search as a test of the context element alone."""
    path = xpath.path.strip()
    assert path.startswith(prefix) and path.endswith(suffix), path  # trafilatura is pinned: a new one is checked
    return etree.XPath(
        "self::*" + path[len(prefix) : len(path) - len(suffix)],
        namespaces={"re": "http://exslt.org/regular-expressions"},
    )


assert len(AUTHOR_XPATHS) == 3 and len(AUTHOR_DISCARD_XPATHS) == 2
_AUTHOR_TESTS = [_self_test(AUTHOR_XPATHS[0], "//*", "|//author")] + [_self_test(x, "//*") for x in AUTHOR_XPATHS[1:]]
_DISCARDED = _self_test(AUTHOR_DISCARD_XPATHS[0], ".//*")
assert AUTHOR_DISCARD_XPATHS[1].path == "//time|//figure"


def author_search(tree: HtmlElement) -> str | None:
    """What trafilatura's ``extract_author(tree)`` returns, without its deep copy and pruning of
    the whole tree and without running its XPaths over every element: about 13 ms on a long
    page, where this takes under 1 (hand-written: trafilatura has no cheaper entry point).

    trafilatura prunes a copy of the tree (AUTHOR_DISCARD_XPATHS: comment blocks, sidebars,
    ``<time>``, ``<figure>`` ...), then returns the first element selected by AUTHOR_XPATHS, in
    their order, whose text has 3 to 119 characters. Each of those XPaths tests only an element's
    own name and attributes (and ``rel`` children), so the same elements come in the same order
    from the candidates here, tested one by one; an element the pruning would remove (itself or
    an ancestor discarded) is skipped, and only a kept element is copied and pruned to read its
    text as trafilatura would. One difference: an element in a comment area (_in_comments) is
    skipped too. tests/test_text_pagemeta_author.py compares the two."""
    candidates = _candidates(tree)
    if candidates is None:
        return extract_author(tree)
    verdicts: dict = {}
    kept = [e for e in candidates if not _discarded(e, verdicts) and not _in_comments(e)]
    for test in _AUTHOR_TESTS:
        for element in kept:
            if not test(element):
                continue
            copied = prune_unwanted_nodes(deepcopy(element), AUTHOR_DISCARD_XPATHS)
            content = trim(" ".join(copied.itertext()))
            if content and 2 < len(content) < 120:
                return normalize_authors(None, content)
    return None


def _discarded(element, verdicts: dict) -> bool:
    """Whether trafilatura's author pruning removes the element (itself or an ancestor below
    the root); ``verdicts`` remembers each element's own verdict during one search."""
    while element is not None and element.getparent() is not None:
        own = verdicts.get(element)
        if own is None:
            own = verdicts[element] = element.tag in ("time", "figure") or bool(_DISCARDED(element))
        if own:
            return True
        element = element.getparent()
    return False


# class or id words of a comment area (跟贴 on 163.com is "tie"): trafilatura's author pruning
# knows only classes starting with "comments" and "comment(-)list"
_COMMENT_WORDS = frozenset({"comment", "comments", "reply", "replies", "tie", "gentie", "cmt", "pinglun"})
_WORDS = re.compile(r"[^A-Za-z]+")


def _in_comments(element) -> bool:
    """Whether the element or an ancestor is a comment area by a word of its class or id: a
    commenter's name is not the article's author."""
    for node in (element, *element.iterancestors()):
        for value in (node.get("class"), node.get("id")):
            if value and _COMMENT_WORDS.intersection(_WORDS.split(value.lower())):
                return True
    return False


# an element with an author class that holds the editor's credit (责任编辑：某): an editor is not the author
_EDITOR = re.compile(r"^[（(【\[]?\s*(?:责任编辑|責任編輯|责编|責編|编辑|編輯|审核|審核|校对|校對)\s*[:：\s]")


# what an element with an author class holds besides a name: a follow button after an account's
# name, the label before it
_FOLLOW = re.compile(r"\s*[+＋]?\s*(?:关注|關注|订阅|訂閱)$")
_LABEL = re.compile(r"^(?:作者|作\s*者)\s*[:：]\s*")
# never part of a name: another field's label (来源, 版权声明, 时间 ...), an unknown author, a form's
# labels (Name; Email, 我已授权 beside a comment box's checkbox), a link's action (复制链接)
_NOT_A_NAME = re.compile(
    r"来源|來源|版权|版權|声明|聲明|责任编辑|責任編輯|时间[:：]|時間[:：]|复制|複製|链接|鏈接|未知|授权|授權|邮箱|郵箱"
    r"|\be-?mail\b",
    re.I,
)


def _plausible(author: str | None) -> str | None:
    """The author trafilatura's steps found, when it reads as a name: None for an editor's credit
    or a value holding what is never part of a name or naming no one (byline.NO_ONE); a follow button and an 作者： label off."""
    if not author or _EDITOR.match(author) or _NOT_A_NAME.search(author) or NO_ONE.fullmatch(author):
        return None
    return _LABEL.sub("", _FOLLOW.sub("", author)) or None


def _clean(value: str | None) -> str | None:
    """What trafilatura's Document.clean_and_trim does to a string field."""
    if not value:
        return value
    meta = _Meta()
    meta.title = value
    meta.clean_and_trim()
    return meta.title or None


class PageMeta:
    """Metadata of one parsed page; ``tree`` is not modified."""

    def __init__(self, tree: HtmlElement, html: str, url: str, warc_date: str):
        self._tree, self._html, self._url, self._warc_date = tree, html, url, warc_date
        self._meta = examine_meta(tree)
        if self._meta.author and " " not in self._meta.author:
            self._meta.author = None  # as trafilatura: a one-word meta author is usually a site name
        try:
            self._meta = extract_meta_json(tree, self._meta)
        except Exception as exc:  # noqa: BLE001 - trafilatura's JSON-LD parser has its own bugs
            logger.debug("%s: JSON-LD metadata not read: %s", url, exc)

    @cached_property
    def title(self) -> str | None:
        return _clean(self._meta.title or extract_title(self._tree))

    @cached_property
    def html_title(self) -> str:
        """The text of the page's ``<title>`` element (site name and all), or ""."""
        found = self._tree.find(".//title")
        return found.text_content() if found is not None else ""

    @cached_property
    def author(self) -> str | None:
        author = self._meta.author
        lowered = self._html.lower() if not author else ""
        if not author and any(hint in lowered for hint in _AUTHOR_HINTS):
            author = author_search(self._tree)
        return _plausible(_clean(author))

    @cached_property
    def date(self) -> str | None:
        """ISO date (YYYY-MM-DD) from htmldate, never after the capture's WARC date."""
        canonical = self._meta.url or extract_url(self._tree, self._url)
        return find_date(
            self._tree, extensive_search=False, original_date=True, url=canonical, max_date=self._warc_date[:10]
        )


__all__ = ["PageMeta"]
