"""Per-page boilerplate: the lines of one page's body that are furniture, not the article.

Generic line rules (share bars, "related" headings, editor lines, breadcrumbs, copyright, counters,
the page's clock, other articles' teasers closed by ``【详细】`` ...), the source's own patterns, lines the page repeats (title echoes), teasers
of its own title, and menus: a run of the page's link texts at an end of the body. A thread's
replies, the page's header before the headline and the closing furniture go first (crawler.text.threads, crawler.text.furniture).
Site-wide boilerplate, which needs every page of a source, is crawler.text.sitewide's.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable

from .furniture import after_headline, lead_counters, trim_tail, unglue_credits
from .threads import first_post

GENERIC_RULES = {
    "share": re.compile(r"^(?!.*[。！？]).{0,10}分享到.{0,40}$|^[【\[]?分享[】\]]?\s*[:：]?$"),
    # the heading of a list of other articles (the list itself goes as a 'menu': strip_menus)
    "related": re.compile(
        r"^[【\[]?(?:相关阅读|相關閱讀|相关文章|相關文章|相关新闻|相關新聞|相关链接|相關鏈接|推荐阅读|延伸阅读"
        r"|热点新闻|熱點新聞|热门新闻|熱門新聞|热门文章|熱門文章|最新文章|最新新闻|最新新聞|精彩推荐|精彩推薦"
        r"|猜你喜欢|猜你喜歡|热门推荐|熱門推薦|点击排行|點擊排行|阅读排行|閱讀排行|新闻排行|新聞排行|热点排行)"
        r"[】\]]?[:：]?$"
    ),
    "editor": re.compile(
        r"^(?:【纠错】|【糾錯】)?[\s【\[]{0,2}(?:责任编辑|責任編輯|责编|審核|审核|校对|校對)\s*[:：].{0,40}$"
        r"|^(?:【纠错】|【糾錯】)\s*$"
        r"|^[（(](?:责任编辑|責任編輯|责编|编辑|編輯)\s*[:：][^）)]{1,30}[）)]$"
        # a credits line without colons, an editor among them: 编辑 王某 校对 李某 / 某科供稿 摄影/张某 编辑/李某
        r"|^(?=.*(?:编辑|編輯|责编|校对|校對|审核|審核|审校)\s*[/／\s])(?:[^\s。！？，,]{1,20}供稿\s+)?"
        r"(?:(?:文|图|圖|文字|摄影|攝影|摄像|编辑|編輯|责编|责任编辑|校对|校對|审核|審核|审校|监制)\s*[/／\s]\s*"
        r"[\u4e00-\u9fff·]{2,4}\s*){2,}$"
    ),
    "breadcrumb": re.compile(
        r"^[|｜\s]*(?:(?:当前位置|當前位置|您的位置|您现在的位置|您所在的位置|现在位置)\s*[:：].{0,80}"
        r"|位置\s*[:：]\s*首页.{0,80})$"
    ),
    # no sentence punctuation: an article sentence about copyright is content, not a notice
    "copyright": re.compile(
        r"^(?!.*[。！？]).{0,40}(?:版权所有|版權所有|Copyright\s*©|©\s*\d{4}|未经(?:授权|允许|许可|同意)[，,]?(?:禁止|不得|严禁|请勿)转载"
        r"|ICP备|ICP證|转发请注明|转载请注明).{0,200}$",
        re.I,
    ),
    # a disclaimer line of its own: 本文仅代表作者个人观点。
    "disclaimer": re.compile(
        r"^(?:本文|文章|此文|以上内容)(?:观点)?仅代表(?:作者|原作者)(?:个人|本人)?(?:观点|立场|看法)[^。！？]{0,30}[。.]?$"
    ),
    # the info line under the headline, when another source gave the date: 2024-05-06 10:00 来源：某报
    "info-line": re.compile(
        r"^(?!.*[。！？])\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?\s*"
        r"(?:来源|來源|作者|编辑|編輯)\s*[:：].{0,40}$"
    ),
    "jump-link": re.compile(
        r"^(?:跳到导航|跳到搜索|跳转到导航|跳转到搜索|跳至导航|跳至搜索|Jump to (?:navigation|search)"
        r"|Toggle navigation|Skip to (?:main )?content)$"
    ),
    # a login box's strings and a user bar's counters (公告0, 消息 3)
    "account": re.compile(
        r"^(?!.*[。！？]).{0,6}(?:快速登录|立即登录|登录超时|免注册|立即注册|退出登录).{0,10}$"
        r"|^(?:公告|消息|私信|通知)\s*\d{1,4}$"
    ),
    # a promotion ending with its call to click: ……【点击投票】Pick你心目中的……
    "print-close": re.compile(
        r"^(?:[【\[]?(?:打印|关闭|關閉|收藏|字号|字體|字体|大|中|小|打印本页|关闭窗口|返回顶部|返回首页)"
        r"[】\]]?[\s:：|]*)+$"
    ),
    "prev-next": re.compile(
        r"^(?!.*[。！？]).{0,4}(?:(?:上一篇|下一篇|上一條|下一條|上一条|下一条)\s*[:：]|[【\[](?:上一篇|下一篇)[】\]]).{0,60}$"
    ),
    # a visit or click counter of the page or the site (本站累计访问：102146人次, 浏览次数：88): changes on every
    # request, so it is furniture, never the article's text
    "counter": re.compile(
        r"^(?!.*[。！？]).{0,12}(?:访问|訪問|浏览|瀏覽|点击|點擊|阅读|閱讀)(?:量|数|次数|人数|人次)?\s*[:：]?\s*"
        r"[\d,，]+\s*(?:人次|次|人)?[\s)）】\]]*$"
    ),
    # the page's clock: a line that is only a label and the time it was served (本页更新于 2024-05-06 10:00,
    # 今天是2024年5月6日 星期一); the article's own date lines are metadata before this rule runs
    "clock": re.compile(
        r"^(?!.*[。！？]).{0,8}(?:更新|刷新|生成|北京时间|北京時間|当前时间|現在時間|现在时间|今天是)(?:于|於|时间|時間|日期)?"
        r"\s*[:：]?\s*\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:\s*(?:星期|周|週)[一二三四五六日天])?"
        r"(?:\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?$"
    ),
    "promo": re.compile(
        r"^.{0,100}【点击[^】]{1,8}】[^。！？，,]{0,30}$"
    ),  # after counter: 【点击数：1,024】 is a counter
    "app-prompt": re.compile(
        r"^(?!.*[。！？]).{0,20}(?:扫一扫|扫码|掃碼|扫描二维码|掃描二維碼|关注我们|关注微信公众号|手机看新闻|下载客户端"
        r"|安装.{0,10}客户端|点击进入专题)"
        r".{0,30}$"
    ),
    # another article's teaser: its summary closed by a link to read it (……【详细】, ……详情>>); an article's
    # own paragraph never ends with a call to read more of itself
    "teaser-more": re.compile(
        r"^.{0,400}(?:[【\[](?:详细|詳細|详情|詳情|全文)[】\]]|(?:详细|詳細|详情|詳情|全文)\s*(?:>>|»|》》))$"
    ),
    # a bar of short links between pipes (国家发改委|中国浙江|…); a table row opens with "|" and stays
    "menu-bar": re.compile(r"^(?!.*[。！？，,.])(?![|｜])(?=(?:[^|｜]*[|｜]){2})[^|｜]{1,14}(?:[|｜][^|｜]{1,14})+$"),
}

# Rules that never match a line holding sentence punctuation (。！？): their patterns forbid it (a
# ``(?!.*[。！？])`` lookahead, or nothing but listed words, brackets and separators).
# tests/test_text_boilerplate.py checks the whole against every rule tried in turn.
_NO_SENTENCE = frozenset(
    "share related copyright info-line jump-link account print-close prev-next counter clock app-prompt menu-bar".split()
)
# teaser-more: the line ends with a call to read more ("$" also matches before a final newline)
_TEASER_ENDS = ("】", "]", ">>", "»", "》》", "】\n", "]\n", ">>\n", "»\n", "》》\n")


def _alternation(names: list[str]) -> re.Pattern:
    """The rules as one alternation, in order: a line is matched once instead of once per rule;
    the name of the group that matched (``lastgroup``) names the rule."""
    return re.compile(
        "|".join(
            f"(?P<{name.replace('-', '_')}>(?{'i' if GENERIC_RULES[name].flags & re.I else ''}:"
            f"{GENERIC_RULES[name].pattern}))"
            for name in names
        )
    )


_ORDER = list(GENERIC_RULES)
_LAST = _ORDER.index("teaser-more")
assert _ORDER[_LAST:] == ["teaser-more", "menu-bar"]  # the two tried apart, last, in this order
# Per line, the rules that can match it, in their order: a sentence is not tried against the rules
# that forbid sentence punctuation, and teaser-more (a scan of up to 400 characters) only on a
# line ending with its call to read more. The first rule that matches wins, as if every rule were
# tried in turn (about a third of the cost on a page of 200 paragraphs).
_HEAD = _alternation(_ORDER[:_LAST])
_HEAD_SENTENCE = _alternation([n for n in _ORDER[:_LAST] if n not in _NO_SENTENCE])
_RULE_NAMES = {name.replace("-", "_"): name for name in GENERIC_RULES}
assert all(rx.groups == 0 for rx in GENERIC_RULES.values())  # lastgroup names the rule
_SENTENCE = re.compile("[。！？]")


def generic_rule(line: str) -> str | None:
    """The first generic rule (in GENERIC_RULES' order) that matches the line, or None."""
    # before a newline only: a ``(?!.*[。！？])`` lookahead reads no further (lines have none, but
    # menu-bar's [^|｜] runs past one)
    end = line.find("\n")
    sentence = _SENTENCE.search(line, 0, end if end >= 0 else len(line)) is not None
    found = (_HEAD_SENTENCE if sentence else _HEAD).match(line)
    if found:
        return _RULE_NAMES[found.lastgroup]
    if line.endswith(_TEASER_ENDS) and GENERIC_RULES["teaser-more"].match(line):
        return "teaser-more"
    if not sentence and GENERIC_RULES["menu-bar"].match(line):
        return "menu-bar"
    return None


_ELLIPSIS = re.compile(r"(?:…+|\.{3,}|。{3,})$")
# what a line ends with when _ELLIPSIS matches ("$" also matches before a final newline): a cheap
# test that spares the regex scanning every position of the other lines
_ELLIPSIS_ENDS = ("…", "...", "。。。", "…\n", "...\n", "。。。\n")


_LABEL = re.compile(r"[^\W\d_]{1,4}")  # a label glued before the title's echo: 原创, 独家, 置顶


def _labelled_title(line: str, title: str) -> bool:
    """The title's echo with a label of up to four letters glued before it (原创 + the title)."""
    return len(title) >= 8 and line.endswith(title) and bool(_LABEL.fullmatch(line[: -len(title)]))


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
        rule = generic_rule(line)  # the first rule that matches wins
        if rule is None and any(rx.fullmatch(line) for rx in extra):
            rule = "source-pattern"
        if rule is None and (line in seen or _labelled_title(line, title)):
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
        return (
            len(line) <= _MENU_LINE
            and line in links
            and not _FILE_NAME.search(line)
            and not line.startswith(("附件", "附表"))
        )  # attachments are the notice's own

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
    kept = lines[head : len(lines) - tail]
    return (kept, head + tail) if kept else (lines, 0)


def furniture_out(
    lines: list[str], title: str, patterns: tuple[str, ...], link_texts: Callable[[], set[str]]
) -> tuple[list[str], Counter]:
    """The body without a thread's replies, the closing furniture, glued credits, furniture lines
    and menus at its ends; the lines removed per rule."""
    lines, header = after_headline(lines, title)  # the page's header before the article's own headline
    lines, counters = lead_counters(lines)
    lines, replies = first_post(lines)
    lines, tail = trim_tail(lines)  # before the line rules: the closing markers are among their lines
    lines, glued = unglue_credits(lines)
    lines, removed = remove_generic(lines, title, patterns)
    lines, menus = strip_menus(lines, link_texts)
    counts = (
        ("header", header),
        ("counter", counters),
        ("reply", replies),
        ("tail", tail),
        ("editor", glued),
        ("menu", menus),
    )
    removed.update({rule: n for rule, n in counts if n})
    return lines, removed


__all__ = ["GENERIC_RULES", "furniture_out", "remove_generic", "strip_menus"]
