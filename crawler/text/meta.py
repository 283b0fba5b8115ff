"""Article metadata from Chinese pages: publication dates and byline lines (docs/formats.md).

Dates: ``2022年4月19日``, ``2022-09-06 10:30``, ``2022/4/26 11:23``, full-width digits and colons,
and the short ``03.03`` (month.day) whose year comes from the URL path or the WARC date. A date
later than the WARC date is rejected (a page cannot be published after it was fetched); pages
without a zone are read as China time (+08:00). Chinese forms are parsed here because htmldate
reads ``2023年10月29日`` as ``2023-01-01``.

Byline lines (``作者：``, ``记者``, ``来源：``, ``责任编辑``, ``发布时间``, ``点击：``...) are moved
out of the body into front matter when the whole short line is made of such fields; a sentence
that merely mentions a reporter stays in the body.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

CHINA = timezone(timedelta(hours=8))
# full-width digits and separators, as portals in GBK often print them
_WIDE = str.maketrans("０１２３４５６７８９：／－．　", "0123456789:/-. ")
_TIME = r"(?:\s*(\d{1,2})\s*[:时時点點]\s*(\d{1,2})(?:\s*[:分]\s*(\d{1,2}))?)?"
_FULL = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)\s*[日号]?" + _TIME)
_SHORT = re.compile(r"(?<![\d.])(\d{1,2})\s*(?:[.\-/]|月)\s*(\d{1,2})(?![\d.])\s*[日号]?" + _TIME)
_URL_YEAR = re.compile(r"/((?:19|20)\d{2})(?:[/_-]?(?:0[1-9]|1[0-2]))?(?=[/_\-\d])")

_LABELS = {
    "author": r"作\s*者|撰\s*文|本[报報]?记者|本[报報]?記者|记\s*者|記\s*者|文\s*/|文[:：]",
    "editor": r"责任编辑|責任編輯|责编|責編|编\s*辑|編\s*輯|审\s*核|審\s*核|校\s*对|校\s*對",
    "origin": r"来\s*源|來\s*源|出\s*处|出\s*處|稿件来源|信息来源|文章来源",
    "published": r"发布时间|發布時間|發佈時間|发布日期|發布日期|更新时间|時\s*間|时\s*间|日\s*期",
    "clicks": r"点击数?|點擊數?|阅读量|閱讀量|阅读数|閱讀數|阅读|閱讀|浏览次数|瀏覽次數|浏览量|瀏覽量|浏览|瀏覽|访问量|訪問量",
    "other": r"通讯员|通訊員|摄\s*影|攝\s*影|图\s*片|圖\s*片|字\s*号|字\s*號",
}
_LABEL = re.compile("|".join(f"(?P<{k}>{v})" for k, v in _LABELS.items()))
_SEPARATORS = re.compile(r"[\s|｜·•/_\-—–【】\[\]()（）:：,，;；]+")
_SENTENCE = re.compile(r"[。！？!?，,；;]")
_DIGITS = re.compile(r"\d+")
_FRONT_MATTER = re.compile(
    r"^(title|date|updated|author|categories|tags|comments|headimg|thumbnail|permalink|layout)\s*:\s*(.*)$")
MAX_META_LINE = 100
MAX_NAME = 24


def _china_date(warc_date: str) -> date:
    """The calendar date in China when the WARC record was written (the upper bound for dates)."""
    moment = datetime.fromisoformat(warc_date.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(CHINA).date()


def _iso(year: int, month: int, day: int, hms: tuple, warc_date: str) -> str | None:
    try:
        when = date(year, month, day)
    except ValueError:
        return None
    if when > _china_date(warc_date):
        return None
    hour, minute, second = hms
    if hour is None:
        return when.isoformat()
    if not (0 <= int(hour) <= 23 and 0 <= int(minute) <= 59 and 0 <= int(second or 0) <= 59):
        return when.isoformat()
    moment = datetime(year, month, day, int(hour), int(minute), int(second or 0), tzinfo=CHINA)
    if moment > datetime.fromisoformat(warc_date.replace("Z", "+00:00")).astimezone(CHINA):
        return None
    return moment.isoformat()


def parse_date(text: str, warc_date: str) -> str | None:
    """The first valid full date (year, month, day) in ``text`` as ISO 8601, not after the WARC date."""
    for match in _FULL.finditer(text.translate(_WIDE)):
        year, month, day, *hms = match.groups()
        found = _iso(int(year), int(month), int(day), tuple(hms), warc_date)
        if found:
            return found
    return None


def year_hint(url: str, warc_date: str) -> int | None:
    """The year a page's URL path names (``/2020/03/``, ``/202003/``, ``t20200303``), if any."""
    found = _URL_YEAR.search(url)
    year = int(found.group(1)) if found else None
    return year if year is not None and year <= _china_date(warc_date).year else None


def parse_short_date(text: str, url: str, warc_date: str) -> str | None:
    """``03.03``/``3月3日`` (no year): the year from the URL path, else the WARC date's year, or
    the year before when month.day would lie after the WARC date."""
    match = _SHORT.search(text.translate(_WIDE))
    if not match:
        return None
    month, day, *hms = match.groups()
    hinted = year_hint(url, warc_date)
    if hinted is not None:
        return _iso(hinted, int(month), int(day), tuple(hms), warc_date)
    year = _china_date(warc_date).year
    return (_iso(year, int(month), int(day), tuple(hms), warc_date)
            or _iso(year - 1, int(month), int(day), tuple(hms), warc_date))


_TITLE_SHORT_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\s+(\S.*)$")


def split_title_date(title: str, url: str, warc_date: str) -> tuple[str, str | None]:
    """``03.03 标题`` (month.day before the title, as list-style portals show it): (title, date)."""
    match = _TITLE_SHORT_DATE.match(title)
    if not match:
        return title, None
    found = parse_short_date(f"{match.group(1)}.{match.group(2)}", url, warc_date)
    return (match.group(3), found) if found else (title, None)


def _values(line: str) -> list[tuple[str, str]]:
    """(field, value) for each label in the line; the value runs to the next label."""
    marks = list(_LABEL.finditer(line))
    out = []
    for i, mark in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(line)
        out.append((mark.lastgroup, line[mark.end():end]))
    return out


def _name(value: str) -> str | None:
    """A byline value (one or more names) without separators, or None when it reads like a sentence."""
    value = _FULL.sub("", value.translate(_WIDE))
    names = [x for x in _SEPARATORS.split(value) if x]
    joined = " ".join(names)
    if not names or len(joined) > MAX_NAME or _SENTENCE.search(joined):
        return None
    return joined


def _field(key: str, value: str, warc_date: str) -> tuple[str | None, int]:
    """(normalized value, characters left unexplained) for one labelled field."""
    if key == "published":
        found = parse_date(value, warc_date)
        rest = _FULL.sub("", value.translate(_WIDE))
        return found, len(_SEPARATORS.sub("", rest))
    if key == "clicks":
        digits = _DIGITS.search(value)
        rest = _DIGITS.sub("", value, count=1)
        return (digits.group(0) if digits else None), len(_SEPARATORS.sub("", rest))
    name = _name(value)
    return name, (0 if name is not None else len(_SEPARATORS.sub("", value)))


def line_fields(line: str, warc_date: str) -> dict[str, str] | None:
    """The metadata a short byline line holds, or None when the line is content.

    A line qualifies when, once labels, their values, dates and separators are taken away, at
    most 2 characters remain, or up to 16 when it holds two or more labelled fields (an
    unlabelled publisher name squeezed between them, as in ``發布時間:2022-09-06某集團點擊:4418``).
    """
    if len(line) > MAX_META_LINE:
        return None
    text = line.translate(_WIDE)
    head = text[:_LABEL.search(text).start()] if _LABEL.search(text) else text
    published = parse_date(head, warc_date)
    rest = len(_SEPARATORS.sub("", _FULL.sub("", head)))
    found: dict[str, str] = {"published": published} if published else {}
    pairs = _values(text)
    for key, value in pairs:
        normalized, left = _field(key, value, warc_date)
        if normalized and key not in found:
            found[key] = normalized
        rest += left if normalized or key in ("other", "published") else len(_SEPARATORS.sub("", value)) + 2
    allowed = 16 if len(pairs) >= 2 else 2
    if not found and not pairs:
        return None
    if rest > allowed or (not found and not any(k == "other" for k, _ in pairs)):
        return None
    found.pop("other", None)
    return found


def front_matter_line(line: str) -> tuple[str, str] | None:
    """``key: value`` of a blog's YAML front matter shown in the page (Hexo/Jekyll mirrors)."""
    if line == "---":
        return "", ""
    match = _FRONT_MATTER.match(line)
    return (match.group(1), match.group(2).strip("'\" ")) if match else None


def split_meta(lines: list[str], warc_date: str) -> tuple[list[str], dict[str, str]]:
    """Move byline, source, editor, date and click lines out of the body into metadata.

    The first value of each field wins; every meta line is removed, only the first is recorded.
    """
    body, meta = [], {}
    for line in lines:
        front = front_matter_line(line)
        if front is not None:
            key, value = front
            if key == "date" and (found := parse_date(value, warc_date)):
                meta.setdefault("published", found)
            elif key == "author" and value:
                meta.setdefault("author", value)
            continue
        fields = line_fields(line, warc_date)
        if fields is None:
            body.append(line)
            continue
        for key, value in sorted(fields.items()):
            meta.setdefault(key, value)
    return body, meta


def fields_near(text: str, warc_date: str) -> dict[str, str]:
    """Labelled fields and the first date in a stretch of page text (the header under the title)."""
    found: dict[str, str] = {}
    if published := parse_date(text, warc_date):
        found["published"] = published
    for key, value in _values(text.translate(_WIDE)):
        if key in ("author", "origin", "editor"):
            head = _SEPARATORS.split(value.strip(" :：\u3000"), maxsplit=1)[0] if value.strip() else ""
            if head and len(head) <= 12 and not _SENTENCE.search(head) and key not in found:
                found[key] = head
        elif key == "clicks" and (digits := _DIGITS.match(value.strip(" :：\u3000"))):
            found.setdefault("clicks", digits.group(0))
    return found


__all__ = ["parse_date", "parse_short_date", "split_title_date", "split_meta", "line_fields",
           "fields_near", "year_hint"]
