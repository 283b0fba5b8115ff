"""Dates in an article's text: the first Chinese or ISO date of a line, a list's month.day prefix.

Every date is bounded by the capture's WARC date (a page cannot be published after it was
fetched), and a date without a year takes it from the URL or the WARC date, never from the clock:
the same record gives the same date in a rebuild years later (docs/formats.md).
"""

from __future__ import annotations

import re

DATE = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s*(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?)?"
)
_SHORT_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\s+(\S.*)$")
# ``发布时间：18-03-08``: a two-digit year, read only after a date label (20YY)
SHORT_YEAR_DATE = re.compile(
    r"(?:发布时间|發布時間|发布日期|时间|時間|日期)\s*[:：]\s*(\d{2})-(\d{1,2})-(\d{1,2})(?!\d)"
    r"(?:\s*(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?)?"
)
# what follows a date inside a sentence (``2019年2月27日下午，…``), not a byline's date
_IN_PROSE = re.compile(r"(?!星期|周[一二三四五六日天])[\u4e00-\u9fff，,。]")
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
    match = DATE.search(text)
    return _iso(match.groups(), before) if match else None


def byline_date(text: str, before: str) -> str | None:
    """The date of a byline (the text after a title): the first date not inside a sentence
    (``2019年2月27日下午，…`` is the story's, not the page's), or a labelled date with a
    two-digit year (``发布时间：18-03-08``); ISO 8601 as :func:`iso_date`, or None."""
    for match in DATE.finditer(text):
        if not _IN_PROSE.match(text, match.end()) or match.group(4):
            return _iso(match.groups(), before)
    if short := SHORT_YEAR_DATE.search(text):
        return _iso(("20" + short.group(1), *short.groups()[1:]), before)
    return None


def _iso(groups: tuple, before: str) -> str | None:
    year, month, day, hour, minute, second = groups
    date = f"{int(year):04d}-{int(month):02d}-{int(day):02d}"
    if not (1 <= int(month) <= 12 and 1 <= int(day) <= 31) or date > before[:10]:
        return None
    if hour is None:
        return date
    return f"{date}T{int(hour):02d}:{int(minute):02d}:{int(second or 0):02d}+08:00"


__all__ = ["DATE", "SHORT_YEAR_DATE", "byline_date", "iso_date", "split_short_date"]
