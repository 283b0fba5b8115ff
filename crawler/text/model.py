"""Plain data passed between the crawl, the process pool and the offline rebuild (the WARC
side of it, ``WarcRef`` and ``Capture``, is crawler.warc.model's).

Every field is taken from a WARC record or the page itself, never from the clock, so the same
records always give the same documents (docs/formats.md).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from dataclasses import dataclass

# owned by the WARC layer (crawler.warc.model); Capture is re-exported here for the text steps
from crawler.warc.model import Capture, WarcRef  # noqa: F401


@dataclass(frozen=True)
class PageRef:
    """One page of a multi-page article: its address, the WARC-Date and record of its capture."""

    url: str
    fetched: str
    warc: WarcRef | None = None


@dataclass(frozen=True)
class TextOptions:
    """Options of the text steps, built once from settings and the source's seed."""

    fallback_encoding: str | None = None  # the source's fallback, e.g. "gb18030"
    strip_annotations: str = "auto"  # "auto" | "always" | "never" (pinyin annotations)
    boilerplate_patterns: tuple[str, ...] = ()  # extra per-source regexes (whole paragraph)
    boilerplate_min_pages: int = 3  # site-wide: a paragraph on at least this many pages...
    boilerplate_min_share: float = 0.3  # ...and at least this share of the source's pages
    max_decompressed_size: int = 20 * 1024 * 1024  # bytes of decoded payload we accept
    near_duplicate_threshold: float = 0.8  # Jaccard similarity for near-duplicate clusters
    list_patterns: tuple[str, ...] = ()  # the source's follow rules: a redirect to one is to a list page
    only_articles: bool = False  # scrapy extract: a page that is no article gives no text (TextError not-article)
    fast_extraction: bool = False  # seed text.extraction: fast: trafilatura without its readability/jusText fallbacks


@dataclass(frozen=True)
class EncodingInfo:
    """How the page's bytes became text: the label seen, the codec used and why."""

    declared: str | None  # the label the page declared (HTTP, then <meta>), as written
    used: str  # Python codec actually used
    reason: str  # e.g. "http-charset", "meta-charset", "bom", "utf8-valid", "fallback", "detected"
    invalid_bytes: int = 0  # bytes replaced by U+FFFD while decoding
    repairs: int = 0  # paragraphs whose mojibake was undone
    losses: int = 0  # U+FFFD characters left in the text (bytes really gone)
    annotations_removed: int = 0  # pinyin annotations removed
    confidence: str = ""  # "low": the codec was chosen on thin evidence (a few non-ASCII bytes)
    candidates: str = ""  # with low confidence: the detector's candidates, "cp1251 0.42, koi8_r 0.31"
    repaired: tuple[str, ...] = ()  # each repair's chain and span: "utf-8 read as gb18030 (12 characters)"


@dataclass(frozen=True)
class Document:
    """A derived article before site-wide boilerplate removal (which needs all documents)."""

    id: str
    url: str
    source: str
    title: str
    fetched: str  # the WARC-Date of the response record
    encoding: EncodingInfo
    paragraphs: tuple[str, ...]  # body, one paragraph each, title line not included
    published: str | None = None
    author: str | None = None
    meta: tuple[tuple[str, str], ...] = ()  # other front-matter facts: ("origin", "新华网"), ...
    removed: tuple[tuple[str, int], ...] = ()  # per-page boilerplate removed: (rule, count), sorted
    warc: WarcRef | None = None
    pages: tuple[PageRef, ...] = ()  # a multi-page article's pages in order, the first included; () for one page

    def to_dict(self) -> dict:
        """The JSON form (docs/formats.md): what ``dataclasses.asdict`` gives, with tuples left as
        tuples (JSON writes them as lists). asdict deep-copies every paragraph and pair through
        a recursive generic walk: ~3 ms a page, written once per page by every crawl and rebuild."""
        data = {f.name: getattr(self, f.name) for f in _DOC_FIELDS}
        data["encoding"] = dict(vars(self.encoding))
        data["warc"] = dict(vars(self.warc)) if self.warc is not None else None
        data["pages"] = [
            {"url": p.url, "fetched": p.fetched, "warc": dict(vars(p.warc)) if p.warc else None} for p in self.pages
        ]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Document:
        data = dict(data)
        encoding = dict(data["encoding"])
        encoding["repaired"] = tuple(encoding.get("repaired", ()))  # JSON gives a list
        data["encoding"] = EncodingInfo(**encoding)
        data["warc"] = WarcRef(**data["warc"]) if data.get("warc") else None
        data["paragraphs"] = tuple(data["paragraphs"])
        data["meta"] = tuple(tuple(kv) for kv in data.get("meta", ()))
        data["removed"] = tuple(tuple(kv) for kv in data.get("removed", ()))
        data["pages"] = tuple(
            PageRef(p["url"], p["fetched"], WarcRef(**p["warc"]) if p.get("warc") else None)
            for p in data.get("pages", ())
        )
        return cls(**data)


_DOC_FIELDS = dataclasses.fields(Document)


@functools.lru_cache(maxsize=1024)  # a worker asks for each page's id more than once; canonicalizing costs ~0.1 ms
def document_id(url: str) -> str:
    """First 16 hex digits of sha256 of the canonical URL (docs/formats.md)."""
    from w3lib.url import canonicalize_url

    return hashlib.sha256(canonicalize_url(url).encode("utf-8")).hexdigest()[:16]


class TextError(Exception):
    """A page that gives no text; ``reason`` is a short stats key, e.g. ``undecodable``."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason

    def __reduce__(self):
        # crosses the process-pool boundary: pickle both arguments, not just args[0]
        return (TextError, (self.reason, str(self)))
