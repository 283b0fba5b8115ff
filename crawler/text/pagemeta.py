"""Title, author and date of a page: trafilatura's own metadata steps, only those the text needs.

``bare_extraction(with_metadata=True)`` also searches categories, tags, license, site name and
URL, which no text file shows, and runs its whole-tree author and date searches even when the
page's byline already gave both: together more than a third of the extraction's cost on a long
page. This calls the same trafilatura functions in the same order (trafilatura is pinned in
requirements.lock: these are its module-level functions, not its documented API), the title at
once and the author and date only when asked. Two differences, both on purpose:

- the author XPaths are skipped when the page holds none of the attribute words they test, in
  its source or in the attributes they read (they could not match, so the result is the same,
  minus a deep copy of the tree and a regex per element);
- htmldate's latest plausible date is the capture's WARC date, not today's: the same WARC record
  gives the same date in a rebuild years later (docs/formats.md, determinism).
"""

from __future__ import annotations

import logging
import re
from functools import cached_property

from htmldate import find_date
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.metadata import examine_meta, extract_author, extract_meta_json, extract_title, extract_url
from trafilatura.settings import Document as _Meta

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


# the attributes trafilatura's AUTHOR_XPATHS test (xpaths.py)
_AUTHOR_ATTRIBUTES = etree.XPath(
    "//@class|//@id|//@rel|//@itemprop|//@data-testid|//@data-component", smart_strings=False
)


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
    or a value holding what is never part of a name; a follow button and an 作者： label off."""
    if not author or _EDITOR.match(author) or _NOT_A_NAME.search(author):
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
        if not author and self._author_xpaths_may_match():
            author = extract_author(self._tree)
        return _plausible(_clean(author))

    def _author_xpaths_may_match(self) -> bool:
        """False when none of trafilatura's AUTHOR_XPATHS can match: the page's source holds none
        of their words, or (an XPath tests only an element's name and its own attributes) none of
        the attributes they test does and there is no ``<author>`` or ``<rel>`` element.
        extract_author deep-copies and prunes the whole tree before trying them."""
        lowered = self._html.lower()
        if not any(hint in lowered for hint in _AUTHOR_HINTS):
            return False
        if "<author" in lowered or "<rel" in lowered:
            return True
        attributes = "\n".join(_AUTHOR_ATTRIBUTES(self._tree)).lower()
        return any(hint in attributes for hint in _AUTHOR_HINTS)

    @cached_property
    def date(self) -> str | None:
        """ISO date (YYYY-MM-DD) from htmldate, never after the capture's WARC date."""
        canonical = self._meta.url or extract_url(self._tree, self._url)
        return find_date(
            self._tree, extensive_search=False, original_date=True, url=canonical, max_date=self._warc_date[:10]
        )


__all__ = ["PageMeta"]
