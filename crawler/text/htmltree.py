"""The one HTML parser of the text steps, the page bar, the page kind and the requisites.

lxml.html's own parser picks each element's Python class by its tag (FormElement,
InputElement, ...) through a lookup that is a Python callback, run every time lxml hands out an
element: about 7% of a derivation's CPU, counting trafilatura's walks over the tree it is given.
This parser gives every element lxml.html's ``HtmlElement`` (the form methods of the per-tag
classes are used by no step) and keeps no index of ids. The trees are the same elements, text and
attributes (crawler.text's output compared on the real pages, the demo and 1,000 generated
pages); lxml.html's parser settings are otherwise its defaults (comments kept).
"""

from __future__ import annotations

import lxml.html
from lxml import etree


def _parser() -> lxml.html.HTMLParser:
    parser = lxml.html.HTMLParser(collect_ids=False)
    parser.set_element_class_lookup(
        etree.ElementDefaultClassLookup(
            element=lxml.html.HtmlElement,
            comment=lxml.html.HtmlComment,
            pi=lxml.html.HtmlProcessingInstruction,
            entity=lxml.html.HtmlEntity,
        )
    )
    return parser


PARSER = _parser()


def fromstring(html: str):
    """``lxml.html.fromstring`` with :data:`PARSER` (a fragment gets a wrapping element)."""
    return lxml.html.fromstring(html, parser=PARSER)


def document_fromstring(html: str):
    """``lxml.html.document_fromstring`` with :data:`PARSER` (always a whole document)."""
    return lxml.html.document_fromstring(html, parser=PARSER)


__all__ = ["PARSER", "document_fromstring", "fromstring"]
