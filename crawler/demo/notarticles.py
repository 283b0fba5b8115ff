"""Pages of the demo site that are not articles, and articles taken down or walled off later.

A sub-site whose ``site:`` has ``not_articles: true`` links, from its first list page, addresses
that look like its articles but are not: a status-200 "页面不存在" notice in the site's own
template, a "404" page with recommended articles, redirects (HTTP 302 to the home page, 301 to an
error page), a PHP page that only alerts and redirects in JavaScript, a meta refresh to the list
page, a 521 JavaScript cookie challenge and a status-200 verification wall. An article with
``shows:`` (``http-404``, ``http-410``, ``notice``, ``wall``, ``redirect-home``) is served as that
instead of its text: edit the content file and the running server shows the site's next day.
``expected_kinds`` is the oracle: what crawler.text.pagekind should call each of them.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

#: path under the sub-site -> (kind the archiver should see, how it is served)
NOT_ARTICLES = {
    "2024/05/c_0512x.html": ("notice", "notice"),
    "2024/05/c_0513x.html": ("notice", "recommend-404"),
    "2024/05/c_0514x.html": ("redirect-home", "302:/"),
    "2024/05/c_0515x.html": ("redirect-error", "301:/{site}/error.html?code=404"),
    "content/show.php?id=9": ("redirect-home", "js-alert"),
    "2024/05/c_0516x.html": ("redirect-list", "meta-refresh"),
    "2024/05/c_0517x.html": ("wall", "521-challenge"),
    "2024/05/c_0518x.html": ("wall", "wall"),
}
TAKEDOWN_KINDS = {
    "http-404": "gone",
    "http-410": "gone",
    "notice": "notice",
    "wall": "wall",
    "redirect-home": "redirect-home",
}


def _e(text: str) -> str:
    return escape(str(text), quote=False)


def expected_kinds(site: dict) -> dict[str, str]:
    """Address (path and query) -> the kind each not-article page of the sub-site is."""
    if not site.get("not_articles"):
        return {}
    return {f"/{site['name']}/{path}": kind for path, (kind, _) in NOT_ARTICLES.items()}


def list_links(site: dict) -> str:
    """The ``<li>`` links of the not-article pages, for the first list page."""
    if not site.get("not_articles"):
        return ""
    return "".join(f'<li><a href="/{site["name"]}/{path}">{_e(_teaser(path))}</a></li>\n' for path in NOT_ARTICLES)


def _teaser(path: str) -> str:
    return f"往期回顾：社区服务第{sum(map(ord, path)) % 90 + 10}期"


def served(site: dict, page: Callable[[str, str], str]) -> dict[str, tuple[int, tuple[tuple[str, str], ...], str]]:
    """Served path -> (status, extra headers, HTML) for the not-article pages; ``page(title,
    main)`` wraps a main part in the sub-site's own template."""
    if not site.get("not_articles"):
        return {}
    name = site["name"]
    out = {}
    for path, (_, how) in NOT_ARTICLES.items():
        out[f"/{name}/{path.split('?')[0]}"] = _page_for(how.replace("{site}", name), page, name)
    out[f"/{name}/error.html"] = (
        200,
        (),
        page(
            "出错了",
            '<div class="err"><h2>出错了</h2><p>您访问的页面不存在或已被删除。</p>'
            f'<p><a href="/{name}/index.html">返回频道首页</a></p></div>',
        ),
    )
    return out


def _page_for(how: str, page, name: str) -> tuple[int, tuple[tuple[str, str], ...], str]:
    if how[:3] in ("301", "302"):
        return int(how[:3]), (("Location", how[4:]),), ""
    if how == "notice":
        return (
            200,
            (),
            page(
                "页面不存在",
                '<div class="err"><p>很抱歉，您访问的页面不存在！</p>'
                '<p>可能的原因：网址输入有误，或该页面已被删除。</p><p><a href="/">返回首页</a></p></div>',
            ),
        )
    if how == "recommend-404":
        picks = "".join(
            f'<li><a href="/{name}/index.html">推荐：第{i}期社区服务项目全部完成，居民满意度超过九成</a></li>'
            for i in range(1, 9)
        )
        return (
            200,
            (),
            page(
                "404",
                f'<div class="err"><h2>404</h2><p>抱歉，找不到这个页面。</p></div>'
                f'<div class="tuijian"><h3>为您推荐</h3><ul>{picks}</ul></div>',
            ),
        )
    if how == "js-alert":
        return (
            200,
            (),
            (
                "<html><head><meta charset='utf-8'></head><body><script>"
                "alert('该信息不存在或已删除！');location.href='/';</script></body></html>"
            ),
        )
    if how == "meta-refresh":
        return (
            200,
            (),
            (
                f"<html><head><meta charset='utf-8'><meta http-equiv='refresh' content='0;url=/{name}/index.html'>"
                "</head><body></body></html>"
            ),
        )
    if how == "521-challenge":
        return (
            521,
            (),
            (
                "<html><body><script>document.cookie='__jsl_clearance=1717200000.042|0|demo;max-age=3600;path=/';"
                "location.href=location.pathname+location.search</script></body></html>"
            ),
        )
    return 200, (), wall_page()


def wall_page() -> str:
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>访问验证</title></head><body>"
        "<div class='box'><h3>访问验证</h3><p>请开启JavaScript并刷新该页。</p></div>"
        "<script>document.cookie='verify=1;path=/';</script></body></html>"
    )


def takedown(shows: str, page) -> tuple[int, tuple[tuple[str, str], ...], str]:
    """What an article's address serves once the article is ``shows`` (an article's ``shows:``)."""
    if shows in ("http-404", "http-410"):
        return int(shows[5:]), (), "<html><body><h1>Not Found</h1></body></html>"
    if shows == "notice":
        return 200, (), page("提示信息", '<div class="err"><p>该文章已下线。</p><p><a href="/">返回首页</a></p></div>')
    if shows == "wall":
        return 200, (), wall_page()
    if shows == "redirect-home":
        return 302, (("Location", "/"),), ""
    raise ValueError(f"shows {shows!r} is not one of {sorted(TAKEDOWN_KINDS)}")
