"""Multi-page articles of the demo site, in the styles Chinese CMSs use (crawler/demo/sitegen.py).

An article with ``pages: [i, j, ...]`` (the paragraph indices where pages 2, 3 ... start) is
served as several pages, each with the sub-site's template (title and byline repeated, as real
sites do) and its share of the paragraphs, and a page bar in the article's ``paging`` style:

- ``trs-bar``: TRS ``t..._N.htm``: page 2 is ``_1`` (counted from 0), a bar 共N页 上一页 1 2 3 下一页 尾页;
- ``trs-script``: the same addresses, the bar written only by ``createPageHTML(countPage,
  currentPage, "stem", "ext")`` with ``var`` arguments (no link in the HTML);
- ``next``: ``abc.shtml`` / ``abc_2.shtml`` with only 上一页 / 下一页;
- ``dash``: ``abc.html`` / ``abc-2.html`` with numbers;
- ``query``: ``show.php?id=N`` / ``show.php?id=N&page=2`` with numbers and 下一页.

``single: true`` adds 在本页阅读全文, a ``_all`` address with the whole text on one page. An
article's ``address`` (under the sub-site) replaces the ``<slug>.html`` default, so the
addresses above can be served; ``crawler/demo/server.py`` looks a query up as part of the path.
"""

from __future__ import annotations

from html import escape

STYLES = ("trs-bar", "trs-script", "next", "dash", "query")
_CREATE_PAGE = (
    "<script>function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt) {"
    'if (_nPageCount <= 1) return; var html = "";'
    'for (var i = 0; i < _nPageCount; i++) { html += i == _nCurrIndex ? "<span>" + (i + 1) + "</span>" : '
    '"<a href=\\"" + _sPageName + (i ? "_" + i : "") + "." + _sPageExt + "\\">" + (i + 1) + "</a>"; }'
    'document.getElementById("page_div").innerHTML = html; }</script>\n'
)


def split(path: str) -> tuple[str, str, str]:
    """(folder with slash, file stem, extension with dot or '') of an address without a query."""
    folder, _, name = path.rpartition("/")
    stem, dot, ext = name.rpartition(".")
    return (folder + "/", stem, dot + ext) if dot else (folder + "/", name, "")


def page_path(first: str, style: str, index: int) -> str:
    """The address of page ``index`` (0 for the first page) of the article at ``first``."""
    if index == 0:
        return first
    if style == "query":
        return f"{first}{'&' if '?' in first else '?'}page={index + 1}"
    folder, stem, ext = split(first)
    if style in ("trs-bar", "trs-script"):
        return f"{folder}{stem}_{index}{ext}"
    return f"{folder}{stem}{'-' if style == 'dash' else '_'}{index + 1}{ext}"


def single_path(first: str, style: str) -> str:
    """The address of the whole text on one page."""
    if style == "query":
        return f"{first}{'&' if '?' in first else '?'}page=all"
    folder, stem, ext = split(first)
    return f"{folder}{stem}{'-' if style == 'dash' else '_'}all{ext}"


def _a(href: str, label: object) -> str:
    return f'<a href="{escape(href)}">{escape(str(label), quote=False)}</a>'


def bar(first: str, style: str, index: int, count: int, single: bool = False) -> str:
    """The page bar of page ``index`` of ``count``."""
    if style == "trs-script":
        _, stem, ext = split(first)
        out = (
            f'<div id="page_div"></div>\n{_CREATE_PAGE}<script>var currentPage = {index};//所在页从0开始\n'
            f'var countPage = {count}//共多少页\ncreatePageHTML(countPage, currentPage, "{stem}", "{ext.lstrip(".")}");</script>\n'
        )
    else:
        out = f'<div class="{"pagenext" if style == "next" else "page"}">{_links(first, style, index, count)}</div>\n'
    if single:
        out += f'<div class="readall">{_a(single_path(first, style), "在本页阅读全文")}</div>\n'
    return out


def _links(first: str, style: str, index: int, count: int) -> str:
    prev = _a(page_path(first, style, index - 1), "上一页") if index > 0 else ""
    after = _a(page_path(first, style, index + 1), "下一页") if index + 1 < count else ""
    if style == "next":
        return " ".join(x for x in (prev, after) if x)
    numbers = " ".join(
        f"<span>{i + 1}</span>" if i == index else _a(page_path(first, style, i), i + 1) for i in range(count)
    )
    if style == "query":
        return " ".join(x for x in (numbers, after) if x)
    last = _a(page_path(first, style, count - 1), "尾页") if index + 1 < count else ""
    return " ".join(x for x in (f"共{count}页", prev, numbers, after, last) if x)


def ranges(article_data: dict, total: int) -> list[tuple[int, int]]:
    """(start, end) of each page's paragraphs; one page when the article is not paged."""
    starts = [0, *article_data.get("pages", ())]
    if starts != sorted(set(starts)) or starts[-1] >= total:
        raise ValueError(f"pages {article_data.get('pages')!r}: increasing paragraph indices below {total}")
    return [(start, end) for start, end in zip(starts, [*starts[1:], total])]


def style_of(article_data: dict) -> str:
    style = article_data.get("paging", "trs-bar")
    if style not in STYLES:
        raise ValueError(f"paging {style!r} is not one of {', '.join(STYLES)}")
    return style
