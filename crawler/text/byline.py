"""Bylines: the byline after an article's title, and the byline, date and click lines of the body
moved into metadata; text, not markup (docs/formats.md).

``来源：新华网&nbsp;&nbsp;作者：王小明`` is two fields, whatever separates them (``&nbsp;``, spaces,
``|``, full-width spaces, nothing at all): a value ends at a separator or where the next label
(来源 / 作者 / 记者 / 编辑 / 时间 ...) begins. Entities are decoded before the title is looked for,
so a title with ``&`` or quotes (``&amp;``, ``&quot;`` in the page) is found. A body line made of
nothing but such fields, a date and a click count is metadata, not text (:func:`split_meta`).
"""

from __future__ import annotations

import re
from html import unescape

from .dates import DATE, SHORT_YEAR_DATE, iso_date
from .furniture import list_heading

# every label a byline line holds; a value never runs into the next one
LABELS = (
    "责任编辑|責任編輯|来源|來源|作者|记者|記者|编辑|編輯|通讯员|通訊員|摄影|攝影|发布时间|發布時間|發佈時間"
    "|发布日期|时间|時間|日期|点击|點擊|阅读|閱讀|浏览|瀏覽"
)
# what separates two fields of a byline; an entity left as text (a page escaped twice) too
_SEPARATORS = r"\s|｜丨,，;；\]】"
_ENTITY = r"&(?:nbsp|ensp|emsp|thinsp|#160|#x[aA]0|#12288|#x3000);"
_CHAR = rf"(?!{LABELS}|{_ENTITY})[^{_SEPARATORS}]"
_VALUE = rf"(?:{_CHAR})*(?:(?![·•\-_—]){_CHAR})"  # not ending in a dot or dash that only separates
_NAME = rf"(?:(?!{LABELS})[\u4e00-\u9fff·]){{2,4}}"
# ``作者：吉林日报全媒体记者 韩雪洁``: the outlet and role before the name are not the name
_OUTLET_ROLE = r"(?:[\u4e00-\u9fff《》]{1,12}?(?:记者|記者)\s*)?"
# not 原作者 / 原创作者 (the author of a work the story is about, or the 原创 badge)
# and the name ends where the byline does, not inside a sentence (``记者王某在现场看到``)
# nor the reporter inside a sentence: the object of a verb (对记者表示, 告诉记者) or the subject of one
# (记者获悉，记者了解到): a reporting verb is not a name
_VERB = (
    r"(?:获悉|獲悉|获知|得知|了解|瞭解|注意到|发现|發現|看到|观察|觀察|采访|採訪|调查|調查|询问|詢問|致电|致電|走访|走訪"
    r"|查询|查詢|联系|聯繫|实地|實地|独家|獨家|表示|认为|認為|指出|介绍|介紹|透露|近日|日前|昨日|今日|昨天|今天|随后|隨後)"
)
AUTHOR = re.compile(
    rf"(?<!原创)(?<!原)(?<!对)(?<!對)(?<!向)(?<!告诉)(?<!告訴)(?<!接受)(?:作者|记者|記者)\s*[:：]?\s*{_OUTLET_ROLE}"
    rf"(?!{_VERB})({_NAME}(?:[、，,]{_NAME})*)"
    rf"(?!(?!{LABELS})[\u4e00-\u9fff])"
)
# a standalone reporter line in the body: ``扬子晚报记者 张楠``, ``采写：南都见习记者 林子沛``,
# ``《棱镜》作者 周纯``: a label and anything, or an outlet (a name ending as outlets do: 报, 社,
# 网, 台, 》, 新闻 ...), or nothing; a role; then (after a space or a colon) the name(s), and
# nothing else; the first role's names are the author. A subheading such as ``跟着记者 看变化``
# has no outlet and stays.
_ROLE = r"(?:全媒体|见习|特约|首席|实习)?(?:记者|記者|通讯员|通訊員|作者)"
_NAMES = rf"{_NAME}(?:(?:[、，,]|\s+){_NAME})*"
_OUTLET = r"[\u4e00-\u9fff《》“”]{0,12}?(?:报|報|社|网|網|台|刊|》|新闻|新聞|频道|頻道|客户端|杂志|雜誌|传媒|融媒体?)"
_REPORTER_LINE = re.compile(
    rf"(?:(?:采写|撰文|文|作者)\s*[:：]\s*[\u4e00-\u9fff《》“”]{{0,12}}?|{_OUTLET})?{_ROLE}"
    rf"(?:\s+|\s*[:：]\s*)({_NAMES})(?:\s+{_ROLE}(?:\s+|\s*[:：]\s*){_NAMES})*"
)
# the same label on a foreign-language edition's byline: Korean ``기자: 김민수`` (a 2-4 syllable
# name), Russian ``Автор: Чэнь Ли`` (one or two capitalised words)
FOREIGN_AUTHOR = re.compile(
    r"기자\s*[:：]\s*([\uac00-\ud7a3]{2,4})(?![\uac00-\ud7a3])"
    r"|(?:Автор|Корреспондент)\s*:\s*([А-ЯЁ][а-яё]+(?:[ -][А-ЯЁ][а-яё]+)?)(?![а-яё])"
)
ORIGIN = re.compile(rf"(?:来源|來源)\s*[:：]\s*({_VALUE})")
_TAG = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.S | re.I)


def collapse_spaces(text: str) -> str:
    """``re.sub(r"\\s+", " ", text)``, several times faster: str.split() cuts at the same characters
    (str.isspace is what \\s matches in a str pattern) but drops a leading or trailing run."""
    words = text.split()
    if not words:
        return " " if text else ""
    return (" " if text[0].isspace() else "") + " ".join(words) + (" " if text[-1].isspace() else "")


def byline_text(html: str, title: str) -> str:
    """The 200 characters of the page's text after the title occurrence followed soonest by a
    date or a byline (the first such occurrence on a tie): after the ``<title>`` a page's
    navigation may hold a previous article's date before the heading and its byline come;
    entities decoded, spaces (``&nbsp;``, U+3000) collapsed."""
    if not title:
        return ""
    text = collapse_spaces(unescape(_TAG.sub(" ", html)))
    best, nearest = "", 201
    at = text.find(title)
    while at >= 0 and nearest > 0:
        segment = text[at + len(title) : at + len(title) + 200]
        found = [
            m.start()
            for m in (
                DATE.search(segment),
                AUTHOR.search(segment),
                ORIGIN.search(segment),
                SHORT_YEAR_DATE.search(segment),
            )
            if m
        ]
        if found and min(found) < nearest:
            best, nearest = segment, min(found)
        at = text.find(title, at + 1)
    return best


# an author field that names no one: anonymous, "compiled from the web"
NO_ONE = re.compile(r"佚名|网络整理|網絡整理|来自网络|來自網絡|互联网|互聯網|网络|網絡|未知|不详|不詳")


def fields(text: str) -> dict[str, str]:
    """``author`` and ``origin`` of a byline line, when it names them."""
    found = {}
    author = AUTHOR.search(text)
    if author and not NO_ONE.fullmatch(author.group(1)):
        found["author"] = author.group(1)
    elif not author and (foreign := FOREIGN_AUTHOR.search(text)):
        found["author"] = foreign.group(1) or foreign.group(2)
    if origin := ORIGIN.search(text):
        found["origin"] = origin.group(1)
    return found


# the pieces a byline/date/counter line is made of; a line that is nothing but these is metadata
_META_PART = re.compile(
    r"(?:作者|记者|記者|来源|來源|责任编辑|責任編輯|编辑|編輯|通讯员|通訊員|摄影|攝影)\s*[:：]?\s*"
    rf"(?:(?!{LABELS})[^\s　|·:：]){{1,20}}"  # a value ends where the next label begins
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
_ORIGINAL_TITLE = re.compile(r"^(?:原标题|原標題)\s*[:：]\s*(.{2,80})$")
_FRONT_MATTER = re.compile(
    r"^(title|date|updated|author|categories|tags|comments|headimg|thumbnail|permalink|layout)\s*:\s*(.*)$"
)
_LABELLED_DATE = re.compile(r"(?:发布时间|發布時間|發佈時間|发布日期)\s*[:：]?\s*\d{4}")
_COUNTER = re.compile(r"(?:点击|點擊|阅读|閱讀|浏览|瀏覽)\S{0,3}\s*[:：]?\s*\d+")


def _maybe_meta(line: str) -> bool:
    """False when _META_PART.sub would leave more than 16 characters of the line (see _PROSE);
    lines over 100 characters count as body text whatever they hold."""
    return len(line) <= 100 and (not _PROSE.match(line) or _BYLINE_WORD.search(line) is not None)


# the key of split_meta's date from a line after the body began (see split_meta)
LATE_DATE = "published_after_text"


def reporter(line: str) -> str | None:
    """The author of a standalone reporter line (``扬子晚报记者 张楠``: names joined by 、), or None."""
    if len(line) > 40 or not (match := _REPORTER_LINE.fullmatch(line)):
        return None
    return "、".join(re.split(r"[、，,\s]+", match.group(1)))


def split_meta(lines: list[str], warc_date: str) -> tuple[list[str], dict[str, str]]:
    """Move byline, source, date, click and reporter lines out of the body into metadata.

    A date line before the first body line is the article's (``published``); date lines after
    it may be a related-article list's, so their date is kept apart (``LATE_DATE``), and only when
    they all give the same day."""
    body, meta, late = [], {}, set()
    for line in lines:
        front = _FRONT_MATTER.match(line)
        if front or line == "---":  # a blog's YAML front matter shown in the page (Hexo/Jekyll mirrors)
            key, value = (front.group(1), front.group(2).strip("'\" ")) if front else ("", "")
            if key == "date" and "published" not in meta and (date := iso_date(value, warc_date)):
                meta["published"] = date
            elif key == "author" and value and "author" not in meta:
                meta["author"] = value
            continue
        if original := _ORIGINAL_TITLE.match(line.lstrip("-•· ")):  # 原标题：… a republished story's first title
            meta.setdefault("original_title", original.group(1))
            continue
        if (name := reporter(line)) is not None:
            meta.setdefault("author", name)
            continue
        if list_heading(line):  # 作者最近文章: a list of other articles begins, no 作者 label
            body.append(line)
            continue
        rest = len(_META_PART.sub("", line)) if _maybe_meta(line) else 99
        if rest <= 2 or (rest <= 16 and _LABELLED_DATE.search(line) and _COUNTER.search(line)):
            if (date := iso_date(line, warc_date)) and body:
                late.add(date)
            elif date and "published" not in meta:
                meta["published"] = date
            if "author" not in meta and (author := AUTHOR.search(line)) and not NO_ONE.fullmatch(author.group(1)):
                meta["author"] = author.group(1)
            if "origin" not in meta and (origin := ORIGIN.search(line)):
                meta["origin"] = origin.group(1)
            continue
        body.append(line)
    if len({date[:10] for date in late}) == 1:
        meta[LATE_DATE] = min(late)
    return body, meta


__all__ = [
    "AUTHOR",
    "FOREIGN_AUTHOR",
    "LABELS",
    "LATE_DATE",
    "ORIGIN",
    "byline_text",
    "collapse_spaces",
    "fields",
    "reporter",
    "split_meta",
]
