"""Main text of a parsed page: lxml parsing, trafilatura's extraction, the fallback extractor.

Old portals lay the whole article out in table cells: those tables are unwrapped before
trafilatura sees the tree. When trafilatura finds nothing that reads as prose (fragments, odd
markup, a profile box) the page's own visible text lines are used instead (:func:`fallback_text`).
"""

from __future__ import annotations

import trafilatura
from lxml import etree

from .articleness import has_prose
from .htmltree import fromstring
from .normalize import normalize_whitespace

_LAYOUT_TAGS = {"table", "tbody", "thead", "tfoot", "tr", "td", "th"}


def parse_html(html: str):
    """lxml tree with layout tables unwrapped: old portals put the whole article in table cells,
    which trafilatura then renders as '| cell |' rows; a table holding paragraphs is layout."""
    try:
        tree = fromstring(html)
    except (etree.ParserError, ValueError):
        return None
    layout = [t for t in tree.iter("table") if t.xpath(".//p or .//table or .//div") or _link_heavy(t)]
    # each layout table's own rows and cells only: a data table nested in a layout cell stays a table
    own = [
        element
        for table in layout
        for element in table.iter(*_LAYOUT_TAGS)
        if next(element.iterancestors("table"), None) is table or element is table
    ]
    for element in own:
        element.tag = "div"
    # a list whose item holds a whole article (several paragraphs: a page's columns laid out as
    # list items) is layout too: trafilatura would render the item as one "- ..." line, the
    # headline, the date line and every paragraph run together
    for listing in {li.getparent() for li in tree.iter("li") if _holds_paragraphs(li)}:
        if listing is not None and listing.tag in ("ul", "ol"):
            for item in listing.iterchildren("li"):
                item.tag = "div"
            listing.tag = "div"
    return tree


_LAYOUT_ITEM_PARAGRAPHS = 5  # a list item with this many paragraphs is a column, not an entry


def _holds_paragraphs(item) -> bool:
    found = 0
    for _ in item.iter("p"):
        found += 1
        if found >= _LAYOUT_ITEM_PARAGRAPHS:
            return True
    return False


def _link_heavy(table) -> bool:
    """A table that is mostly link text is navigation laid out in cells, not data."""
    text = "".join(table.itertext()).strip()
    links = "".join(t for a in table.iter("a") for t in a.itertext()).strip()
    return bool(text) and len(links) >= 0.5 * len(text)


_BLOCKS = ("p", "div", "td", "li", "h1", "h2", "h3", "h4", "h5", "h6", "br", "tr", "section", "article")


# hand-written, not trafilatura.baseline: on the 36 demo articles and 3 fragments baseline gave the same lines for 1 of 39 (it runs a page's blocks together into one line)
def fallback_text(html: str) -> str:
    """The second extractor, when trafilatura finds nothing (fragments, odd markup): the page's
    visible text cut at block elements, lines of at least 10 characters, scripts and styles out."""
    tree = parse_html(html)
    if tree is None:
        return ""
    for element in tree.xpath("//script|//style|//noscript"):
        element.drop_tree()
    for element in tree.iter(*_BLOCKS):
        element.tail = "\n" + (element.tail or "")
    lines = (normalize_whitespace(x) for x in tree.text_content().splitlines())
    return "\n".join(x for x in lines if len(x) >= 10)


def main_text(extracted: str, html: str) -> str:
    """trafilatura's text; the page's own text lines (fallback_text) when it found nothing, or
    nothing that reads as prose (a profile box, a list of links) while the page holds prose."""
    if has_prose(extracted):
        return extracted
    fallback = fallback_text(html)
    return fallback if has_prose(fallback) or not extracted else extracted


def trafilatura_text(tree, url: str, fast: bool = False) -> str:
    """trafilatura's main text of the page (tables in, comments out), or "" when it finds none;
    ``tree`` is not modified (trafilatura works on a copy). ``fast``: trafilatura's fast mode, its
    own extraction without the comparison with readability and jusText (a seed's
    ``text.extraction: fast``; docs/seeds.md)."""
    result = trafilatura.bare_extraction(
        tree, url=url, include_comments=False, deduplicate=False, include_tables=True, fast=fast
    )
    return result.text if result is not None and result.text else ""


def link_texts(tree) -> set[str]:
    """The whole text of every link of the page, spaces normalized."""
    return {normalize_whitespace(a.text_content()) for a in tree.iter("a")}


__all__ = ["fallback_text", "link_texts", "main_text", "parse_html", "trafilatura_text"]
