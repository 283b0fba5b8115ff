"""The offline demo site: article data (``content/*.yaml``) -> every served resource, byte-exact.

One YAML file per sub-site holds its settings (encoding, charset labels, furniture text) and its
articles' CLEAN paragraphs. This module renders each sub-site's own markup around them, with
the site furniture real sites carry (nav, breadcrumbs, bylines, share bars, related-article
teasers, copyright), and breaks pages the way real pages are broken: wrong or missing charset
labels, mojibake (UTF-8 bytes read as GBK), a GBK run shifted by one lost byte, converter pinyin
annotations such as ``團(tuán)``. ``expected_articles`` is the oracle: what an ideal archiver
writes for each article. Pure and deterministic: same content -> same bytes.

Content format: ``site:`` (name, title, channel, encoding = the codec of the bytes, http_label /
meta = the labels shown, null for none, gzip, chunked, listed, menu, copyright, icp, notice,
annotations, not_articles: pages that look like articles and are not, crawler/demo/notarticles.py;
stylesheet: article pages link ``/<site>/css/article.css``, which references a background image)
and ``articles:``, each with slug ``YYYY/MM/word`` (-> ``/<site>/<slug>.html``),
title, published (as the page shows it), source, author, optional clicks, editor, caption,
categories, http_label (a wrong label for this page), annotated, figure (an ``<img>`` of
``/<site>/images/<name>.png`` in the body: a page requisite), shows (the article taken down:
``http-404``, ``notice``, ``wall``...), address (under the sub-site, instead of ``<slug>.html``),
pages / paging / single (a multi-page article: crawler/demo/paging.py), extra (markup added
before the footer: links that look like a next page and are not), and paragraphs: a string, or
``{text, damage: mojibake, chain, from, to}`` (``chain``: one of ``CHAINS``, UTF-8 read as GBK
unless given) / ``{text, damage: lost-byte, at}`` (a byte dropped from the page's bytes) /
``{text, damage: lost-byte-text, at}`` (published text of a GBK run that lost a byte, as a
converter that writes ``?`` for what it cannot pair made it: the damage of a UTF-8 page) (character
offsets). A content file with ``extends: <site name>`` and ``articles:`` adds articles to that
sub-site (the damage showcase lives in its own file so). A content file with a top-level
``bulk:`` key is a generated channel of any size instead (``crawler/demo/bulk.py``).
``crawler/demo/server.py`` serves these resources.
"""

from __future__ import annotations

import codecs
import dataclasses
import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime
from html import escape
from pathlib import Path

import yaml

from . import notarticles, paging

CONTENT_DIR = Path(__file__).resolve().parent / "content"
DEFAULT_BASE = "http://127.0.0.1:8000"
CST = timezone(timedelta(hours=8))
SLUG = re.compile(r"^\d{4}/\d{2}/\w+$")
SHOWN_DATE = re.compile(r"^(\d{4})\D{1,3}(\d{1,2})\D{1,3}(\d{1,2})\D{0,3}?(?:\s*(\d{1,2}):(\d{2}))?$")
FIXED_DATE = datetime(2024, 6, 1, 8, 0, tzinfo=CST)  # root, robots, private: no article date
STYLESHEET_CSS = (
    b"body { margin: 0 auto; max-width: 960px; font-family: serif; }\n"
    b".article p { line-height: 1.8; text-indent: 2em; }\n"
    b'.header { background: #b22 url("../images/bg.png") repeat-x; }\n'
)
GIF = bytes.fromhex("47494638396101000100800000ffffff00000021f90401000000002c00000000010001000002024401003b")


class DemoContentError(ValueError):
    """A content file of the demo site is malformed (the message names the file)."""


@dataclass(frozen=True)
class Resource:
    """One served URL path: the body as on the wire before Content-Encoding, and its headers."""

    body: bytes
    headers: tuple[tuple[str, str], ...]
    gzip: bool = False
    last_modified: str = ""  # HTTP date
    etag: str = ""  # quoted, from the body's hash
    chunked: bool = False  # sent with Transfer-Encoding: chunked
    status: int = 200  # not 200: sent without validators (crawler/demo/notarticles.py)


@dataclass(frozen=True)
class ExpectedArticle:
    """What an ideal archiver writes for one article: the test oracle."""

    path: str
    title: str
    paragraphs: tuple[str, ...]
    published: str  # ISO 8601, with +08:00 when the page shows a time, else the date
    author: str
    site: str = ""
    damage: tuple[str, ...] = ()  # "index:kind" of each damaged paragraph, kinds as damage_label
    annotated: bool = False  # the page shows converter pinyin annotations
    pages: tuple[str, ...] = ()  # a multi-page article's other addresses (its single-page version first)


@dataclass(frozen=True)
class Article:
    """One article as the templates need it: clean data plus how its page is broken."""

    site: dict
    path: str
    data: dict = field(hash=False)
    title: str = ""
    paragraphs: tuple[dict, ...] = ()
    when: datetime = FIXED_DATE
    iso: str = ""
    shown: tuple[int, int] | None = field(default=None, compare=False)  # one page's paragraphs (crawler/demo/paging.py)


def load_content(content_dir: Path | None = None, day: int = 1) -> list[tuple[dict, list[Article]]]:
    """Read every ``*.yaml`` of the content dir: (site settings, its articles), sorted by site name."""
    return _read_content(content_dir, day)[0]


def as_of(raw: dict, day: int) -> dict:
    """An article as the site shows it on ``day`` (1, the first): its ``on_day: {N: {...}}`` entries
    for the days up to ``day`` laid over it, in order (``on_day: {2: {shows: notice}}``: taken down)."""
    changes = raw.get("on_day") or {}
    out = dict(raw)
    for when in sorted(int(k) for k in changes):
        if when <= day:
            out.update(changes[when] if when in changes else changes[str(when)])
    return out


def _read_content(content_dir: Path | None, day: int = 1) -> tuple[list[tuple[dict, list[Article]]], list]:
    """The hand-written sub-sites and the generated channels (``bulk:`` files, crawler.demo.bulk)."""
    from .bulk import BulkSpec

    sites, bulks, extra = [], [], []
    for path in sorted(Path(content_dir or CONTENT_DIR).glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text("utf-8"))
            if "bulk" in data:
                bulks.append(BulkSpec.from_data(data["bulk"]))
                continue
            if "extends" in data:  # more articles of a sub-site, read once its settings are known
                extra.append((path, str(data["extends"]), list(data["articles"])))
                continue
            site = data["site"]
            articles = [_article(site, as_of(raw, day)) for raw in data["articles"]]
        except (yaml.YAMLError, KeyError, TypeError, ValueError, UnicodeError) as exc:
            raise DemoContentError(f"{path}: bad demo content ({type(exc).__name__}: {exc})") from None
        sites.append((site, articles))
    named = {site["name"]: articles for site, articles in sites}
    for path, name, raws in extra:
        if name not in named:
            raise DemoContentError(f"{path}: extends {name!r}, which no content file defines")
        site = next(s for s, _ in sites if s["name"] == name)
        try:
            named[name].extend(_article(site, as_of(raw, day)) for raw in raws)
        except (KeyError, TypeError, ValueError, UnicodeError) as exc:
            raise DemoContentError(f"{path}: bad demo content ({type(exc).__name__}: {exc})") from None
    sites.sort(key=lambda pair: pair[0]["name"])
    if not sites and not bulks:
        raise DemoContentError(f"{content_dir}: no *.yaml demo content files")
    return sites, sorted(bulks, key=lambda b: b.name)


def _article(site: dict, raw: dict) -> Article:
    if not SLUG.match(str(raw["slug"])):
        raise ValueError(f"slug {raw['slug']!r} is not YYYY/MM/word")
    paragraphs = tuple(p if isinstance(p, dict) else {"text": p} for p in raw["paragraphs"])
    when, iso = parse_shown_date(str(raw["published"]))
    path = f"/{site['name']}/{raw['address']}" if raw.get("address") else f"/{site['name']}/{raw['slug']}.html"
    if raw.get("pages"):
        paging.style_of(raw), paging.ranges(raw, len(paragraphs))  # checked here: a bad file is named
    return Article(site, path, raw, str(raw["title"]), paragraphs, when, iso)


def parse_shown_date(shown: str) -> tuple[datetime, str]:
    """``2023年10月8日`` / ``2024-05-06 11:20`` -> (aware datetime, ISO 8601 as the page allows)."""
    match = SHOWN_DATE.match(shown.strip())
    if not match:
        raise ValueError(f"published {shown!r} is not a date")
    y, m, d, hh, mm = (int(g) if g else None for g in match.groups())
    when = datetime(y, m, d, hh or 0, mm or 0, tzinfo=CST)
    return when, when.isoformat() if hh is not None else when.date().isoformat()


def mojibake(text: str, chain: str = "utf8-as-gbk") -> str:
    """What ``text`` looks like after ``chain`` (``CHAINS``): UTF-8 bytes read as GBK unless said."""
    return CHAINS[chain](text)


def _cp1252(data: bytes) -> str:
    """Bytes as a windows-1252 reader shows them (its five undefined bytes as C1 controls)."""
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in data)


# the wrong decodings real pages show: bytes of one codec read with another
CHAINS = {
    "utf8-as-gbk": lambda s: s.encode("utf-8").decode("gbk", errors="replace"),
    "utf8-as-big5": lambda s: s.encode("utf-8").decode("cp950", errors="replace"),
    "gbk-as-big5": lambda s: s.encode("gbk").decode("cp950", errors="replace"),
    "big5-as-gbk": lambda s: s.encode("cp950").decode("gb18030", errors="replace"),
    "gbk-as-cp1252": lambda s: _cp1252(s.encode("gbk")),
    "big5-as-cp1252": lambda s: _cp1252(s.encode("cp950")),
    "utf8-as-cp1252": lambda s: _cp1252(s.encode("utf-8")),
    "utf8-twice": lambda s: _cp1252(_cp1252(s.encode("utf-8")).encode("utf-8")),
}


def damage_label(para: dict) -> str:
    """``mojibake``, ``mojibake-lossy`` (some bytes became U+FFFD: no exact repair),
    ``lost-byte``, ``lost-byte-text``."""
    kind = para["damage"]
    if kind == "mojibake":
        span = para["text"][para.get("from", 0) : para.get("to", len(para["text"]))]
        broken = mojibake(span, para.get("chain", "utf8-as-gbk"))
        if "\ufffd" in broken or (
            para.get("chain", "utf8-as-gbk") == "utf8-as-gbk"
            and broken.encode("gbk").decode("utf-8", errors="replace") != span
        ):
            return "mojibake-lossy"
    return kind


def lost_byte_text(text: str, at: int) -> str:
    """``text``'s GBK bytes with the second byte of character ``at`` lost, as a converter that
    writes '?' for a byte it cannot pair publishes them (sample 003's damage, made from our text)."""
    data = text.encode("gbk")
    cut = len(text[:at].encode("gbk")) + 1
    return (data[:cut] + data[cut + 1 :]).decode("gbk", errors="crawler-demo-question")


codecs.register_error("crawler-demo-question", lambda error: ("?", error.start + 1))


def annotate(text: str, table: dict[str, str]) -> str:
    """What a converter that leaves toned pinyin after some characters makes of clean text."""
    return "".join(f"{ch}({table[ch]})" if ch in table else ch for ch in text)


def shown_text(article: Article, text: str) -> str:
    """Clean text as the page shows it: with pinyin annotations on annotated pages."""
    table = article.site.get("annotations") or {}
    return annotate(text, table) if article.data.get("annotated") else text


def shown_paragraph(article: Article, para: dict) -> str:
    """One paragraph as the page shows it (mojibake applied; lost bytes come later, on bytes)."""
    text = shown_text(article, para["text"])
    if para.get("damage") == "mojibake":
        start, end = para.get("from", 0), para.get("to", len(text))
        text = text[:start] + mojibake(text[start:end], para.get("chain", "utf8-as-gbk")) + text[end:]
    if para.get("damage") == "lost-byte-text":
        text = lost_byte_text(text, para["at"])
    return text


def _lose_byte(page: bytes, article: Article, para: dict) -> bytes:
    """Drop the second byte of character ``at`` inside the paragraph's encoded run."""
    encoding, text, at = article.site["encoding"], escape(para["text"], quote=False), para["at"]
    run = text.encode(encoding)
    cut = len(text[:at].encode(encoding)) + 1
    if len(text[at].encode(encoding)) != 2 or page.count(run) != 1:
        raise DemoContentError(f"{article.path}: lost-byte at {at} must be a 2-byte char of a unique run")
    return page.replace(run, run[:cut] + run[cut + 1 :])


def expected_paragraph(para: dict) -> str:
    """The ideal output: mojibake undone (exactly attainable unless lossy); a lost byte leaves
    U+FFFD for its own character only, the rest of the run realigned."""
    text = para["text"]
    if para.get("damage") in ("lost-byte", "lost-byte-text"):
        return text[: para["at"]] + "\ufffd" + text[para["at"] + 1 :]
    return text


def _encode(site: dict, html: str) -> bytes:
    # Strict, so a character the site's codec lacks is a content error, except on the converter
    # site: its pinyin tone letters are not in cp950 and go out as &#NNN; as such CMSs send them.
    errors = "xmlcharrefreplace" if site.get("annotations") else "strict"
    return html.encode(site["encoding"], errors=errors)


def _http_date(when: datetime) -> str:
    return format_datetime(when.astimezone(UTC), usegmt=True)


def png(seed: str, size: int = 8) -> bytes:
    """A small deterministic PNG (one colour from the seed's hash), for the demo's page requisites."""
    import struct
    import zlib

    rgb = hashlib.sha256(seed.encode()).digest()[:3]
    rows = b"".join(b"\x00" + rgb * size for _ in range(size))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


def resource(body: bytes, content_type: str, when: datetime, site: dict | None = None) -> Resource:
    """A Resource with validators derived from the body and the date (never from the clock)."""
    site = site or {}
    headers = [("Content-Type", content_type)]
    if site.get("gzip"):
        headers.append(("Vary", "Accept-Encoding"))
    etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
    return Resource(body, tuple(headers), bool(site.get("gzip")), _http_date(when), etag, bool(site.get("chunked")))


def _html_type(label: str | None) -> str:
    return f"text/html; charset={label}" if label else "text/html"


def _article_resource(article: Article, siblings: list[Article], bar: str = "") -> Resource:
    site = article.site
    html = article_page(article, siblings)
    bar += article.data.get("extra", "")
    if bar:  # a multi-page article's page bar, and the article's ``extra`` markup, before the footer
        at = html.rindex('<div class="footer">')
        html = html[:at] + bar + html[at:]
    page = _encode(site, html)
    for para in _shown(article):
        if para.get("damage") == "lost-byte":
            page = _lose_byte(page, article, para)
    label = article.data.get("http_label", site.get("http_label"))
    return resource(page, _html_type(label), article.when, site)


def _page_in_template(site: dict):
    """``page(title, main)``: a page of the sub-site's own template around ``main``."""
    return lambda title, main: (
        _head(site, f"{title}_{site['title']}") + _top(site) + f'<div class="main">\n{main}\n</div>\n' + _bottom(site)
    )


def _odd_resource(site: dict, served: tuple, when: datetime) -> Resource:
    status, headers, html = served
    page = resource(_encode(site, html), _html_type(site.get("http_label")), when, site)
    return dataclasses.replace(page, headers=page.headers + headers, status=status)


def _paged_resources(article: Article, siblings: list[Article]) -> dict[str, Resource]:
    """Every page of a multi-page article (and its single-page version), crawler/demo/paging.py."""
    data = article.data
    style, spans = paging.style_of(data), paging.ranges(data, len(article.paragraphs))
    out = {
        paging.page_path(article.path, style, i): _article_resource(
            dataclasses.replace(article, shown=span),
            siblings,
            paging.bar(article.path, style, i, len(spans), bool(data.get("single"))),
        )
        for i, span in enumerate(spans)
    }
    if data.get("single"):
        out[paging.single_path(article.path, style)] = _article_resource(article, siblings)
    return out


def _other_pages(article: Article) -> tuple[str, ...]:
    data = article.data
    if not data.get("pages"):
        return ()
    style = paging.style_of(data)
    single = (paging.single_path(article.path, style),) if data.get("single") else ()
    return single + tuple(paging.page_path(article.path, style, i) for i in range(1, len(data["pages"]) + 1))


def _site_resources(site: dict, articles: list[Article], base: str) -> dict[str, Resource]:
    name, newest = site["name"], max(a.when for a in articles)
    template = _page_in_template(site)
    out = {}
    for a in articles:
        if a.data.get("shows"):
            out[a.path] = _odd_resource(site, notarticles.takedown(a.data["shows"], template), a.when)
        elif a.data.get("pages"):
            out.update(_paged_resources(a, articles))
        else:
            out[a.path] = _article_resource(a, articles)
    for path, served in notarticles.served(site, template).items():
        out[path] = _odd_resource(site, served, newest)
    for number, html in list_pages(site, articles):
        page = "index.html" if number == 1 else f"list_{number}.html"
        out[f"/{name}/{page}"] = resource(_encode(site, html), _html_type(site.get("http_label")), newest, site)
    for path in image_paths(site, articles):
        out[path] = resource(GIF, "image/gif", newest)
    for path in figure_paths(site, articles):
        out[path] = resource(png(path), "image/png", newest)
    if site.get("stylesheet"):
        out[f"/{name}/css/article.css"] = resource(STYLESHEET_CSS, "text/css", newest)
        out[f"/{name}/images/bg.png"] = resource(png("bg", 4), "image/png", newest)
    if name == "news":
        xml = sitemap(articles, base).encode("utf-8")
        out["/news/sitemap.xml"] = resource(xml, "application/xml", newest, site)
    if name == "blog":
        xml = rss(site, articles, base).encode("utf-8")
        out["/blog/feed.xml"] = resource(xml, "application/rss+xml; charset=utf-8", newest, site)
    return out


def build_site(content_dir: Path | None = None, base: str = DEFAULT_BASE, day: int = 1) -> dict[str, Resource]:
    """Every served URL path -> Resource; ``base`` is the absolute root for sitemap and RSS links;
    ``day``: the site as it is that day (articles' ``on_day`` changes, see :func:`as_of`)."""
    from .bulk import bulk_resources

    content, bulks = _read_content(content_dir, day)
    out: dict[str, Resource] = {}
    for site, articles in content:
        out.update(_site_resources(site, articles, base))
    for bulk in bulks:
        out.update(bulk_resources(bulk))
    utf8 = "text/html; charset=utf-8"
    channels = [s for s, _ in content] + [{"name": b.name, "title": "综合新闻"} for b in bulks]
    out["/"] = resource(root_page(channels).encode(), utf8, FIXED_DATE)
    out["/robots.txt"] = resource(b"User-agent: *\nDisallow: /private/\n", "text/plain", FIXED_DATE)
    out[PRIVATE] = resource(private_page().encode(), utf8, FIXED_DATE)
    return dict(sorted(out.items()))


def expected_articles(content_dir: Path | None = None) -> list[ExpectedArticle]:
    """The clean text of every demo article, as an ideal archiver writes it (sites by name)."""
    out = []
    for _, articles in load_content(content_dir):
        for a in articles:
            damage = tuple(f"{i}:{damage_label(p)}" for i, p in enumerate(a.paragraphs) if p.get("damage"))
            out.append(
                ExpectedArticle(
                    a.path,
                    a.title,
                    tuple(expected_paragraph(p) for p in a.paragraphs),
                    a.iso,
                    str(a.data["author"]),
                    a.site["name"],
                    damage,
                    bool(a.data.get("annotated")),
                    _other_pages(a),
                )
            )
    return out


# -- markup: each sub-site's own templates, with the furniture its kind of site carries -------

PRIVATE = "/private/notice.html"
PER_PAGE = 4


def _e(text: str) -> str:
    return escape(str(text), quote=False)


def _head(site: dict, title: str, extra: str = "") -> str:
    meta = f"{site['meta']}\n" if site.get("meta") else ""
    return (
        f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n{meta}<title>{_e(title)}</title>\n'
        f'<meta name="keywords" content="{_e(site["title"])},{_e(site["channel"])}">\n{extra}</head>\n'
    )


def _menu(site: dict, sep: str = "") -> str:
    first = f"/{site['name']}/index.html"
    return sep.join(f'<a href="{first if i == 0 else "#"}">{_e(m)}</a>' for i, m in enumerate(site["menu"]))


def _links(articles: list[Article], dated: bool = False) -> str:
    return "".join(
        f'<li><a href="{a.path}">{_e(a.title)}</a>'
        + (f"<span>{a.when.date().isoformat()}</span>" if dated else "")
        + "</li>\n"
        for a in articles
    )


def _newest(articles: list[Article]) -> list[Article]:
    return sorted(articles, key=lambda a: (a.when, a.path), reverse=True)


def _teaser(article: Article) -> str:
    return article.paragraphs[0]["text"][:22] + "…"


def _related(article: Article, siblings: list[Article]) -> str:
    """'相关阅读': other titles, another's truncated first line and this article's own."""
    others = [a for a in siblings if a.path != article.path]
    start = siblings.index(article)
    picked = [others[(start + k) % len(others)] for k in range(5)]
    items = [(a.path, a.title) for a in picked[:4]] + [(picked[4].path, _teaser(picked[4]))]
    items.insert(2, (article.path, _teaser(article)))
    return "".join(f'<li><a href="{p}">{_e(t)}</a></li>\n' for p, t in items)


def _shown(article: Article) -> tuple[dict, ...]:
    """The paragraphs this page shows: one page's share of a multi-page article, else all."""
    return article.paragraphs[slice(*article.shown)] if article.shown else article.paragraphs


def _paragraphs(article: Article, indent: str = "") -> list[str]:
    return [f"<p>{indent}{_e(shown_paragraph(article, p))}</p>\n" for p in _shown(article)]


def _news(article: Article, siblings: list[Article]) -> str:
    site, d = article.site, article.data
    return (
        f'<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/news/index.html">{_e(site["channel"])}</a> &gt; 正文</div>\n'
        f'<div class="container"><div class="main">\n<h1 class="title">{_e(article.title)}</h1>\n'
        f'<div class="info"><span class="time">{_e(d["published"])}</span>　<span class="source">来源：{_e(d["source"])}</span>　'
        f'<span class="author">作者：{_e(d["author"])}</span></div>\n'
        f'<div class="article" id="content">\n{_figure(article)}{"".join(_paragraphs(article))}</div>\n'
        '<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a> <a href="#">QQ空间</a></div>\n'
        f'<div class="editor">【<a href="#">纠错</a>】 责任编辑：{_e(d.get("editor", "李编辑"))}</div>\n'
        f'<div class="related"><h3>相关阅读</h3><ul>\n{_related(article, siblings)}</ul></div>\n</div>\n'
        f'<div class="sidebar"><h3>热点排行</h3><ol>\n{_links(_newest(siblings)[:5])}</ol></div></div>\n'
    )


def _figure(article: Article) -> str:
    """The article's ``figure`` image (no caption: the text stays what it was)."""
    return f'<p class="figure"><img src="{_figure_path(article)}" alt=""></p>\n' if article.data.get("figure") else ""


def _wenming(article: Article, siblings: list[Article]) -> str:
    site, d = article.site, article.data
    hot = "".join(f'<tr><td>·<a href="{a.path}">{_e(a.title)}</a></td></tr>\n' for a in _newest(siblings)[:6])
    return (
        '<table width="1000" align="center" cellpadding="0" cellspacing="0"><tr>\n<td width="720" valign="top">'
        '<table width="100%" cellpadding="0" cellspacing="0">\n'
        f'<tr><td class="position">您现在的位置：<a href="/wenming/index.html">首页</a> &gt;&gt; {_e(site["channel"])}</td></tr>\n'
        f'<tr><td class="biaoti" align="center">{_e(article.title)}</td></tr>\n'
        f'<tr><td class="xinxi" align="center">{_e(d["published"])}　来源：{_e(d["source"])}　'
        f"作者：{_e(d['author'])}　点击：{d.get('clicks', 0)}</td></tr>\n"
        f'<tr><td id="zoom" class="zhengwen">\n{"".join(_paragraphs(article, "　　"))}</td></tr>\n'
        '<tr><td align="right">【<a href="javascript:window.print()">打印本页</a>】【<a href="javascript:window.close()">关闭窗口</a>】</td></tr>\n'
        '</table></td>\n<td width="260" valign="top"><table width="100%"><tr><td class="lanmu">热点文章</td></tr>\n'
        f"{hot}</table></td>\n</tr></table>\n"
    )


def _gongyi(article: Article, siblings: list[Article]) -> str:
    site, d = article.site, article.data
    name = article.path.rsplit("/", 1)[1][:-5]
    caption = _e(d.get("caption", article.title))
    figure = [
        f'<p align="center"><img src="/gongyi/images/{name}_{k}.gif" alt="{caption}" border="0"></p>\n'
        f'<p align="center" class="pic_text">{caption}</p>\n'
        for k in (1, 2, 3)
    ]
    body = _paragraphs(article)
    blocks = [figure[0], *body[:2], figure[1], *body[2:-1], figure[2], body[-1]]
    return (
        f'<div id="main"><div class="left">\n<div class="location">首页 &gt; {_e(site["channel"])} &gt; 正文</div>\n'
        f'<div class="con_title"><h2>{_e(article.title)}</h2></div>\n'
        f'<div class="con_info">发布时间：{_e(d["published"])}　来源：{_e(d["source"])}　作者：{_e(d["author"])}</div>\n'
        f'<div id="content">\n{"".join(blocks)}</div>\n<div class="notice">{_e(site["notice"])}</div>\n</div>\n'
        f'<div class="right"><h4>公益排行</h4><ul>\n{_links(_newest(siblings)[:6])}</ul></div></div>\n'
    )


def _corp(article: Article, siblings: list[Article]) -> str:
    d, i = article.data, siblings.index(article)
    prev_a, next_a = siblings[i - 1] if i else None, siblings[i + 1] if i + 1 < len(siblings) else None
    nav = "".join(
        f'{label}<a href="{a.path}">{_e(a.title)}</a><br>\n'
        for label, a in (("上一篇：", prev_a), ("下一篇：", next_a))
        if a
    )
    info = shown_text(
        article, f"發布時間:{d['published']}　{d['source']}　作者:{d['author']}　點擊:{d.get('clicks', 0)}"
    )
    return (
        f'<div class="wrap"><div class="side"><h3>{_e(article.site["channel"])}</h3><ul>\n{_links(siblings)}</ul></div>\n'
        f'<div class="detail">\n<div class="news_title">{_e(shown_text(article, article.title))}</div>\n'
        f'<div class="news_info">{_e(info)}</div>\n'
        f'<div class="news_content">\n{"".join(_paragraphs(article))}</div>\n'
        f'<div class="page_nav">\n{nav}</div>\n</div></div>\n'
    )


def _blog(article: Article, siblings: list[Article]) -> str:
    d = article.data
    matter = "\n".join(
        [
            "---",
            f"title: '{article.title}'",
            "categories:",
            *(f" - {c}" for c in d.get("categories", [])),
            f"author: {d['author']}",
            f"date: {article.when.strftime('%Y-%m-%d %H:%M:%S')}",
            "comments: false",
            "---",
        ]
    )
    return (
        f'<main class="content"><article class="post">\n<h1 class="post-title">{_e(article.title)}</h1>\n'
        f'<pre class="front-matter">{_e(matter)}</pre>\n'
        f'<div class="post-meta">发表于 {_e(d["published"])} · 来源：{_e(d["source"])} · 阅读次数：{d.get("clicks", 0)}</div>\n'
        f'<div class="post-content">\n{"".join(_paragraphs(article))}</div>\n'
        '<div class="post-copyright">本文转载自聚合平台，版权归原作者所有，如有侵权请联系删除。</div>\n'
        f'</article></main>\n<aside class="sidebar"><h3>最新文章</h3><ul>\n{_links(_newest(siblings)[:5])}</ul></aside>\n'
    )


def _top(site: dict) -> str:
    if site["name"] == "wenming":
        return (
            f'<body>\n<table width="1000" align="center"><tr><td class="banner">{_e(site["title"])}</td></tr>\n'
            f'<tr><td class="menu">{_menu(site, " | ")}</td></tr></table>\n'
        )
    return (
        f'<body>\n<div class="header"><div class="logo"><a href="/{site["name"]}/index.html">{_e(site["title"])}</a></div>\n'
        f'<div class="nav">{_menu(site, " ")}</div></div>\n'
    )


def _bottom(site: dict) -> str:
    label = site.get("icp_label", "备案号")
    icp = f'　{_e(label)}：<a href="#">{_e(site["icp"])}</a>' if site.get("icp") else ""
    return f'<div class="footer"><p>{_e(site["copyright"])}{icp}</p></div>\n</body>\n</html>\n'


MAIN = {"news": _news, "wenming": _wenming, "gongyi": _gongyi, "corp": _corp, "blog": _blog}


def article_page(article: Article, siblings: list[Article]) -> str:
    """The full HTML of one article page in its sub-site's markup."""
    site = article.site
    title = shown_text(article, article.title)
    css = f'<link rel="stylesheet" href="/{site["name"]}/css/article.css">\n' if site.get("stylesheet") else ""
    return (
        _head(site, f"{title}_{site['title']}", css)
        + _top(site)
        + MAIN[site["name"]](article, siblings)
        + _bottom(site)
    )


def list_pages(site: dict, articles: list[Article]) -> list[tuple[int, str]]:
    """Numbered list pages, newest first, PER_PAGE per page; ``listed`` caps what they show."""
    shown = _newest(articles)[: site.get("listed", len(articles))]
    chunks = [shown[i : i + PER_PAGE] for i in range(0, len(shown), PER_PAGE)]
    pages = []
    for number, chunk in enumerate(chunks, 1):
        pager = " ".join(
            f'<a href="{"index.html" if n == 1 else f"list_{n}.html"}">{n}</a>' for n in range(1, len(chunks) + 1)
        )
        private = f'<a href="{PRIVATE}">内部通知</a>\n' if site["name"] == "wenming" and number == len(chunks) else ""
        odd = notarticles.list_links(site) if number == 1 else ""
        body = (
            f'<div class="list"><h2>{_e(site["channel"])}</h2><ul>\n{_links(chunk, dated=True)}{odd}</ul>\n'
            f'<div class="pager">共{len(chunks)}页 {pager}</div>\n{private}</div>\n'
        )
        pages.append((number, _head(site, f"{site['channel']}_{site['title']}") + _top(site) + body + _bottom(site)))
    return pages


def image_paths(site: dict, articles: list[Article]) -> list[str]:
    """The gallery images the gongyi pages reference (served as a tiny GIF)."""
    if site["name"] != "gongyi":
        return []
    return [f"/gongyi/images/{a.path.rsplit('/', 1)[1][:-5]}_{k}.gif" for a in articles for k in (1, 2, 3)]


def figure_paths(site: dict, articles: list[Article]) -> list[str]:
    """The ``figure`` images of a sub-site's articles (PNG page requisites)."""
    return [_figure_path(a) for a in articles if a.data.get("figure")]


def _figure_path(article: Article) -> str:
    return f"/{article.site['name']}/images/{article.path.rsplit('/', 1)[1].split('.')[0]}.png"


def sitemap(articles: list[Article], base: str) -> str:
    """A sitemaps.org urlset of the articles, with their dates."""
    urls = "".join(
        f"<url><loc>{_e(base + a.path)}</loc><lastmod>{a.when.isoformat()}</lastmod></url>\n" for a in _newest(articles)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}</urlset>\n'
    )


def rss(site: dict, articles: list[Article], base: str) -> str:
    """An RSS 2.0 feed listing every article of the site, newest first."""
    items = "".join(
        f"<item><title>{_e(a.title)}</title><link>{_e(base + a.path)}</link>"
        f'<guid isPermaLink="true">{_e(base + a.path)}</guid><pubDate>{format_datetime(a.when)}</pubDate>'
        + "".join(f"<category>{_e(c)}</category>" for c in a.data.get("categories", []))
        + f"<description>{_e(shown_paragraph(a, a.paragraphs[0]))}</description></item>\n"
        for a in _newest(articles)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>\n'
        f"<title>{_e(site['title'])}</title><link>{_e(base)}/{site['name']}/index.html</link>"
        f"<description>{_e(site['title'])} 转载精选</description><language>zh-cn</language>\n{items}</channel></rss>\n"
    )


def root_page(sites: list[dict]) -> str:
    """The site root: links to every sub-site's first list page."""
    links = "".join(
        f'<li><a href="/{s["name"]}/index.html">{_e(s["title"])}（/{s["name"]}/）</a></li>\n' for s in sites
    )
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n<title>离线演示站点</title>\n</head>\n'
        f"<body>\n<h1>离线演示站点</h1>\n<ul>\n{links}</ul>\n</body>\n</html>\n"
    )


def private_page() -> str:
    """A page robots.txt forbids: a polite crawler never fetches it."""
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>内部通知</title></head>\n'
        "<body><p>内部通知：本页仅供工作人员查阅，robots.txt 禁止抓取。</p></body></html>\n"
    )
