"""Crawler traps: URLs that a site can generate without end (pure, no Scrapy).

A calendar that links to the next day, a relative link that adds a directory at every hop
(``/a/b/a/b/a/b/...``), a session id appended again and again: each new URL looks like a new page.
The depth limit (seed ``limits.max_depth``, default 1000) bounds every chain; this catches the
shapes that no real article or list page has, at the first hop that shows them.
"""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlsplit

MAX_URL = 2048  # characters: browsers and servers refuse longer; no article address is
MAX_SEGMENTS = 24  # path segments: news CMSs use 3 to 8
MAX_REPEATS = 3  # one segment (other than empty) this many times in a path: a loop of relative links


def trap(url: str) -> str | None:
    """Why ``url`` looks like a crawler trap (``long-url``, ``deep-path``, ``repeated-path``), or None."""
    if len(url) > MAX_URL:
        return "long-url"
    segments = [s for s in urlsplit(url).path.split("/") if s]
    if len(segments) > MAX_SEGMENTS:
        return "deep-path"
    if segments and Counter(segments).most_common(1)[0][1] >= MAX_REPEATS:
        return "repeated-path"
    return None
