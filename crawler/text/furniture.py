"""Page furniture after the article: the body cut where the page's closing furniture begins.

Real news pages close an article with furniture that trafilatura often keeps: the comment area
(``网友评论仅供其表达个人看法``, the comments themselves), recommended and ranked headlines
(``推荐新闻``, ``为您推荐``, ``跟贴排行``), a follow-us prompt with a QR code, the editor's line,
tags (``关键词 >>``), the site's disclaimers, copyright and report-line footers. Each is a
*closing marker*: once the article's text is behind it, what follows is furniture too
(comments are prose, so a rule line by line cannot tell them from the article). A weak marker
(a heading of related articles, which some pages put inside the article) closes the body only
when what follows it is a sidebar: no article prose, or a blurb shorter than half the prose
before it among mostly short lines (an author box: name, counters, blurb, headlines). The
page's header (menus, the banner line) before the article's own headline, when the extractor
took it, goes too, and bare numbers (counters) before the first line of prose. An editor's credit glued to the end of a
paragraph (``……。责任编辑张某``) is cut from it. Line rules for furniture anywhere in the body
stay in ``boilerplate.GENERIC_RULES``.
"""

from __future__ import annotations

import re

_LIST_MARK = re.compile(r"^(?:[-•·*|｜]\s*)+")
_NO_SENTENCE = r"(?!.*[。！？!?])"
# markers after which nothing of the article follows
_STRONG = re.compile(
    r"^(?:"
    r"网友评论仅供其表达个人看法"
    rf"|{_NO_SENTENCE}(?=.{{0,40}}$).{{0,20}}(?:发表评论|我要评论|文明上网|登录评论|跟贴|跟帖|条评论|条回复|人参与)"
    rf"|{_NO_SENTENCE}.{{0,40}}(?:扫描|扫码|长按).{{0,12}}二维码"
    r"|.{0,40}(?:扫描|长按).{0,12}二维码.{0,10}关注"
    rf"|{_NO_SENTENCE}.{{0,24}}(?:公众号|官方微信|官方微博)\s*$"
    r"|(?:违法和不良信息举报|举报邮箱|举报电话)"
    r"|[【\[]?(?:免责声明|特别声明|版权声明)[】\]]?|声明\s*[:：].{0,60}(?:仅供参考|不构成|风险自担|不代表)"
    r"|(?:关键词|关键字|标签|Tags?)\s*(?:>>|»|[:：])"
    r"|[（(【\[]?\s*(?:责任编辑|責任編輯|责编|編輯|编辑|审核|校对)\s*[:：|｜].{0,30}$"
    r"|.{0,12}报料\s*[:：]"
    r"|(?:新闻评论|网友评论|热门评论|最新评论|全部评论)\s*$"
    # the links to the previous and next article (其他文章): 【上一篇】, 下一篇：…, 上一篇 alone
    r"|[【\[](?:上一篇|下一篇|上一条|下一条)[】\]]|(?:上一篇|下一篇|上一条|下一条)\s*(?:[:：]|$)"
    r")",
    re.I,
)
# headings of lists of other articles: closing only when no article prose follows them
_WEAK = re.compile(
    r"^[【\[]?(?:相关阅读|相關閱讀|相关文章|相關文章|相关新闻|相關新聞|相关推荐|推荐阅读|推荐新闻|为您推荐|猜你喜欢"
    r"|延伸阅读|热点新闻|热门新闻|热门文章|热门推荐|最新文章|最新新闻|最新报道|精彩推荐|相关热门文章|精华文章"
    r"|跟贴排行|点击排行|阅读排行|新闻排行|热点排行|态度原创|加载更多|查看更多|点击加载更多|相关资讯"
    r"|(?:小编|作者|记者)最近文章|作者最新文章)"
)
_CLAUSE_END = ("。", "！", "？", "，", "；", "：", ".", "!", "?", ",", ";", ":")
_MIN_HEADLINES = 3
_NOTE = re.compile(r"^[（(][^（()）]{4,60}[）)]$")
_PROSE_END = ("。", "！", "？", "”", "」", "…")
_PROSE = 40  # characters: a line at least this long ending a sentence reads as article prose
# an editor's credit glued to a paragraph's last sentence: ……。责任编辑张某某 / ……！编辑|王某 / ……。返回某网首页>>
_GLUED = re.compile(
    r"(?<=[。！？!?”」』])\s*(?:[（(【\[]?(?:责任编辑\s*[:：|｜/]?|(?:编辑|责编|編輯)\s*[:：|｜/])"
    r"\s*[\u4e00-\u9fffA-Za-z·_0-9]{1,16}[）)】\]]?|返回.{0,8}首页\s*[>》]*)$"
    r"|返回[^，,\s]{1,8}[，,]\s*查看更多$"
)  # ……返回某网，查看更多 (after a byline too)


def _bare(line: str) -> str:
    return _LIST_MARK.sub("", line)


def _prose(line: str) -> bool:
    return len(line) >= _PROSE and line.endswith(_PROSE_END)


def closing_index(lines: list[str], bares: list[str] | None = None) -> int | None:
    """Where the closing furniture begins: the first strong marker, or the first weak marker
    after which no line reads as prose; only after a line of prose (the article comes first).
    ``bares``: the lines without list marks (_bare), when the caller has them."""
    bares = [_bare(line) for line in lines] if bares is None else bares
    prose = [_prose(bare) for bare in bares]
    last_prose = max((i for i, is_prose in enumerate(prose) if is_prose), default=-1)
    article = False
    for i, bare in enumerate(bares):
        if article and _STRONG.match(bare):
            return i
        if (
            article
            and _WEAK.match(bare)
            and (last_prose <= i or _sidebar_after(bares[i + 1 :], prose[i + 1 :], bares[:i]))
        ):
            return i
        article = article or prose[i]
    return None


def _sidebar_after(after: list[str], prose_after: list[bool], before: list[str]) -> bool:
    """What follows a weak marker is a sidebar (an author box with its blurb, counters, headlines),
    not the article's end: at most one line in four reads as prose, and that prose is less than
    half of the article's prose before the marker."""
    chars_after = sum(len(line) for line, is_prose in zip(after, prose_after, strict=True) if is_prose)
    chars_before = sum(len(line) for line in before if _prose(line))
    return 4 * sum(prose_after) <= len(after) and 2 * chars_after < chars_before


def list_heading(line: str) -> bool:
    """A heading of a list of other articles (a weak closing marker: 相关阅读, 作者最近文章 ...)."""
    return _WEAK.match(_bare(line)) is not None


def after_headline(lines: list[str], title: str) -> tuple[list[str], int]:
    """The body from after the article's own headline, when the extractor took the page's header
    too (menus, breadcrumbs, the site's banner line before the headline): the headline as a line
    of its own with no line of prose before it; and how many lines went."""
    at = lines.index(title) if title and title in lines else 0
    if at == 0 or any(_prose(_bare(line)) for line in lines[:at]) or at + 1 == len(lines):
        return lines, 0
    return lines[at + 1 :], at + 1


_NUMBER = re.compile(r"[\d,，]+")


def lead_counters(lines: list[str]) -> tuple[list[str], int]:
    """The lines before the first line of prose without those that are only a number (a view or
    like counter whose label is an icon); and how many went. In the article a bare number stays."""
    first = next((i for i, line in enumerate(lines) if _prose(_bare(line))), 0)
    kept = [line for line in lines[:first] if not _NUMBER.fullmatch(line)]
    return kept + lines[first:], first - len(kept)


def _ends_sentence(line: str) -> bool:
    return line.rstrip("”」』\"'）)").endswith(("。", "！", "？", "!", "?", "."))


def _headline(line: str) -> bool:
    """A line shaped like another article's headline: 8 to 40 characters, no end of a clause."""
    return 8 <= len(line) <= 40 and not line.endswith(_CLAUSE_END)


def headlines_index(lines: list[str], bares: list[str] | None = None) -> int | None:
    """Where a trailing list of other articles' headlines begins: after the last line of prose,
    when at least three of the lines after it, and two thirds of them, are headline-shaped and
    none ends a sentence (an article ending in short lines of its own ends some of them).
    ``bares``: the lines without list marks (_bare), when the caller has them."""
    bares = [_bare(line) for line in lines] if bares is None else bares
    last = max((i for i, bare in enumerate(bares) if _prose(bare)), default=None)
    after = bares[last + 1 :] if last is not None else []
    headlines = sum(map(_headline, after))
    if headlines < _MIN_HEADLINES or 3 * headlines < 2 * len(after) or any(_ends_sentence(x) for x in after):
        return None
    return last + 1


def trim_tail(lines: list[str]) -> tuple[list[str], int]:
    """The body up to its closing furniture, and how many lines went; a note in brackets right
    after the closing line (``(综合整理自……)`` after ``责编：某``) is the article's credit and stays."""
    bares = [_bare(line) for line in lines]  # each line's list mark off once, for both searches
    at = closing_index(lines, bares)
    before = lines if at is None else lines[:at]
    headlines = headlines_index(before, bares[: len(before)])  # a list of other articles' headlines before the markers
    at = headlines if headlines is not None else at
    if at is None:
        return lines, 0
    kept = lines[:at] + [x for x in lines[at + 1 : at + 2] if _NOTE.match(x)]
    return kept, len(lines) - len(kept)


def unglue_credits(lines: list[str]) -> tuple[list[str], int]:
    """Paragraphs without an editor's credit glued to their end, and how many had one."""
    out, cut = [], 0
    for line in lines:
        if "编" in line or "編" in line or "返回" in line:  # cheap: the pattern needs one of them
            bare = _GLUED.sub("", line)
            if bare != line and bare:
                out.append(bare)
                cut += 1
                continue
        out.append(line)
    return out, cut


__all__ = ["after_headline", "closing_index", "lead_counters", "list_heading", "trim_tail", "unglue_credits"]
