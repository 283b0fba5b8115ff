"""The demo site as served: every page's bytes and headers, built deterministically.

Five sub-sites imitate the kinds of sources the archiver is for, each with its own markup,
encoding and furniture (the boilerplate real sites carry):

- ``/news/``    a national news site's regional channel: UTF-8, gzip-encoded, sitemap
- ``/wenming/`` a city civilization-office portal: GBK labelled ``gb2312`` (one page ``iso-8859-1``)
- ``/gongyi/``  a public-welfare portal: GBK with no label (one page wrongly labelled ``utf-8``),
  captions that repeat the title
- ``/corp/``    a company site in traditional Chinese, Big5 (cp950); its pages with converter
  pinyin annotations such as ``團(tuán)`` are UTF-8 (toned pinyin is not in Big5)
- ``/blog/``    a blog mirroring an aggregator: UTF-8, chunked, RSS feed with every post
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from email.utils import format_datetime
from datetime import datetime, timezone
from html import escape

from .articles import ANNOTATE, SITES, Article, all_articles

ENCODING = {"news": "utf-8", "wenming": "gbk", "gongyi": "gbk", "corp": "cp950", "blog": "utf-8"}
LABEL = {"news": "utf-8", "wenming": "gb2312", "gongyi": None, "corp": "big5", "blog": "utf-8"}
#: pages whose HTTP label is wrong: path suffix -> label
WRONG_LABEL = {"/wenming/2024/05/w004.html": "iso-8859-1", "/gongyi/2024/05/g003.html": "utf-8"}
SITE_TITLE = {"news": "地方频道", "wenming": "文明网", "gongyi": "公益资讯网", "corp": "集團新聞中心", "blog": "资讯镜像博客"}


@dataclass(frozen=True)
class Resource:
    """One served URL path: body before Content-Encoding, headers, and transfer options."""

    body: bytes
    headers: tuple[tuple[str, str], ...]
    gzip: bool = False
    chunked: bool = False
    last_modified: str = ""
    etag: str = ""


@dataclass(frozen=True)
class ExpectedArticle:
    """What an ideal archiver writes for one article (the test oracle)."""

    path: str
    title: str
    paragraphs: tuple[str, ...]
    published: str
    author: str


_TRADITIONAL = {"首页": "首頁", "当前位置": "當前位置", "热点排行": "熱點排行", "相关阅读": "相關閱讀",
                "版权所有": "版權所有", "备案号": "備案號", "ICP备": "ICP備", "号": "號", "下一页": "下一頁", "上一页": "上一頁", "列表": "列表"}


def furniture(site: str, html: str) -> str:
    """The company site's own furniture is in traditional characters (its pages are Big5)."""
    if site != "corp":
        return html
    for simplified, traditional in _TRADITIONAL.items():
        html = html.replace(simplified, traditional)
    return html


def annotate(text: str) -> str:
    """What a simplified->traditional converter that leaves pinyin does to clean text."""
    return "".join(f"{ch}({ANNOTATE[ch]})" if ch in ANNOTATE else ch for ch in text)


def _date_line(article: Article) -> str:
    day = article.published[:10]
    time = article.published[11:16]
    y, m, d = day.split("-")
    return {
        "news": f"{day} {time}　来源：{article.origin}　作者：{article.author}",
        "wenming": f"{y}年{int(m)}月{int(d)}日 {time}　来源：{article.origin}　作者：{article.author}　点击：{article.clicks}",
        "gongyi": f"发布时间：{day} {time}　作者：{article.author}",
        "corp": f"發布時間:{day} {time}　{article.origin}　作者：{article.author}　點擊:{article.clicks}",
        "blog": f"{day} {time} · 作者：{article.author} · 阅读 {article.clicks}",
    }[article.site]


def _related(article: Article, siblings: list[Article]) -> str:
    others = [a for a in siblings if a.path != article.path][:4]
    teaser = article.paragraphs[0][:18] + "…"
    items = [f'<li><a href="{a.path}">{escape(a.title)}</a></li>' for a in others]
    items.insert(2, f'<li><a href="{article.path}">{escape(teaser)}</a></li>')
    return f'<div class="related"><h3>相关阅读</h3><ul>{"".join(items)}</ul></div>'


def _head(title: str, site: str, meta_label: str | None) -> str:
    meta = ""
    if meta_label == "utf-8":
        meta = '<meta charset="utf-8">'
    elif meta_label:
        meta = f'<meta http-equiv="Content-Type" content="text/html; charset={meta_label}">'
    return f"<!DOCTYPE html><html><head>{meta}<title>{escape(title)}_{SITE_TITLE[site]}</title></head>"


def _nav(site: str) -> str:
    shown = ("corp",) if site == "corp" else tuple(s for s in SITES if s != "corp")
    links = "".join(f'<a href="/{s}/index.html">{SITE_TITLE[s]}</a> ' for s in shown)
    return f'<div class="nav"><a href="/">首页</a> {links}</div>'


def article_html(article: Article, siblings: list[Article]) -> str:
    site = article.site
    conv = annotate if article.annotated else (lambda s: s)
    title = conv(article.title)
    paras = [conv(p) for p in article.paragraphs]
    blocks = [f"<p>{escape(p)}</p>" for p in paras]
    if site == "gongyi":  # a gallery whose every caption repeats the title
        figure = f'<p><img src="/img/{article.path[-9:-5]}.jpg"></p><p class="caption">{escape(title)}</p>'
        blocks = [figure, *blocks[:2], figure, *blocks[2:], figure]
    body = "".join(blocks)
    footer_notice = {
        "news": "<p>分享到：微信 微博 QQ空间</p><p>【纠错】 责任编辑：李编辑</p>",
        "wenming": "<p>【打印】【关闭】</p>",
        "gongyi": "<p>本网站所有内容未经授权禁止转载</p>",
        "corp": "<p>分享到：微信 朋友圈</p>",
        "blog": "",
    }[site]
    crumb = f'<div class="crumb">当前位置：首页 &gt; {SITE_TITLE[site]} &gt; 正文</div>'
    return furniture(site,
        _head(article.title if site != "corp" else title, site, LABEL[site] if site != "gongyi" else None)
        + f"<body>{_nav(site)}{crumb}"
        + '<div class="sidebar"><h4>热点排行</h4><ul>'
        + "".join(f'<li><a href="{a.path}">{escape(a.title)}</a></li>' for a in siblings[:3])
        + "</ul></div>"
        + f'<div class="article"><h1>{escape(title)}</h1><div class="info">{escape(_date_line(article))}</div>'
        + f'<div id="content">{body}</div>{footer_notice}</div>'
        + _related(article, siblings)
        + f'<div class="footer">版权所有 &copy; 2024 {SITE_TITLE[site]} 备案号：示ICP备00000000号</div></body></html>'
    )


def list_html(site: str, page: int, articles: list[Article]) -> str:
    half = (len(articles) + 1) // 2
    chosen = articles[:half] if page == 1 else articles[half:]
    if site == "blog":
        chosen = articles[:3] if page == 1 else []
    items = "".join(f'<li><a href="{a.path}">{escape(a.title)}</a> {a.published[:10]}</li>' for a in chosen)
    pager = '<a href="list_2.html">下一页</a>' if page == 1 else '<a href="index.html">上一页</a>'
    private = '<a href="/private/staff.html">内部通知</a>' if site == "news" else ""
    return furniture(site, _head(f"{SITE_TITLE[site]} 列表", site, LABEL[site] if site != "gongyi" else None)
                     + f"<body>{_nav(site)}<ul class='list'>{items}</ul>{pager}{private}</body></html>")


def rss(articles: list[Article]) -> str:
    items = "".join(
        f"<item><title>{escape(a.title)}</title><link>{{base}}{a.path}</link><pubDate>{a.published}</pubDate></item>"
        for a in articles)
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>资讯镜像</title>{items}</channel></rss>'


def sitemap(articles: list[Article]) -> str:
    urls = "".join(f"<url><loc>{{base}}{a.path}</loc></url>" for a in articles)
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'


def _resource(body: bytes, ctype: str, when: str, gzip: bool = False, chunked: bool = False) -> Resource:
    etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
    stamp = datetime.fromisoformat(when).astimezone(timezone.utc)
    return Resource(body, (("Content-Type", ctype),), gzip, chunked, format_datetime(stamp, usegmt=True), etag)


def _ctype(site: str, path: str) -> str:
    label = WRONG_LABEL.get(path, LABEL[site])
    return f"text/html; charset={label}" if label else "text/html"


def build_site(overrides: dict[str, str] | None = None) -> dict[str, Resource]:
    """Every served path -> Resource. ``overrides``: path -> UTF-8 HTML replacing or adding a page."""
    articles = all_articles()
    by_site = {site: [a for a in articles if a.site == site] for site in SITES}
    epoch = "2024-05-01T08:00:00+08:00"
    out: dict[str, Resource] = {}
    for site, items in by_site.items():
        enc, gz, chunk = ENCODING[site], site == "news", site == "blog"
        for a in items:
            if a.annotated:  # toned pinyin is not in Big5: converter sites serve UTF-8
                html = article_html(a, items).replace("charset=big5", "charset=utf-8").encode("utf-8")
                out[a.path] = _resource(html, "text/html; charset=utf-8", a.published, gz, chunk)
                continue
            html = article_html(a, items).encode(enc)
            out[a.path] = _resource(html, _ctype(site, a.path), a.published, gz, chunk)
        for page, name in ((1, "index.html"), (2, "list_2.html")):
            html = list_html(site, page, items).encode(enc)
            out[f"/{site}/{name}"] = _resource(html, _ctype(site, name), items[-1].published, gz, chunk)
    out["/blog/feed.xml"] = _resource(rss(by_site["blog"]).encode(), "application/rss+xml", epoch, chunked=True)
    out["/news/sitemap.xml"] = _resource(sitemap(by_site["news"]).encode(), "application/xml", epoch)
    links = "".join(f'<li><a href="/{s}/index.html">{SITE_TITLE[s]}</a></li>' for s in SITES)
    out["/"] = _resource(f'<html><head><meta charset="utf-8"></head><body><ul>{links}</ul></body></html>'.encode(),
                         "text/html; charset=utf-8", epoch)
    out["/robots.txt"] = _resource(b"User-agent: *\nDisallow: /private/\n", "text/plain", epoch)
    out["/private/staff.html"] = _resource("<html><body>内部通知</body></html>".encode(), "text/html; charset=utf-8", epoch)
    for path, html in sorted((overrides or {}).items()):
        out[path] = _resource(html.encode("utf-8"), "text/html; charset=utf-8", "2024-06-01T08:00:00+08:00")
    return out


def expected_articles() -> list[ExpectedArticle]:
    """The clean text of every demo article, as an ideal archiver outputs it."""
    return [ExpectedArticle(a.path, a.title, a.paragraphs, a.published, a.author) for a in all_articles()]
