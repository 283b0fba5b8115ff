"""Which captures of a multi-page article's pages go with each capture of its first page, in a rebuild.

Pure (no Scrapy): the crawl requests an article's continuation pages right after its first page
(crawler/spiders.py), and derives the article once all of them are captured, when at least one
page is a new capture (not a revisit). A rebuild sees only the records, so it pairs them the same
way: the captures of the first page (responses, revisits, removals) in WARC-Date order each open
a *window* that ends at the next one; the continuation pages of that capture are the captures of
their addresses in its window (a revisit stands for the response it revisits: the latest full
response of that address before it). A window whose captures are all revisits changes nothing:
the crawl derived nothing then either.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from crawler.warc.errors import WarcError
from crawler.warc.model import Capture, Located

Lookup = Callable[[str], Capture | None]
Reader = Callable[[str, int, str], Capture]


def windows(captures: Sequence[Located], pages: Sequence[Located], read: Reader) -> Iterator[tuple[Located, Lookup]]:
    """(capture of the first page to derive or removal, lookup of its other pages) per event,
    oldest first; revisits of the first page give the full response they stand for."""
    full = [c for c in captures if c.removal is None and not c.revisit]
    for i, found in enumerate(captures):
        end = captures[i + 1].warc_date if i + 1 < len(captures) else None
        window = [p for p in pages if p.warc_date >= found.warc_date and (end is None or p.warc_date < end)]
        if found.removal is not None:
            yield found, _nothing
            continue
        if found.revisit:
            if all(p.revisit for p in window):
                continue  # nothing new since: the crawl derived nothing
            found = _latest_before(full, found)
            if found is None:
                continue
        yield found, _lookup(window, pages, read)


def _nothing(url: str) -> None:
    return None


def _latest_before(full: Sequence[Located], revisit: Located) -> Located | None:
    earlier = [c for c in full if c.url == revisit.url and c.warc_date <= revisit.warc_date]
    return earlier[-1] if earlier else None


def _lookup(window: list[Located], pages: Sequence[Located], read: Reader) -> Lookup:
    """An address -> its capture in the window (read on first use; None when there is none)."""
    full = [p for p in pages if not p.revisit]
    cache: dict[str, Capture | None] = {}

    def lookup(url: str) -> Capture | None:
        if url not in cache:
            found = next((p for p in window if p.url == url), None)
            if found is not None and found.revisit:
                found = _latest_before(full, found)
            cache[url] = None
            if found is not None:
                try:
                    cache[url] = read(found.file, found.offset, found.source)
                except (OSError, ValueError, WarcError):  # an unreadable page costs only itself
                    cache[url] = None
        return cache[url]

    return lookup


__all__ = ["windows", "Lookup"]
