"""A multi-page article as one Document: its pages' main texts in page order (docs/architecture.md).

Pure (no Scrapy): the first page's Capture and a ``lookup`` from an address to the capture of
that page (None when there is none) in, a Document out. The crawl's text worker (captures the
crawl just made or read back from the archive) and ``scrapy rebuild`` (captures found in the
WARC files) call the same :func:`derive_article`, so both give the same bytes:

- the pages are the ones the first page's page bar names (crawler.text.continuation), and the
  ones each page's own bar adds (a bar of only 下一页), in page order, at most ``MAX_PAGES``;
- title and metadata come from the first page; each page's main text is derived as any page is
  (crawler.text.basic: its own byline and furniture out), then its page-bar lines are removed;
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
from dataclasses import replace

from .continuation import MAX_PAGES, Pages, find, key
from .decode import decode_html, decode_payload
from .model import Capture, Document, EncodingInfo, PageRef, TextError, TextOptions
from .pagekind import NotArticle, PageKind

CONTINUATION = "continuation"

_BAR_WORD = (r"上一?页|下一?页|上一?頁|下一?頁|前一?页|后一?页|首页|首頁|尾页|尾頁|末页|末頁|最后一页|最後一頁"
             r"|共\s*\d+\s*页|第\s*\d+\s*页|当前\s*第?\s*\d+\s*页|页次\s*[:：]?\s*\d+\s*/\s*\d+|分页|跳转到?|转到")
_BAR_LINE = re.compile(rf"^(?:{_BAR_WORD}|GO|go|确定|\d{{1,3}}|[\[\]【】()（）<>《》‹›«»…/|:：,，.\s·　-])+$")
_HAS_BAR_WORD = re.compile(_BAR_WORD)
_NUMBER_RUN = re.compile(r"^[\[【]?\d{1,3}[\]】]?(?:[\s　·|]+[\[【]?\d{1,3}[\]】]?)+$")


def page_bar_line(line: str) -> bool:
    """A paragraph that is a page bar (上一页 1 2 3 下一页, 共3页, [1] [2] [3]), never the article's text."""
    return bool(_BAR_LINE.match(line)) and bool(_HAS_BAR_WORD.search(line) or _NUMBER_RUN.match(line))


def html_of(capture: Capture, options: TextOptions) -> str:
    """The decoded page, as the text steps decode it (for reading its page bar)."""
    payload = decode_payload(capture, options.max_decompressed_size)
    return decode_html(payload, capture.header("Content-Type"), options.fallback_encoding)[0]


def pages_of(capture: Capture, options: TextOptions) -> Pages | None:
    """What the capture's page bar says (None: not part of a multi-page article, or unreadable)."""
    if capture.status != 200:
        return None
    try:
        return find(capture.url, html_of(capture, options))
    except TextError:
        return None


def derive_article(first: Capture, lookup: Callable[[str], Capture | None], options: TextOptions) -> Document:
    """The article whose first page is ``first`` (``lookup``: an address -> its capture)."""
    from .basic import derive

    doc = derive(first, options)  # a notice, a wall ... raises here, as for any page
    found = pages_of(first, options)
    if found is None or not (found.pages or found.single):
        return doc
    if found.continuation:
        raise NotArticle(PageKind(CONTINUATION, f"page of {found.first}"), first.url)
    parts = [(first, doc)]
    if found.single and (single := _derived(lookup(found.single), options)) is not None:
        parts.append(single)
    else:
        parts += _walk(first.url, list(found.pages), lookup, options)
    return _joined(parts) if len(parts) > 1 else doc


def _derived(capture: Capture | None, options: TextOptions) -> tuple[Capture, Document] | None:
    from .basic import derive

    if capture is None:
        return None
    try:
        return capture, derive(capture, options)
    except TextError:
        return None


def _walk(first: str, order: list[str], lookup, options: TextOptions) -> list[tuple[Capture, Document]]:
    """The continuation pages in page order, each page's bar adding the pages it names."""
    out, seen, i = [], set(order), 0
    while i < len(order) and len(out) < MAX_PAGES - 1:
        url = order[i]
        i += 1
        derived = _derived(lookup(url), options)
        if derived is None:
            continue
        out.append(derived)
        more = pages_of(derived[0], options)
        if more is not None and more.first == first and set(more.pages) - seen:
            seen |= set(more.pages)
            rest = sorted(set(order[i:]) | (set(more.pages) - set(order[:i])), key=_page_number)
            order = order[:i] + rest
    return out


def _page_number(url: str) -> tuple[int, str]:
    k = key(url)
    return (k.raw if k is not None and isinstance(k.raw, int) else 0), url


def _joined(parts: list[tuple[Capture, Document]]) -> Document:
    """One Document from the pages' Documents: the first page's title and metadata, every
    page's paragraphs (page bars, repeated pages and repeated paragraphs out)."""
    first = parts[0][1]
    paragraphs, seen_pages, seen, used, removed = [], set(), set(), [], {}
    for capture, doc in parts:
        own = tuple(p for p in doc.paragraphs if not page_bar_line(p))
        for rule, count in doc.removed:
            removed[rule] = removed.get(rule, 0) + count
        if len(own) < len(doc.paragraphs):
            removed["page-bar"] = removed.get("page-bar", 0) + len(doc.paragraphs) - len(own)
        if own in seen_pages:
            removed["repeated-page"] = removed.get("repeated-page", 0) + 1
            continue
        seen_pages.add(own)
        kept = [p for p in own if p not in seen and p != first.title]
        if len(kept) < len(own):
            removed["repeated"] = removed.get("repeated", 0) + len(own) - len(kept)
        seen.update(kept)
        paragraphs += kept
        used.append((capture, doc))
    return replace(first, paragraphs=tuple(paragraphs), fetched=max(c.warc_date for c, _ in used),
                   encoding=_encoding([d.encoding for _, d in used]), removed=tuple(sorted(removed.items())),
                   pages=tuple(PageRef(c.url, c.warc_date, c.warc) for c, _ in used))


def _encoding(infos: list[EncodingInfo]) -> EncodingInfo:
    """The first page's charset facts, with the counts of every page added up."""
    return replace(infos[0], invalid_bytes=sum(e.invalid_bytes for e in infos), repairs=sum(e.repairs for e in infos),
                   losses=sum(e.losses for e in infos), annotations_removed=sum(e.annotations_removed for e in infos))


__all__ = ["CONTINUATION", "derive_article", "page_bar_line", "pages_of"]
