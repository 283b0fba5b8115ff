"""Page requisites: the images, stylesheets, scripts, icons and fonts a page references.

Pure (lxml and regular expressions, no Scrapy): ``page_requisites`` reads an HTML page's
``<img src/srcset>``, ``<picture><source srcset>``, ``<link rel=stylesheet|icon|preload>``,
``<script src>`` and inline ``<style>`` ``url()`` references, then those of ``style=""`` attributes; ``css_requisites``
reads a stylesheet's ``url()`` and ``@import`` references (fonts, background images). The spider
requests them so that the archive replays as the page looked (docs/seeds.md, ``requisites``).
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from lxml import etree

from .text.htmltree import fromstring

#: ``url(x)``, ``url('x')``, ``url("x")`` and ``@import 'x'`` / ``@import "x"`` in CSS
_CSS_URL = re.compile(
    r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE
)
#: ``<link rel>`` values whose target is part of how the page looks
_LINK_RELS = {"stylesheet", "icon", "shortcut", "apple-touch-icon", "mask-icon"}
_PRELOAD_AS = {"style", "script", "font", "image"}


def _absolute(base: str, ref: str | None) -> str | None:
    """The absolute http(s) URL of a reference, fragment removed; None for data:, javascript: ..."""
    ref = (ref or "").strip()
    if not ref or ref.startswith("#"):
        return None
    try:
        url = urljoin(base, ref).split("#", 1)[0]
    except ValueError:
        return None
    return url if urlsplit(url).scheme in ("http", "https") else None


def srcset_urls(value: str) -> list[str]:
    """The URLs of a ``srcset`` value (``a.jpg 1x, b.jpg 2x``: candidates split on commas that
    follow a descriptor or whitespace, as the HTML standard's parser does for plain URLs)."""
    out = []
    for candidate in re.split(r",\s+|,(?=\S+\s)", value.strip()):
        parts = candidate.strip().split()
        if parts:
            out.append(parts[0].rstrip(","))
    return out


def css_requisites(css: str, base: str) -> list[str]:
    """Absolute URLs a stylesheet references (fonts, images, imported sheets), in order, once each."""
    found: dict[str, None] = {}
    for match in _CSS_URL.finditer(css):
        url = _absolute(base, next((g for g in match.groups() if g is not None), ""))
        if url is not None:
            found[url] = None
    return list(found)


def _link_wanted(element) -> bool:
    rels = set((element.get("rel") or "").lower().split())
    if rels & _LINK_RELS:
        return True
    return "preload" in rels and (element.get("as") or "").lower() in _PRELOAD_AS


def _references(root) -> list[tuple[str, str]]:
    """(kind, reference) pairs in document order: ``url`` for HTML attributes, ``css`` for CSS text."""
    refs: list[tuple[str, str]] = []
    for element in root.iter("img", "source", "link", "script", "style", "input"):
        tag = element.tag
        if tag == "img" or (tag == "input" and (element.get("type") or "").lower() == "image"):
            refs.append(("url", element.get("src") or ""))
        if tag in ("img", "source"):
            refs.extend(("url", u) for u in srcset_urls(element.get("srcset") or ""))
        elif tag == "link" and _link_wanted(element):
            refs.append(("url", element.get("href") or ""))
        elif tag == "script" and element.get("src"):
            refs.append(("url", element.get("src")))
        elif tag == "style":
            refs.append(("css", element.text or ""))
    refs.extend(("css", e.get("style")) for e in root.xpath("//*[@style]"))
    return refs


def page_requisites(html: str, base: str) -> list[str]:
    """Absolute URLs of what an HTML page needs to look as it did, in page order, once each.
    ``base``: the page's base URL (its ``<base href>`` when it has one)."""
    try:
        root = fromstring(html)
    except (etree.ParserError, ValueError):  # empty or not HTML
        return []
    found: dict[str, None] = {}
    for kind, ref in _references(root):
        urls = css_requisites(ref, base) if kind == "css" else [_absolute(base, ref)]
        for url in urls:
            if url is not None:
                found[url] = None
    return list(found)


def is_stylesheet(url: str, content_type: str | None) -> bool:
    """True for a CSS response (its url() references are requisites too, one level)."""
    if content_type:
        return content_type.split(";")[0].strip().lower() == "text/css"
    return urlsplit(url).path.lower().endswith(".css")
