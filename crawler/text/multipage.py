"""A multi-page article as one Document: its pages' main texts in page order (docs/architecture.md).

Pure (no Scrapy): the first page's Capture and a ``lookup`` from an address to the capture of
that page (None when there is none) in, a Document out. The crawl's text worker (captures the
crawl just made or read back from the archive) and ``scrapy rebuild`` (captures found in the
WARC files) call the same :func:`derive_article`, so both give the same bytes:

- the pages are the ones the first page's page bar names (crawler.text.continuation), and the
  ones each page's own bar adds (a bar of only 下一页), in page order, at most ``MAX_PAGES``;
- title and metadata come from the first page; each page's main text is derived as any page is
  (crawler.text.derivation: its own byline and furniture out), then its page-bar lines are removed;
  a page whose text repeats an earlier page (a site that answers every page number with page 1)
  is dropped, and so is a paragraph an earlier page already gave (a lead repeated on every page);
- a single-page version (全文, ``_all.html``), when its capture gives text, is used instead of
  joining, after the first page;
- the Document's ``pages`` lists every page used (address, WARC-Date, record); ``fetched`` is
  the latest of their WARC-Dates, so a page changed on a re-crawl is a newer text;
- a page that is itself a continuation (its own page bar says so) is never a text of its own:
  :class:`~crawler.text.pagekind.NotArticle` of kind ``continuation``.

A page that cannot be read, is missing, or is not an article costs only itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from .continuation import MAX_PAGES, Pages, find, key
from .decode import decode_html, decode_payload
from .model import Capture, Document, EncodingInfo, PageRef, TextError, TextOptions
from .pagekind import NotArticle, PageKind

CONTINUATION = "continuation"

_BAR_WORD = (
    r"上一?页|下一?页|上一?頁|下一?頁|前一?页|后一?页|首页|首頁|尾页|尾頁|末页|末頁|最后一页|最後一頁"
    r"|共\s*\d+\s*页|第\s*\d+\s*页|当前\s*第?\s*\d+\s*页|页次\s*[:：]?\s*\d+\s*/\s*\d+|分页|跳转到?|转到"
)
_BAR_LINE = re.compile(rf"^(?:{_BAR_WORD}|GO|go|确定|\d{{1,3}}|[\[\]【】()（）<>《》‹›«»…/|:：,，.\s·　-])+$")
_HAS_BAR_WORD = re.compile(_BAR_WORD)
_BLOCKS = ("p", "div", "td", "li", "h1", "h2", "h3", "h4", "h5", "h6", "br", "tr", "section", "article", "dd", "dt")
_PIECE = 20  # characters: a shorter paragraph inside a line another page shows is furniture
_NUMBER_RUN = re.compile(r"^[\[【]?\d{1,3}[\]】]?(?:[\s　·|]+[\[【]?\d{1,3}[\]】]?)+$")


def page_bar_line(line: str) -> bool:
    """A paragraph that is a page bar (上一页 1 2 3 下一页, 共3页, [1] [2] [3]), never the article's text."""
    return bool(_BAR_LINE.match(line)) and bool(_HAS_BAR_WORD.search(line) or _NUMBER_RUN.match(line))


def html_of(capture: Capture, options: TextOptions) -> str:
    """The decoded page, as the text steps decode it (for reading its page bar)."""
    payload = decode_payload(capture, options.max_decompressed_size)
    return decode_html(payload, capture.header("Content-Type"), options.fallback_encoding)[0]


def pages_of(capture: Capture, options: TextOptions, html: str | None = None) -> Pages | None:
    """What the capture's page bar says (None: not part of a multi-page article, or unreadable)."""
    if capture.status != 200:
        return None
    try:
        return find(capture.url, html if html is not None else html_of(capture, options))
    except TextError:
        return None


def visible_lines(html: str) -> set[str]:
    """Every line of a page's visible text (cut at block elements; scripts and styles out) and
    every link's text, whitespace collapsed: what a reader sees, furniture included."""
    from lxml import etree

    from .htmltree import document_fromstring

    try:
        tree = document_fromstring(html)
    except (etree.ParserError, ValueError):
        return set()
    for element in tree.xpath("//script|//style|//noscript"):
        element.drop_tree()
    links = {" ".join(a.text_content().split()) for a in tree.iter("a")}  # a link's text alone is a line too
    for element in tree.iter(*_BLOCKS):
        element.tail = "\n" + (element.tail or "")
    return ({" ".join(line.split()) for line in tree.text_content().splitlines()} | links) - {""}


def derive_article(first: Capture, lookup: Callable[[str], Capture | None], options: TextOptions) -> Document:
    """The article whose first page is ``first`` (``lookup``: an address -> its capture)."""
    from .derivation import derive_page

    doc, html = derive_page(first, options)  # a notice, a wall ... raises here, as for any page
    found = pages_of(first, options, html)
    if found is None or not (found.pages or found.single):
        return doc
    if found.continuation:
        raise NotArticle(PageKind(CONTINUATION, f"page of {found.first}"), first.url)
    parts = [_Part(first, doc, html)]
    if found.single and (single := _derived(lookup(found.single), options)) is not None:
        # the whole text on one page: its paragraphs, after the first page's title and metadata
        return _joined([replace(parts[0], doc=replace(doc, paragraphs=())), single])
    parts += _walk(first.url, list(found.pages), lookup, options)
    return _joined(parts) if len(parts) > 1 else doc


@dataclass(frozen=True)
class _Part:
    """One page: its capture, its Document (as any page is derived) and its decoded HTML."""

    capture: Capture
    doc: Document
    html: str


def _derived(capture: Capture | None, options: TextOptions) -> _Part | None:
    from .derivation import derive_page

    if capture is None:
        return None
    try:
        return _Part(capture, *derive_page(capture, options))
    except TextError:
        return None


def _walk(first: str, order: list[str], lookup, options: TextOptions) -> list[_Part]:
    """The continuation pages in page order, each page's bar adding the pages it names."""
    out, seen, i = [], set(order), 0
    while i < len(order) and len(out) < MAX_PAGES - 1:
        url = order[i]
        i += 1
        part = _derived(lookup(url), options)
        if part is None:
            continue
        out.append(part)
        more = pages_of(part.capture, options, part.html)
        if more is not None and more.first == first and set(more.pages) - seen:
            seen |= set(more.pages)
            rest = sorted(set(order[i:]) | (set(more.pages) - set(order[:i])), key=_page_number)
            order = order[:i] + rest
    return out


def _page_number(url: str) -> tuple[int, str]:
    k = key(url)
    return (k.raw if k is not None and isinstance(k.raw, int) else 0), url


def _joined(parts: list[_Part]) -> Document:
    """One Document from the pages: the first page's title and metadata, every page's paragraphs
    without page bars, a page that repeats an earlier one dropped, then what another page of the
    article also shows (the template's furniture, which the extractor may take for text on a
    short page: the site name, a breadcrumb) and paragraphs an earlier page gave."""
    first, removed = parts[0].doc, {}

    def count(rule: str, n: int) -> None:
        if n:
            removed[rule] = removed.get(rule, 0) + n

    pages, seen_pages = [], set()
    for part in parts:
        for rule, n in part.doc.removed:
            count(rule, n)
        own = tuple(p for p in part.doc.paragraphs if not page_bar_line(p))
        count("page-bar", len(part.doc.paragraphs) - len(own))
        if own and own in seen_pages:
            count("repeated-page", 1)
            continue
        seen_pages.add(own)
        pages.append((part, own))
    # only pages that give text are compared (a single-page version: the first page gives none)
    shown = [visible_lines(part.html) if own else set() for part, own in pages]
    paragraphs, seen = [], {first.title}
    for k, (_part, own) in enumerate(pages):
        others = set().union(*(lines for j, lines in enumerate(shown) if j != k))
        blob = "\n".join(sorted(others))
        kept = [p for p in own if not _furniture(p, others, blob)]
        count("page-furniture", len(own) - len(kept))
        fresh = [p for p in kept if p not in seen]
        count("repeated", len(kept) - len(fresh))
        seen.update(fresh)
        paragraphs += fresh
    used = [part for part, _ in pages]
    return replace(
        first,
        paragraphs=tuple(paragraphs),
        fetched=max(p.capture.warc_date for p in used),
        encoding=_encoding([p.doc.encoding for p in used]),
        removed=tuple(sorted(removed.items())),
        pages=tuple(PageRef(p.capture.url, p.capture.warc_date, p.capture.warc) for p in used),
    )


def _furniture(paragraph: str, others: set[str], blob: str) -> bool:
    """A line another page of the article shows too, or a short piece of one (``> 正文`` of a
    breadcrumb the extractor cut at its links)."""
    line = " ".join(paragraph.split())
    return line in others or (len(line) <= _PIECE and line in blob)


def _encoding(infos: list[EncodingInfo]) -> EncodingInfo:
    """The first page's charset facts, with the counts of every page added up."""
    return replace(
        infos[0],
        invalid_bytes=sum(e.invalid_bytes for e in infos),
        repairs=sum(e.repairs for e in infos),
        losses=sum(e.losses for e in infos),
        annotations_removed=sum(e.annotations_removed for e in infos),
        repaired=tuple(note for e in infos for note in e.repaired),
    )


__all__ = ["CONTINUATION", "derive_article", "page_bar_line", "pages_of"]
