"""``derive``: one archived article page to a Document, as a named sequence of stages.

decode (payload, charset) -> parse -> what the page is (crawler.text.pagekind, on that tree) -> title and main
text (crawler.text.title, crawler.text.extract) -> lines repaired and normalized -> metadata lines
out (crawler.text.dates, crawler.text.byline) -> per-page boilerplate out
(crawler.text.boilerplate) -> the byline after the title -> Document. Site-wide boilerplate and
near-duplicates need every document of a source and come later (crawler.text.sitewide); a
multi-page article's pages are joined by crawler.text.multipage, each derived here.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from functools import cache

from .articleness import is_article
from .boilerplate import furniture_out
from .byline import LATE_DATE, byline_text, fields, split_meta
from .captions import with_captions
from .dates import byline_date, iso_date, split_short_date
from .decode import decode_html
from .extract import link_texts, main_text, parse_html, trafilatura_text
from .keepchars import Kept
from .model import Capture, Document, EncodingInfo, TextError, TextOptions, document_id
from .normalize import normalize_lines, strip_annotations
from .pagekind import ARTICLE, NotArticle, classify, list_rule
from .pagemeta import PageMeta
from .payload import decode_payload
from .repair import repair_paragraphs
from .scriptdate import script_date
from .threads import drop_wiki_blocks
from .title import choose_title

_HTML_TYPES = ("text/html", "application/xhtml+xml", "")


def derive(capture: Capture, options: TextOptions) -> Document:
    """One archived article page to a Document (before site-wide boilerplate removal)."""
    return derive_page(capture, options)[0]


def derive_page(capture: Capture, options: TextOptions) -> tuple[Document, str]:
    """:func:`derive`, and the decoded page it read (crawler.text.multipage reads its page bar
    there: decoding it again would choose the same charset at the same cost)."""
    html, encoding = _html(capture, options)
    tree = parse_html(html)  # one parse for what the page is and for its text
    _require_article(capture, html, tree, options)
    tree = _tree(capture, tree, html)
    kept = Kept(html)  # the characters trafilatura deletes, swapped for stand-ins while it reads the tree
    page = PageMeta(kept.into(tree), html, capture.url, capture.warc_date)  # title now; author, date if asked
    # here, before trafilatura sees the tree; the page's text is made only when a title needs it
    page_title = kept.back(choose_title(page.html_title, page.title, tree, cache(tree.text_content)))
    lines = normalize_lines(kept.back(_main_text(capture, tree, html, options.fast_extraction)))
    kept.out(tree)
    repaired: list[str] = []  # each repair's chain and span: the encoding block's ``repaired``
    title, lines, repairs, annotations = _cleaned(page_title, lines, options, repaired)
    title, short_date = split_short_date(title, capture.url, capture.warc_date)
    lines, meta = split_meta([x for x in lines if x], capture.warc_date)
    lines, removed = _body(capture, tree, lines, title, options)
    published = (
        _byline_meta(meta, byline_text(html, title), capture.warc_date)
        or short_date
        or script_date(tree, capture.warc_date)
        or iso_date(page.date or "", capture.warc_date)
    )
    info = _encoding(encoding, repairs, annotations, [title, *lines], repaired)
    return Document(
        id=document_id(capture.url),
        url=capture.url,
        source=capture.source,
        title=title,
        fetched=capture.warc_date,
        encoding=info,
        paragraphs=tuple(lines),
        published=published,
        author=meta.pop("author", None) or kept.back(page.author),
        meta=tuple(sorted(meta.items())),
        removed=tuple(sorted(removed.items())),
        warc=capture.warc,
    ), html


def _html(capture: Capture, options: TextOptions) -> tuple[str, EncodingInfo]:
    """The page as text: an HTML payload, its Content-Encoding undone, its charset chosen."""
    header = capture.header("Content-Type")
    mime = (header or "").split(";")[0].strip().lower()
    if mime not in _HTML_TYPES:
        raise TextError("not-html", f"{capture.url}: {mime} is not HTML")
    payload = decode_payload(capture, options.max_decompressed_size)
    return decode_html(payload, header, options.fallback_encoding)


def _require_article(capture: Capture, html: str, tree, options: TextOptions) -> None:
    """A notice, a redirect, a wall: never a text, never replaces one (NotArticle)."""
    kind = classify(
        capture.url, capture.status, capture.header("Location"), html, list_rule(options.list_patterns), tree
    )
    if kind.kind != ARTICLE:
        raise NotArticle(kind, capture.url)


def _tree(capture: Capture, tree, html: str):
    """The parsed page without wiki navboxes, infobox and jump links: whole blocks of links,
    never the article."""
    if tree is None:
        raise TextError("no-text", f"{capture.url}: not parseable as HTML")
    drop_wiki_blocks(tree, html)
    return tree


def _main_text(capture: Capture, tree, html: str, fast: bool = False) -> str:
    """trafilatura's main text with its images' captions (crawler.text.captions), or the
    fallback extractor's (crawler.text.extract)."""
    extracted = trafilatura_text(tree, capture.url, fast)
    text = main_text(extracted, html)
    if text and text == extracted:  # the fallback's lines are the page's own: its captions are in
        text = with_captions(text, tree)
    if not text:
        raise TextError("no-text", f"{capture.url}: no main text found")
    return text


def _cleaned(
    page_title: str, lines: list[str], options: TextOptions, repaired: list[str]
) -> tuple[str, list[str], int, int]:
    """(title, lines, paragraphs repaired, annotations removed): mojibake undone and pinyin
    annotations out, of the title and the lines alike. No title anywhere: the first line is the
    title, or its opening if it is all there is."""
    title = page_title
    if not title:
        title = lines[0] if len(lines) > 1 else lines[0][:30] + ("…" if len(lines[0]) > 30 else "")
    lines, repairs = repair_paragraphs([title, *lines], repaired)
    lines, annotations = strip_annotations(lines, options.strip_annotations)
    return lines[0], lines[1:], repairs, annotations


def _body(capture: Capture, tree, lines: list[str], title: str, options: TextOptions) -> tuple[list[str], Counter]:
    """The body without the page's furniture (crawler.text.boilerplate), and the lines removed
    per rule; a page with nothing left, or (``only_articles``) a list page, gives no text. The
    page's link texts are collected only when a rule asks for them."""
    links = cache(lambda: link_texts(tree))
    lines, removed = furniture_out(lines, title, options.boilerplate_patterns, links)
    if not lines:
        raise TextError("no-text", f"{capture.url}: nothing left after boilerplate removal")
    if options.only_articles and not is_article(tree, lines, capture.url, links):
        raise TextError("not-article", f"{capture.url}: a list or index page, not an article")
    return lines, removed


def _byline_meta(meta: dict[str, str], byline: str, warc_date: str) -> str | None:
    """The byline after the title adds its author and origin to ``meta`` where the body's lines
    named none; the date published (or None): a date line before the body's first line, else the
    byline's date, else the date of the lines after the body began (split_meta)."""
    for key, value in fields(byline).items():
        meta.setdefault(key, value)
    late = meta.pop(LATE_DATE, None)
    return meta.pop("published", None) or byline_date(byline, warc_date) or late


def _encoding(
    decoded: EncodingInfo, repairs: int, annotations: int, lines: list[str], repaired: list[str]
) -> EncodingInfo:
    """How the text came to be: the decoding (its confidence kept), plus the repairs (each one's
    chain and span) and annotations of the text steps and the U+FFFD left in the final lines
    (bytes really lost)."""
    losses = sum(x.count("\ufffd") for x in lines)
    return replace(
        decoded,
        repairs=decoded.repairs + repairs,
        losses=losses,
        annotations_removed=annotations,
        repaired=decoded.repaired + tuple(repaired),
    )


__all__ = ["derive", "derive_page"]
