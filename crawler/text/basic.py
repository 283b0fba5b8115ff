"""Baseline text derivation: trafilatura extraction, metadata lines, per-page boilerplate rules.

The smallest complete path from a Capture to a Document, used by ``crawler.text`` until the full
steps (extract/meta/boilerplate/dedup modules) replace it; ``sitewide`` and ``render`` make the files.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import replace
from functools import cache

import lxml.html
import trafilatura
from lxml import etree

from . import byline as bylines
from .decode import decode_html
from .payload import decode_payload
from .model import Capture, Document, TextError, TextOptions, document_id
from .normalize import normalize_lines, normalize_whitespace, strip_annotations
from .pagekind import ARTICLE, NotArticle, classify, list_rule
from .articleness import has_prose, is_article
from .furniture import trim_tail, unglue_credits
from .pagemeta import PageMeta
from .threads import drop_wiki_blocks, first_post
from .title import choose_title
from .repair import repair_paragraphs

_HTML_TYPES = ("text/html", "application/xhtml+xml", "")
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s*(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?)?")
# the pieces a byline/date/counter line is made of; a line that is nothing but these is metadata
_META_PART = re.compile(
    r"(?:作者|记者|記者|来源|來源|责任编辑|責任編輯|编辑|編輯|通讯员|通訊員|摄影|攝影)\s*[:：]?\s*"
    rf"(?:(?!{bylines.LABELS})[^\s　|·:：]){{1,20}}"  # a value ends where the next label begins
    r"|(?:发布时间|發布時間|發佈時間|发布日期|时间|時間|日期)\s*[:：]?"
    r"|(?:点击|點擊|阅读|閱讀|阅读量|浏览|瀏覽|浏览次数)\s*(?:量|次数)?\s*[:：]?\s*\d+"
    r"|\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?"
    r"|[\s　|·•/_\-【】\[\]()（）]+"
)
# Exact pre-filter for split_meta, which keeps a line as metadata only when _META_PART leaves at
# most 16 of its characters. Outside a byline's name (作者：王某, up to 20 characters of anything),
# _META_PART removes only the characters below: its other keywords, digits, date and time marks,
# colons, spaces and separators. So a line without a byline word and with 17 characters not among
# them keeps at least 17 and is body text, without running _META_PART.sub.
_BYLINE_WORD = re.compile("作者|记者|記者|来源|來源|责任编辑|責任編輯|编辑|編輯|通讯员|通訊員|摄影|攝影")
assert f"(?:{_BYLINE_WORD.pattern})" in _META_PART.pattern  # the same words, or the filter is wrong
_META_CHARS = r"\s\d|·•/_\-【】\[\]()（）:：.年月日发發布佈时時间間期点點击擊阅閱读讀量浏瀏览覽次数"
_PROSE = re.compile(rf"(?:[{_META_CHARS}]*[^{_META_CHARS}]){{17}}")
_AUTHOR, _ORIGIN = bylines.AUTHOR, bylines.ORIGIN
GENERIC_RULES = {
    "share": re.compile(r"^(?!.*[。！？]).{0,10}分享到.{0,40}$"),
    # the heading of a list of other articles (the list itself goes as a 'menu': strip_menus)
    "related": re.compile(r"^[【\[]?(?:相关阅读|相關閱讀|相关文章|相關文章|相关新闻|相關新聞|相关链接|相關鏈接|推荐阅读|延伸阅读"
                          r"|热点新闻|熱點新聞|热门新闻|熱門新聞|热门文章|熱門文章|最新文章|最新新闻|最新新聞|精彩推荐|精彩推薦"
                          r"|猜你喜欢|猜你喜歡|热门推荐|熱門推薦|点击排行|點擊排行|阅读排行|閱讀排行|新闻排行|新聞排行|热点排行)"
                          r"[】\]]?[:：]?$"),
    "editor": re.compile(r"^(?:【纠错】|【糾錯】)?[\s【\[]{0,2}(?:责任编辑|責任編輯|责编|審核|审核|校对|校對)\s*[:：].{0,40}$"
                         r"|^(?:【纠错】|【糾錯】)\s*$"
                         r"|^[（(](?:责任编辑|責任編輯|责编|编辑|編輯)\s*[:：][^）)]{1,30}[）)]$"),
    "breadcrumb": re.compile(r"^[|｜\s]*(?:(?:当前位置|當前位置|您的位置|您现在的位置|您所在的位置|现在位置)\s*[:：].{0,80}"
                             r"|位置\s*[:：]\s*首页.{0,80})$"),
    # no sentence punctuation: an article sentence about copyright is content, not a notice
    "copyright": re.compile(r"^(?!.*[。！？]).{0,40}(?:版权所有|版權所有|Copyright\s*©|©\s*\d{4}|未经授权禁止转载|未经授权不得转载"
                            r"|ICP备|ICP證|转发请注明|转载请注明).{0,200}$", re.I),
    "jump-link": re.compile(r"^(?:跳到导航|跳到搜索|跳转到导航|跳转到搜索|跳至导航|跳至搜索|Jump to (?:navigation|search)"
                            r"|Toggle navigation|Skip to (?:main )?content)$"),
    # a login box's strings and a user bar's counters (公告0, 消息 3)
    "account": re.compile(r"^(?!.*[。！？]).{0,6}(?:快速登录|立即登录|登录超时|免注册|立即注册|退出登录).{0,10}$"
                          r"|^(?:公告|消息|私信|通知)\s*\d{1,4}$"),
    # a promotion ending with its call to click: ……【点击投票】Pick你心目中的……
    "print-close": re.compile(r"^(?:[【\[]?(?:打印|关闭|關閉|收藏|字号|字體|字体|大|中|小|打印本页|关闭窗口|返回顶部|返回首页)"
                              r"[】\]]?[\s:：|]*)+$"),
    "prev-next": re.compile(r"^(?!.*[。！？]).{0,4}(?:上一篇|下一篇|上一條|下一條|上一条|下一条)\s*[:：].{0,60}$"),
    # a visit or click counter of the page or the site (本站累计访问：102146人次, 浏览次数：88): changes on every
    # request, so it is furniture, never the article's text
    "counter": re.compile(r"^(?!.*[。！？]).{0,12}(?:访问|訪問|浏览|瀏覽|点击|點擊|阅读|閱讀)(?:量|数|次数|人数|人次)?\s*[:：]?\s*"
                          r"[\d,，]+\s*(?:人次|次|人)?[\s)）】\]]*$"),
    # the page's clock: a line that is only a label and the time it was served (本页更新于 2024-05-06 10:00,
    # 今天是2024年5月6日 星期一); the article's own date lines are metadata before this rule runs
    "clock": re.compile(r"^(?!.*[。！？]).{0,8}(?:更新|刷新|生成|北京时间|北京時間|当前时间|現在時間|现在时间|今天是)(?:于|於|时间|時間|日期)?"
                        r"\s*[:：]?\s*\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:\s*(?:星期|周|週)[一二三四五六日天])?"
                        r"(?:\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?$"),
    "promo": re.compile(r"^.{0,100}【点击[^】]{1,8}】[^。！？，,]{0,30}$"),  # after counter: 【点击数：1,024】 is a counter
    "app-prompt": re.compile(r"^(?!.*[。！？]).{0,20}(?:扫一扫|扫描二维码|掃描二維碼|关注我们|关注微信公众号|手机看新闻|下载客户端"
                             r"|安装.{0,10}客户端|点击进入专题)"
                             r".{0,30}$"),
    # a bar of short links between pipes (国家发改委|中国浙江|…); a table row opens with "|" and stays
    "menu-bar": re.compile(r"^(?!.*[。！？，,.])(?![|｜])(?=(?:[^|｜]*[|｜]){2})[^|｜]{1,14}(?:[|｜][^|｜]{1,14})+$"),
}

# the rules as one alternation, in order: a line is matched once instead of once per rule
_GENERIC = re.compile("|".join(f"(?P<{name.replace('-', '_')}>(?{'i' if rx.flags & re.I else ''}:{rx.pattern}))"
                               for name, rx in GENERIC_RULES.items()))
_RULE_NAMES = {name.replace("-", "_"): name for name in GENERIC_RULES}
assert all(rx.groups == 0 for rx in GENERIC_RULES.values())  # lastgroup names the rule


_ORIGINAL_TITLE = re.compile(r"^(?:原标题|原標題)\s*[:：]\s*(.{2,80})$")
_FRONT_MATTER = re.compile(r"^(title|date|updated|author|categories|tags|comments|headimg|thumbnail|permalink|layout)\s*:\s*(.*)$")
_LAYOUT_TAGS = {"table", "tbody", "thead", "tfoot", "tr", "td", "th"}
_LABELLED_DATE = re.compile(r"(?:发布时间|發布時間|發佈時間|发布日期)\s*[:：]?\s*\d{4}")
_COUNTER = re.compile(r"(?:点击|點擊|阅读|閱讀|浏览|瀏覽)\S{0,3}\s*[:：]?\s*\d+")


_ELLIPSIS = re.compile(r"(?:…+|\.{3,}|。{3,})$")
# what a line ends with when _ELLIPSIS matches ("$" also matches before a final newline): a cheap
# test that spares the regex scanning every position of the other lines
_ELLIPSIS_ENDS = ("…", "...", "。。。", "…\n", "...\n", "。。。\n")


def content_type(capture: Capture) -> tuple[str, str | None]:
    """(mime type, full header value) of a capture."""
    value = capture.header("Content-Type")
    return (value or "").split(";")[0].strip().lower(), value


def _parse(html: str):
    """lxml tree with layout tables unwrapped: old portals put the whole article in table cells,
    which trafilatura then renders as '| cell |' rows; a table holding paragraphs is layout."""
    try:
        tree = lxml.html.fromstring(html)
    except (etree.ParserError, ValueError):
        return None
    layout = [t for t in tree.iter("table") if t.xpath(".//p or .//table or .//div") or _link_heavy(t)]
    # each layout table's own rows and cells only: a data table nested in a layout cell stays a table
    own = [element for table in layout for element in table.iter(*_LAYOUT_TAGS)
           if next(element.iterancestors("table"), None) is table or element is table]
    for element in own:
        element.tag = "div"
    return tree


def _link_heavy(table) -> bool:
    """A table that is mostly link text is navigation laid out in cells, not data."""
    text = "".join(table.itertext()).strip()
    links = "".join(t for a in table.iter("a") for t in a.itertext()).strip()
    return bool(text) and len(links) >= 0.5 * len(text)


_BLOCKS = ("p", "div", "td", "li", "h1", "h2", "h3", "h4", "h5", "h6", "br", "tr", "section", "article")


# hand-written, not trafilatura.baseline: on the 36 demo articles and 3 fragments baseline gave the same lines for 1 of 39 (it runs a page's blocks together into one line)
def fallback_text(html: str) -> str:
    """The second extractor, when trafilatura finds nothing (fragments, odd markup): the page's
    visible text cut at block elements, lines of at least 10 characters, scripts and styles out."""
    tree = _parse(html)
    if tree is None:
        return ""
    for element in tree.xpath("//script|//style|//noscript"):
        element.drop_tree()
    for element in tree.iter(*_BLOCKS):
        element.tail = "\n" + (element.tail or "")
    lines = (normalize_whitespace(x) for x in tree.text_content().splitlines())
    return "\n".join(x for x in lines if len(x) >= 10)


def main_text(extracted: str, html: str) -> str:
    """trafilatura's text; the page's own text lines (fallback_text) when it found nothing, or
    nothing that reads as prose (a profile box, a list of links) while the page holds prose."""
    if has_prose(extracted):
        return extracted
    fallback = fallback_text(html)
    return fallback if has_prose(fallback) or not extracted else extracted


_SHORT_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\s+(\S.*)$")
_URL_YEAR = re.compile(r"/((?:19|20)\d{2})(?:[/_-]?\d{2})?")


def split_short_date(title: str, url: str, warc_date: str) -> tuple[str, str | None]:
    """``03.03 标题`` (month.day before the title, as list-style portals show it): the title without
    it, and the date with the year from the URL path or, failing that, from the WARC date (the
    year before when month.day lies after the WARC date)."""
    match = _SHORT_DATE.match(title)
    if not match or not (1 <= int(match.group(1)) <= 12 and 1 <= int(match.group(2)) <= 31):
        return title, None
    month, day = int(match.group(1)), int(match.group(2))
    in_url = _URL_YEAR.search(url)
    year = int(in_url.group(1)) if in_url else int(warc_date[:4])
    date = f"{year:04d}-{month:02d}-{day:02d}"
    if not in_url and date > warc_date[:10]:
        date = f"{year - 1:04d}-{month:02d}-{day:02d}"
    return match.group(3), (date if date <= warc_date[:10] else None)


def iso_date(text: str, before: str) -> str | None:
    """The first Chinese or ISO date in ``text`` as ISO 8601 (+08:00 with a time), not after ``before``."""
    match = _DATE.search(text)
    if not match:
        return None
    year, month, day, hour, minute, second = match.groups()
    date = f"{int(year):04d}-{int(month):02d}-{int(day):02d}"
    if not (1 <= int(month) <= 12 and 1 <= int(day) <= 31) or date > before[:10]:
        return None
    if hour is None:
        return date
    return f"{date}T{int(hour):02d}:{int(minute):02d}:{int(second or 0):02d}+08:00"


_collapse_spaces = bylines.collapse_spaces


def _byline_text(html: str, title: str) -> str:
    """The page's text after the title that holds its date or byline (crawler/text/byline.py)."""
    return bylines.byline_text(html, title, _DATE.search)


def _maybe_meta(line: str) -> bool:
    """False when _META_PART.sub would leave more than 16 characters of the line (see _PROSE);
    lines over 100 characters count as body text whatever they hold."""
    return len(line) <= 100 and (not _PROSE.match(line) or _BYLINE_WORD.search(line) is not None)


def split_meta(lines: list[str], warc_date: str) -> tuple[list[str], dict[str, str]]:
    """Move byline, source, date and click lines out of the body into metadata."""
    body, meta = [], {}
    for line in lines:
        front = _FRONT_MATTER.match(line)
        if front or line == "---":  # a blog's YAML front matter shown in the page (Hexo/Jekyll mirrors)
            key, value = (front.group(1), front.group(2).strip("'\" ")) if front else ("", "")
            if key == "date" and "published" not in meta and (date := iso_date(value, warc_date)):
                meta["published"] = date
            elif key == "author" and value and "author" not in meta:
                meta["author"] = value
            continue
        if original := _ORIGINAL_TITLE.match(line):  # 原标题：… a republished story's first title
            meta.setdefault("original_title", original.group(1))
            continue
        rest = len(_META_PART.sub("", line)) if _maybe_meta(line) else 99
        if rest <= 2 or (rest <= 16 and _LABELLED_DATE.search(line) and _COUNTER.search(line)):
            if "published" not in meta and (date := iso_date(line, warc_date)):
                meta["published"] = date
            if "author" not in meta and (author := _AUTHOR.search(line)):
                meta["author"] = author.group(1)
            if "origin" not in meta and (origin := _ORIGIN.search(line)):
                meta["origin"] = origin.group(1)
            continue
        body.append(line)
    return body, meta


def remove_generic(lines: list[str], title: str, patterns: tuple[str, ...]) -> tuple[list[str], Counter]:
    """Generic rules, per-source patterns, and lines repeated within the page (title echoes)."""
    removed: Counter = Counter()
    extra = [re.compile(p) for p in patterns]
    seen = {title}
    kept = []
    stems = [title, *lines[:1]]
    for line in lines:
        stem = _ELLIPSIS.sub("", line) if line.endswith(_ELLIPSIS_ENDS) else line
        if stem != line and len(stem) >= 6 and any(s.startswith(stem) for s in stems):
            removed["teaser"] += 1  # "related" teaser: the truncated title or first line of this page
            continue
        found = _GENERIC.match(line)  # one pass for all rules; the first rule that matches wins
        rule = _RULE_NAMES[found.lastgroup] if found else None
        if rule is None and any(rx.fullmatch(line) for rx in extra):
            rule = "source-pattern"
        if rule is None and line in seen:
            rule = "repeated"
        if rule:
            removed[rule] += 1
            continue
        seen.add(line)
        kept.append(line)
    return kept, removed


_MENU_RUN = 3  # at least this many link lines in a row at an end of the body make a menu
_MENU_LINE = 40  # characters: menu entries and the headlines of a list of other articles
_FILE_NAME = re.compile(r"\.[A-Za-z0-9]{2,4}$")  # 附件1.docx: an attachment list is not a menu


def strip_menus(lines: list[str], link_texts: Callable[[], set[str]]) -> tuple[list[str], int]:
    """A site menu or a list of other articles' headlines that the extractor took for text (small
    pages, where trafilatura falls back to a wider extraction; a sidebar next to the text): a run
    of at least three lines of at most 40 characters at the start or at the end of the body, each
    the whole text of a link of the page. ``link_texts`` is asked only when an end of the body is
    short lines; a body that would be left empty is kept whole."""

    def menu_line(line: str, links: set[str]) -> bool:
        return (len(line) <= _MENU_LINE and line in links and not _FILE_NAME.search(line)
                and not line.startswith(("附件", "附表")))  # attachments are the notice's own

    def short(run: list[str]) -> bool:
        return all(len(line) <= _MENU_LINE for line in run)

    if len(lines) <= _MENU_RUN or not (short(lines[:_MENU_RUN]) or short(lines[-_MENU_RUN:])):
        return lines, 0
    links = link_texts()

    def run_length(seq: Iterable[str]) -> int:
        n = 0
        for line in seq:
            if not menu_line(line, links):
                break
            n += 1
        return n if n >= _MENU_RUN else 0

    head = run_length(lines)
    tail = run_length(reversed(lines[head:]))
    kept = lines[head:len(lines) - tail]
    return (kept, head + tail) if kept else (lines, 0)


def furniture_out(lines: list[str], title: str, patterns: tuple[str, ...],
                  link_texts: Callable[[], set[str]]) -> tuple[list[str], Counter]:
    """The body without a thread's replies, the closing furniture, glued credits, furniture lines
    and menus at its ends; the lines removed per rule."""
    lines, replies = first_post(lines)
    lines, tail = trim_tail(lines)  # before the line rules: the closing markers are among their lines
    lines, glued = unglue_credits(lines)
    lines, removed = remove_generic(lines, title, patterns)
    lines, menus = strip_menus(lines, link_texts)
    counts = (("reply", replies), ("tail", tail), ("editor", glued), ("menu", menus))
    removed.update({rule: n for rule, n in counts if n})
    return lines, removed


def _link_texts(tree) -> set[str]:
    return {normalize_whitespace(a.text_content()) for a in tree.iter("a")}


def derive(capture: Capture, options: TextOptions) -> Document:
    """One archived article page to a Document (before site-wide boilerplate removal)."""
    mime, header = content_type(capture)
    if mime not in _HTML_TYPES:
        raise TextError("not-html", f"{capture.url}: {mime} is not HTML")
    payload = decode_payload(capture, options.max_decompressed_size)
    html, encoding = decode_html(payload, header, options.fallback_encoding)
    kind = classify(capture.url, capture.status, capture.header("Location"), html, list_rule(options.list_patterns))
    if kind.kind != ARTICLE:  # a notice, a redirect, a wall: never a text, never replaces one
        raise NotArticle(kind, capture.url)
    tree = _parse(html)
    if tree is None:
        raise TextError("no-text", f"{capture.url}: not parseable as HTML")
    drop_wiki_blocks(tree, html)  # navboxes, infobox, jump links: whole blocks of links, never the article
    page = PageMeta(tree, html, capture.url, capture.warc_date)  # title now; author, date if asked
    # here, before trafilatura sees the tree; the page's text is made only when a title needs it
    page_title = choose_title(page.html_title, page.title, tree, cache(tree.text_content))
    result = trafilatura.bare_extraction(tree, url=capture.url, include_comments=False, deduplicate=False,
                                         include_tables=True)  # works on a copy of the tree
    text = main_text(result.text if result is not None and result.text else "", html)
    if not text:
        raise TextError("no-text", f"{capture.url}: no main text found")
    lines = normalize_lines(text)
    raw_title = page_title
    if not raw_title:  # no title anywhere: the first line is the title, or its opening if it is all there is
        raw_title = lines[0] if len(lines) > 1 else lines[0][:30] + ("…" if len(lines[0]) > 30 else "")
    repaired: list[str] = []  # each repair's chain and span, for the encoding block
    lines, repairs, _ = repair_paragraphs([raw_title, *lines], repaired)
    lines, annotations = strip_annotations(lines, options.strip_annotations)
    title, lines = lines[0], lines[1:]
    title, short_date = split_short_date(title, capture.url, capture.warc_date)
    lines, meta = split_meta([x for x in lines if x], capture.warc_date)
    links = cache(lambda: _link_texts(tree))
    lines, removed = furniture_out(lines, title, options.boilerplate_patterns, links)
    if not lines:
        raise TextError("no-text", f"{capture.url}: nothing left after boilerplate removal")
    if options.only_articles and not is_article(tree, lines, capture.url, links):
        raise TextError("not-article", f"{capture.url}: a list or index page, not an article")
    byline = _byline_text(html, title)
    if "author" not in meta and (author := _AUTHOR.search(byline)):
        meta["author"] = author.group(1)
    if "origin" not in meta and (origin := _ORIGIN.search(byline)):
        meta["origin"] = origin.group(1)
    published = (meta.pop("published", None) or iso_date(byline, capture.warc_date) or short_date
                 or iso_date(page.date or "", capture.warc_date))
    losses = sum(x.count("\ufffd") for x in lines + [title])
    info = replace(encoding, repairs=encoding.repairs + repairs, losses=losses, annotations_removed=annotations,
                   repaired=encoding.repaired + tuple(repaired))
    return Document(id=document_id(capture.url), url=capture.url, source=capture.source, title=title,
                    fetched=capture.warc_date, encoding=info, paragraphs=tuple(lines), published=published,
                    author=meta.pop("author", None) or page.author,
                    meta=tuple(sorted(meta.items())), removed=tuple(sorted(removed.items())), warc=capture.warc)


__all__ = ["derive"]
