"""Continuation pages of a multi-page article: which addresses are its pages 2, 3 ... and in what order.

Pure (no Scrapy): a page's address and HTML in, a :class:`Pages` out (docs/architecture.md,
"Multi-page articles"). A continuation page has the article's own address stem with a page
suffix (``content_N_1.htm``, where TRS counts from 0 so page 2 is ``_1``; ``abc_2.shtml``;
``abc-2.html``; ``?page=2`` / ``&page=2`` and other page parameters), and the page bar confirms
it: a link whose text is a page number or 下一页 / 下页 / 尾页 ..., a count in a script call such as
``createPageHTML(count, current, "stem", "ext")`` (literal or ``var`` arguments), or 共N页 next to
such links. Never a continuation: a link labelled 上一篇 / 下一篇 (another article), a link inside a
comment block, an address on another host or with another stem (e-paper
``content_<node>_<article>.htm`` next-article links), the pages of a list (``index``, ``list``,
``node`` ...). A single-page version (全文, 在本页阅读全文, ``_all.html``, ``page=all``) is named too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

#: at most this many pages are joined into one article (the first included)
MAX_PAGES = 50

_SUFFIX = re.compile(r"^(?P<base>.+?)(?P<sep>[_-])(?P<n>\d{1,2}|all)(?P<ext>\.[A-Za-z0-9]{2,6})?$", re.I)
_PAGE_PARAMS = frozenset(
    {
        "page",
        "p",
        "pg",
        "pn",
        "pageno",
        "page_no",
        "pagenum",
        "pagenumber",
        "pageindex",
        "curpage",
        "cur_page",
        "currentpage",
        "nowpage",
        "paged",
        "pagenow",
    }
)
_LIST_NAME = re.compile(r"^(?:index|list|default|node|more|search|tag|tags|category)(?:[_-]\w+)?$", re.I)
_NUMBER = re.compile(r"^[\[【(（]?\s*(?:第\s*)?(\d{1,2})\s*(?:页|頁)?\s*[\]】)）]?$")
_NEXT = re.compile(r"^(?:下一?页|下一?頁|后一?页|後一?頁|next(?:\s*page)?|[>›»]{1,2}|下一页\s*[>›»]+)$", re.I)
_LAST = re.compile(r"^(?:尾页|尾頁|末页|末頁|最后一页|最後一頁|last(?:\s*page)?)$", re.I)
_PREV = re.compile(r"^(?:上一?页|上一?頁|前一?页|前一?頁|prev(?:ious)?(?:\s*page)?|[<‹«]{1,2})$", re.I)
_FIRST = re.compile(r"^(?:首页|首頁|第一页|第一頁|first(?:\s*page)?)$", re.I)
_ALL = re.compile(
    r"^[\[【(（]?\s*(?:在本页)?(?:阅读|閱讀|显示|顯示|查看|浏览)?\s*(?:全文|全部|单页|單頁|单页阅读|不分页)"
    r"(?:阅读|閱讀|显示|顯示|浏览)?\s*[\]】)）>»]*$"
)
_BRACKETS = " []【】()（）<>《》‹›«»"
_ARTICLE_NAV = re.compile(r"上一篇|下一篇|上一條|下一條|上一条|下一条|上篇|下篇")
_COMMENT = re.compile(r"comment|pinglun|reply|review|discuss|gentie|评论|跟帖|留言", re.I)
_COUNT = re.compile(r"共\s*(\d{1,3})\s*页")
_CALL = re.compile(r"\b\w+\s*\(([^()]{1,300})\)")
_VAR = re.compile(r"\b(?:var|let|const)?\s*(\w+)\s*=\s*(\d{1,3})\s*[;,\n/]")
_ARG_STR = re.compile(r"""^\s*["']([^"']*)["']\s*$""")


@dataclass(frozen=True)
class Key:
    """An address as page ``number`` (raw: as written in it) of the article at ``first``."""

    first: str
    raw: int | str  # the suffix or parameter value: 1 in content_N_1.htm, "all" for a single-page version
    style: str  # "_", "-" or the page parameter's name


@dataclass(frozen=True)
class Pages:
    """What a page's markup says about the article it belongs to: its first page, its other
    pages in order (the first excluded, this one included when it is a continuation), a
    single-page version, and whether this page is itself a continuation."""

    first: str
    pages: tuple[str, ...] = ()
    single: str | None = None
    continuation: bool = False


def _strip(url: str) -> str:
    return url.split("#", 1)[0]


def key(url: str) -> Key | None:
    """The address as a page of a shorter stem, when it has a page suffix or parameter."""
    parts = urlsplit(_strip(url))
    query = parse_qsl(parts.query, keep_blank_values=True)
    for i, (name, value) in enumerate(query):
        if name.lower() in _PAGE_PARAMS and (value.isdigit() and int(value) <= 999 or value.lower() == "all"):
            rest = urlencode(query[:i] + query[i + 1 :])
            raw = int(value) if value.isdigit() else "all"
            return Key(urlunsplit((parts.scheme, parts.netloc, parts.path, rest, "")), raw, name)
    folder, _, name = parts.path.rpartition("/")
    found = _SUFFIX.match(name)
    if not found:
        return None
    first = f"{folder}/{found['base']}{found['ext'] or ''}"
    n = found["n"]
    return Key(
        urlunsplit((parts.scheme, parts.netloc, first, parts.query, "")), int(n) if n.isdigit() else "all", found["sep"]
    )


def page_url(first: str, style: str, raw: int | str, like: str | None = None) -> str:
    """The address of raw page ``raw`` of ``first`` in ``style`` (``like``: a known page's
    address to copy the parameter order from)."""
    parts = urlsplit(first)
    if style in ("_", "-"):
        folder, _, name = parts.path.rpartition("/")
        stem, dot, ext = name.rpartition(".")
        stem, ext = (stem, dot + ext) if dot else (name, "")
        return urlunsplit((parts.scheme, parts.netloc, f"{folder}/{stem}{style}{raw}{ext}", parts.query, ""))
    if like is not None:
        return re.sub(rf"([?&]{re.escape(style)}=)[^&#]*", lambda m: f"{m.group(1)}{raw}", _strip(like), count=1)
    query = parse_qsl(parts.query, keep_blank_values=True) + [(style, str(raw))]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def _is_list(first: str) -> bool:
    name = urlsplit(first).path.rpartition("/")[2]
    return not name or bool(_LIST_NAME.match(name.rpartition(".")[0] or name))


def _stem_name(first: str) -> tuple[str, str]:
    """(file name without extension, extension without dot) of a first page's path."""
    name = urlsplit(first).path.rpartition("/")[2]
    stem, dot, ext = name.rpartition(".")
    return (stem, ext) if dot else (name, "")


_PARAM_IN_PAGE = re.compile(r"[?&;](?:" + "|".join(sorted(_PAGE_PARAMS)) + r")=\d", re.I)


def worth_parsing(url: str, html: str) -> bool:
    """A cheap test: could this page have a page bar or a single-page version at all? (Its stem
    followed by a suffix, its first page's stem, a page parameter, 全文.)"""
    own = key(url)
    stem = _stem_name(url)[0]
    if own is not None and _stem_name(own.first)[0] in html:
        return True
    return (
        (bool(stem) and any(f"{stem}{c}" in html for c in "_-\"'"))
        or "全文" in html
        or _PARAM_IN_PAGE.search(html) is not None
    )


def find(url: str, html: str, tree=None) -> Pages | None:
    """The article ``url`` belongs to and its pages, from the page's page bar and scripts; None
    when the page shows no other page of its article (a single-page article, a list page).
    ``tree``: the page already parsed by lxml (it is only read)."""
    if not html or not worth_parsing(url, html):
        return None
    tree = _tree(html) if tree is None else tree
    if tree is None:
        return None
    url = _strip(url)
    own = key(url)
    links = _pager_links(tree, url)
    scripts = "\n".join(s.text or "" for s in tree.iter("script"))  # script text: itertext leaves it in
    text = " ".join(_text(tree).split())
    if own is not None and own.raw == "all" and not _is_list(own.first):
        return Pages(own.first, (), url, True)  # abc_all.html is abc.html's single-page version
    if own is not None and own.raw != "all" and not _is_list(own.first):
        found = _pages_of(own.first, links, scripts, text, (own, url))
        if found is not None and found.continuation:
            return found
    if _is_list(url):
        return None
    found = _pages_of(url, links, scripts, text, None)
    if found is None and own is not None and own.raw == 1 and not _is_list(own.first):
        found = _numbered_from_one(url, own.first, links, scripts, text)
    return found


def _numbered_from_one(url: str, stem: str, links, scripts: str, text: str) -> Pages | None:
    """Page 1 that has a suffix too (PHPCMS ``show-12-345-1.html``, then ``-2``, ``-3``): the
    pages its bar gives the bare stem, this page first."""
    found = _pages_of(stem, links, scripts, text, None)
    if found is None or not found.pages:
        return None
    return Pages(url, tuple(p for p in found.pages if p != url), found.single, False)


def _tree(html: str):
    from lxml import etree

    from .htmltree import document_fromstring

    try:
        return document_fromstring(html)
    except (etree.ParserError, ValueError):
        return None


def _pager_links(tree, url: str) -> list[tuple[str, str]]:
    """(absolute address, link text) of every link outside comment blocks, article navigation out."""
    base = tree.find(".//base")
    root = urljoin(url, base.get("href")) if base is not None and base.get("href") else url
    out = []
    for a in tree.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "#", "mailto:")):
            continue
        label = " ".join(_text(a).split())
        label = label.strip(_BRACKETS) or label  # 【下一页】, [2], 下一页>> ; a bare » stays
        if _ARTICLE_NAV.search(label) or _in_comments(a):
            continue
        out.append((_strip(urljoin(root, href)), label))
    return out


def _text(element) -> str:
    return "".join(t for t in element.itertext() if isinstance(t, str))


def _in_comments(element) -> bool:
    for node in element.iterancestors():
        names = f"{node.get('class', '')} {node.get('id', '')}"
        if names.strip() and _COMMENT.search(names):
            return True
    return False


def _pages_of(first: str, links, scripts: str, text: str, this: tuple[Key, str] | None) -> Pages | None:
    """The pages of the article at ``first`` that this page's bar confirms (``this``: the page's
    key and address when it may be a continuation of ``first``)."""
    bar = _Bar(first)
    for href, label in links:
        bar.add(href, label)
    call = _script_pages(first, scripts)
    own = None
    if this is not None:
        own = this[0]
        if not (bar.to_first or bar.numbered or bar.next or call is not None):
            return None
        bar.raws.setdefault(own.raw, this[1])
        bar.styles.add(own.style)
    if call is not None:
        count, current, ext = call
        for i in range(1, min(count, MAX_PAGES)):
            bar.raws.setdefault(i, _with_ext(first, i, ext))
        bar.styles.add("_")
        bar.offsets.add(1)  # TRS counts from 0: page 2 is _1
        if own is not None and own.raw == current and current >= 1:
            return _result(first, bar.raws, bar.single, True)
    if len(bar.styles) > 1:
        return None  # pages in two styles: not one page bar
    if bar.raws:
        bar.complete(text, call is not None)
    confirmed = bool(bar.raws) and (bar.numbered or bar.next or call is not None or own is not None and bar.to_first)
    if own is not None:
        if not (confirmed and (bar.to_first or bar.numbered or call is not None)) or own.raw not in bar.raws:
            return None  # a next/previous link alone does not make a page a continuation
        return _result(first, bar.raws, bar.single, True)
    if not confirmed and bar.single is None:
        return None
    return _result(first, bar.raws if confirmed else {}, bar.single, False)


class _Bar:
    """The links of a page that belong to the page bar of the article at ``first``."""

    def __init__(self, first: str):
        self.first = first
        self.raws: dict[int, str] = {}  # raw number -> address
        self.styles: set[str] = set()
        self.offsets: set[int] = set()  # page number shown minus raw number: 1 for TRS
        self.single: str | None = None
        self.to_first = self.numbered = self.next = False

    def add(self, href: str, label: str) -> None:
        if href == self.first:
            self.to_first |= bool(_NUMBER.match(label) or _FIRST.match(label) or _PREV.match(label))
            return
        k = key(href)
        if k is None or k.first != self.first:
            if self.single is None and _ALL.match(label) and href.startswith(self.first.rsplit(".", 1)[0]):
                self.single = href  # 全文 at another address of the same stem
            return
        if k.raw == "all":
            self.single = self.single or href
            return
        number = _NUMBER.match(label)
        if number:
            self.offsets.add(int(number.group(1)) - k.raw)
            self.numbered = True
        elif _NEXT.match(label) or _LAST.match(label) or _PREV.match(label):
            self.next = True
        elif _ALL.match(label):
            self.single = self.single or href
            return
        elif not _FIRST.match(label):
            return
        self.raws[k.raw] = href
        self.styles.add(k.style)

    def complete(self, text: str, counted: bool) -> None:
        """Numbering settled (TRS from 0, others from 1), raw 1 of a count from 1 is the first
        page itself, and the pages between the known ones and up to 共N页 filled in."""
        style = next(iter(self.styles))
        zero = 1 in self.offsets or (
            0 not in self.offsets and style in "_-" and min(self.raws) == 1 and 2 not in self.raws
        )
        if not zero and 1 in self.raws:
            del self.raws[1]
            self.to_first = True
        if not self.raws:
            return
        like = next(iter(self.raws.values()))
        top = max(self.raws)
        count = _COUNT.search(text)
        if count and not counted:
            top = max(top, int(count.group(1)) - (1 if zero else 0))
        for raw in range(1 if zero else 2, min(top, MAX_PAGES) + 1):
            self.raws.setdefault(raw, page_url(self.first, style, raw, like))


def _with_ext(first: str, i: int, ext: str) -> str:
    parts = urlsplit(first)
    folder, _, name = parts.path.rpartition("/")
    stem = name.rpartition(".")[0] or name
    return urlunsplit((parts.scheme, parts.netloc, f"{folder}/{stem}_{i}{'.' + ext if ext else ''}", parts.query, ""))


def _script_pages(first: str, scripts: str) -> tuple[int, int, str] | None:
    """(count, current, extension) of a script call naming the page's stem with two numbers,
    such as TRS ``createPageHTML(4, 0, "content_123", "htm")``; ``var`` arguments resolved."""
    stem, ext = _stem_name(first)
    if not stem or stem not in scripts:
        return None
    values = {name: int(v) for name, v in _VAR.findall(scripts)}
    for call in _CALL.finditer(scripts):
        args = [a.strip() for a in call.group(1).split(",")]
        strings = [m.group(1) for a in args if (m := _ARG_STR.match(a))]
        if stem not in strings:
            continue
        numbers = [int(a) if a.isdigit() else values.get(a) for a in args if not _ARG_STR.match(a)]
        numbers = [n for n in numbers if n is not None]
        if len(numbers) < 2 or not 1 <= numbers[0] <= 999:
            continue
        after = strings[strings.index(stem) + 1 :]
        return numbers[0], numbers[1], (after[0].lstrip(".") if after else ext)
    return None


def _result(first: str, raws: dict[int, str], single: str | None, continuation: bool) -> Pages:
    pages = tuple(raws[r] for r in sorted(raws))[: MAX_PAGES - 1]
    return Pages(first, pages, single, continuation)


__all__ = ["MAX_PAGES", "Key", "Pages", "find", "key", "page_url"]
