"""A generated news channel of any size: thousands of articles, hundreds of paginated list pages.

The hand-written demo sub-sites (``content/*.yaml``) hold a few articles each; re-crawls and
resumes have to be tried at the size users run them (issue 25). A content file whose top-level
key is ``bulk`` describes such a channel instead of listing articles::

    bulk: {name: big, articles: 1000, per_page: 4, changed: [0, 1]}

- ``articles``: how many; article ``i`` (0 = oldest) is ``/<name>/YYYY/MM/c_<i>.html``, published
  ``i`` hours after 2024-01-01 08:00 (+08:00); its text is a deterministic function of ``i``.
  Raising the number adds the newest articles, as a site does: every list page shifts.
- ``per_page`` (default 4): list pages ``/<name>/index.html``, ``/<name>/list_<n>.html``,
  newest first, each with a pager to every page (``共N页 1 2 ...``) as the demo's lists have.
- ``changed``: article numbers whose text was edited since (one paragraph rewritten); the page's
  bytes, ETag and text change, its URL and date do not.

An article page depends on nothing but its own number and edit: adding articles changes no
existing article's bytes, so an unchanged article is a revisit on every re-crawl. Validators
come from ``sitegen.resource`` (ETag from the body, Last-Modified from the date). Pure and
deterministic, standard library only; ``sitegen.build_site`` serves it with the rest.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape

from .sitegen import CST, Resource, resource

#: the vocabulary of generated paragraphs (bench/common.py's synthetic pages use it too)
WORDS = (
    "社区志愿者 街道 居民 服务 活动 老人 儿童 防疫 物资 文明 实践 城市 乡村 公益 捐赠 医疗 "
    "教育 交通 环境 垃圾 分类 绿化 文化 图书 体育 健康 义诊 培训 就业 帮扶"
).split()
EPOCH = datetime(2024, 1, 1, 8, 0, tzinfo=CST)
HTML = "text/html; charset=utf-8"


@dataclass(frozen=True)
class BulkSpec:
    """One generated channel (module docstring)."""

    name: str
    articles: int
    per_page: int = 4
    changed: frozenset[int] = frozenset()

    @classmethod
    def from_data(cls, data: dict) -> BulkSpec:
        spec = cls(
            str(data["name"]),
            int(data["articles"]),
            int(data.get("per_page", 4)),
            frozenset(int(i) for i in data.get("changed", ())),
        )
        if not spec.name.isalnum() or spec.articles < 1 or spec.per_page < 1:
            raise ValueError(f"bulk: name must be alphanumeric, articles and per_page at least 1: {data!r}")
        return spec


def published(i: int) -> datetime:
    return EPOCH + timedelta(hours=i)


def article_path(name: str, i: int) -> str:
    when = published(i)
    return f"/{name}/{when.year}/{when.month:02d}/c_{i}.html"


def title(i: int) -> str:
    rng = random.Random(f"title-{i}")
    return f"{rng.choice(WORDS)}{rng.choice(WORDS)}{rng.choice(WORDS)}：第{i}号通讯"


def paragraphs(i: int, edited: bool = False) -> list[str]:
    """The article's clean text, one string a paragraph; an edit rewrites the second one."""
    rng = random.Random(f"article-{i}")
    out = ["".join(rng.choice(WORDS) for _ in range(rng.randrange(18, 36))) + "。" for _ in range(rng.randrange(4, 7))]
    if edited:
        out[1] = f"（更正）第{i}号通讯第二段已于发布后修改：" + "".join(reversed(out[1][:-1])) + "。"
    return out


def _page(spec: BulkSpec, page_title: str, main: str) -> bytes:
    return (
        f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n<title>{escape(page_title)}</title>\n'
        f'</head>\n<body>\n<div class="header"><a href="/{spec.name}/index.html">综合新闻</a></div>\n{main}'
        '<div class="footer"><p>综合新闻版权所有 未经授权不得转载</p></div>\n</body>\n</html>\n'
    ).encode()


def article_resource(spec: BulkSpec, i: int) -> Resource:
    when = published(i)
    body = "".join(f"<p>{escape(p)}</p>\n" for p in paragraphs(i, i in spec.changed))
    main = (
        f'<div class="crumb">当前位置：<a href="/{spec.name}/index.html">综合新闻</a> &gt; 正文</div>\n'
        f'<div class="article"><h1>{escape(title(i))}</h1>\n'
        f'<div class="info">发布时间：{when:%Y-%m-%d %H:%M}　来源：综合新闻</div>\n'
        f'<div id="content">\n{body}</div></div>\n'
    )
    return resource(_page(spec, f"{title(i)}_综合新闻", main), HTML, when)


def list_name(number: int) -> str:
    return "index.html" if number == 1 else f"list_{number}.html"


def list_resources(spec: BulkSpec) -> dict[str, Resource]:
    newest = list(range(spec.articles - 1, -1, -1))
    chunks = [newest[k : k + spec.per_page] for k in range(0, len(newest), spec.per_page)]
    pager = " ".join(f'<a href="{list_name(n)}">{n}</a>' for n in range(1, len(chunks) + 1))
    out = {}
    for number, chunk in enumerate(chunks, 1):
        items = "".join(
            f'<li><a href="{article_path(spec.name, i)}">{escape(title(i))}</a>'
            f"<span>{published(i):%Y-%m-%d}</span></li>\n"
            for i in chunk
        )
        main = f'<div class="list"><ul>\n{items}</ul>\n<div class="pager">共{len(chunks)}页 {pager}</div></div>\n'
        out[f"/{spec.name}/{list_name(number)}"] = resource(
            _page(spec, f"综合新闻 第{number}页", main), HTML, published(chunk[0])
        )
    return out


def bulk_resources(spec: BulkSpec) -> dict[str, Resource]:
    """Every served path of the channel -> Resource."""
    out = {article_path(spec.name, i): article_resource(spec, i) for i in range(spec.articles)}
    out.update(list_resources(spec))
    return out


def expected_text(spec: BulkSpec, i: int) -> tuple[str, list[str]]:
    """What an ideal archiver writes for article ``i``: its title and paragraphs."""
    return title(i), paragraphs(i, i in spec.changed)


def seed(name: str = "big", concurrency: int = 8) -> str:
    """The seed file of a generated channel served by the demo server (``${DEMO_SITE}`` its address):
    the one the re-crawl tests, bench/recrawl.py and bench/killloop.py --large crawl."""
    return (
        f"name: {name}\nstart_urls: ['${{DEMO_SITE}}/{name}/index.html']\nallowed_domains: [127.0.0.1]\n"
        f"allow_private: true\nfollow: ['/{name}/(index|list_\\d+)\\.html$']\n"
        f"articles: ['/{name}/\\d{{4}}/\\d{{2}}/c_\\d+\\.html$']\n"
        f"politeness: {{delay: 0, concurrency: {concurrency}, robots: true}}\n"
    )
