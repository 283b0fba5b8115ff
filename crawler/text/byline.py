"""The byline after an article's title, and its fields: text, not markup (docs/formats.md).

``来源：新华网&nbsp;&nbsp;作者：王小明`` is two fields, whatever separates them (``&nbsp;``, spaces,
``|``, full-width spaces, nothing at all): a value ends at a separator or where the next label
(来源 / 作者 / 记者 / 编辑 / 时间 ...) begins. Entities are decoded before the title is looked for,
so a title with ``&`` or quotes (``&amp;``, ``&quot;`` in the page) is found.
"""

from __future__ import annotations

import re
from html import unescape

# every label a byline line holds; a value never runs into the next one
LABELS = ("责任编辑|責任編輯|来源|來源|作者|记者|記者|编辑|編輯|通讯员|通訊員|摄影|攝影|发布时间|發布時間|發佈時間"
          "|发布日期|时间|時間|日期|点击|點擊|阅读|閱讀|浏览|瀏覽")
# what separates two fields of a byline; an entity left as text (a page escaped twice) too
_SEPARATORS = r"\s|｜丨,，;；\]】"
_ENTITY = r"&(?:nbsp|ensp|emsp|thinsp|#160|#x[aA]0|#12288|#x3000);"
_CHAR = rf"(?!{LABELS}|{_ENTITY})[^{_SEPARATORS}]"
_VALUE = rf"(?:{_CHAR})*(?:(?![·•\-_—]){_CHAR})"  # not ending in a dot or dash that only separates
_NAME = rf"(?:(?!{LABELS})[\u4e00-\u9fff·]){{2,4}}"
AUTHOR = re.compile(rf"(?<!原创)(?:作者|记者|記者)\s*[:：]?\s*({_NAME}(?:[、，,]{_NAME})*)")
ORIGIN = re.compile(rf"(?:来源|來源)\s*[:：]\s*({_VALUE})")
_TAG = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.S | re.I)


def collapse_spaces(text: str) -> str:
    """``re.sub(r"\\s+", " ", text)``, several times faster: str.split() cuts at the same characters
    (str.isspace is what \\s matches in a str pattern) but drops a leading or trailing run."""
    words = text.split()
    if not words:
        return " " if text else ""
    return (" " if text[0].isspace() else "") + " ".join(words) + (" " if text[-1].isspace() else "")


def byline_text(html: str, title: str, has_date) -> str:
    """The 200 characters of the page's text after the first title occurrence followed by a date
    (``has_date(segment)``) or a byline; entities decoded, spaces (``&nbsp;``, U+3000) collapsed."""
    if not title:
        return ""
    text = collapse_spaces(unescape(_TAG.sub(" ", html)))
    at = text.find(title)
    while at >= 0:
        segment = text[at + len(title): at + len(title) + 200]
        if has_date(segment) or AUTHOR.search(segment) or ORIGIN.search(segment):
            return segment
        at = text.find(title, at + 1)
    return ""


def fields(text: str) -> dict[str, str]:
    """``author`` and ``origin`` of a byline line, when it names them."""
    found = {}
    if author := AUTHOR.search(text):
        found["author"] = author.group(1)
    if origin := ORIGIN.search(text):
        found["origin"] = origin.group(1)
    return found


__all__ = ["AUTHOR", "LABELS", "ORIGIN", "byline_text", "collapse_spaces", "fields"]
