"""The date an inline script gives the page, when the page itself shows none a reader can date.

Some pages show only a relative day (WeChat articles: ``昨天``, ``前天``, ``3天前``), which means
nothing once archived, and keep the time in a script for their own code: ``var ct = "1581517074";``
(unix seconds), ``publish_time: '2019-09-08 11:42:03'``, ``var createTime = '2020-02-12'``. This is
the last source of ``published`` before htmldate (crawler.text.derivation), and a strict one:

- only assignments to a publish-time name (``ct``, ``create_time``/``createTime``,
  ``publish_time``/``publishTime``/``pubtime``/``pubDate``/``publishdate`` and their like) inside
  ``<script>`` elements count;
- their value is unix seconds (or milliseconds), or a date with an optional time, from 1995 to
  the capture's WARC date (a page is not published after it was fetched: the same record gives
  the same date in a rebuild, whatever today is);
- all such values of the page must give the same day (a list of comments each with its own
  ``createTime`` gives several, so none), read in China's time (+08:00) as the dates of the text are.

Hand-written: htmldate reads dates from markup and metadata, not from script variables.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

from .dates import iso_date

CHINA = timezone(timedelta(hours=8))
EARLIEST = datetime(1995, 1, 1, tzinfo=UTC)
_NAME = r"(?:ct|create_?time|(?:page_?)?pub(?:lish)?_?(?:time|date))"
_VALUE = r"(\d{13}|\d{10}|\d{4}-\d{1,2}-\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?)"
ASSIGNMENT = re.compile(rf"(?<![\w$.]){_NAME}[\"']?\s*[:=]\s*[\"']?{_VALUE}(?![\d-])", re.I)


def script_date(tree, warc_date: str) -> str | None:
    """The publish date the page's scripts agree on (ISO 8601, +08:00 with a time), or None."""
    scripts = "\n".join(tree.xpath("//script/text()"))
    if not scripts:
        return None
    dates = [d for d in (_date(m.group(1), warc_date) for m in ASSIGNMENT.finditer(scripts)) if d]
    return dates[0] if dates and len({d[:10] for d in dates}) == 1 else None


def _date(value: str, warc_date: str) -> str | None:
    """One assignment's value as ISO 8601, or None when it is no plausible publish time."""
    if value.isdigit():
        seconds = int(value) / 1000 if len(value) == 13 else int(value)
        moment = datetime.fromtimestamp(seconds, UTC)
        fetched = datetime.fromisoformat(warc_date.replace("Z", "+00:00"))
        return moment.astimezone(CHINA).isoformat(timespec="seconds") if EARLIEST <= moment <= fetched else None
    date = iso_date(value.replace("T", " "), warc_date)
    return date if date and date[:4] >= str(EARLIEST.year) else None


__all__ = ["ASSIGNMENT", "script_date"]
