"""Whole blocks of repeated per-item structures: a forum thread's replies, a wiki's navigation boxes.

One such page can leak hundreds of lines: every reply of a thread (each headed ``【user】 time
N字``, ``user 发表于 time`` or ``N楼``), a MediaWiki page's navboxes, infobox, edit links and
``跳到导航``. The replies are cut from the text (a thread keeps its first post: the article);
the wiki blocks are dropped from the tree before extraction, by the class names MediaWiki gives
them, and only on pages that hold any (a substring test on the HTML spares the tree walk).
"""

from __future__ import annotations

import re

# a reply's header line: 【user】 2024-05-03 08:00 1234字 / user 发表于 2024-5-3 08:00 / 2楼 / #2 / 沙发
_REPLY = re.compile(
    r"^(?:【[^】]{1,30}】\s*\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?.{0,24}?\d+\s*字"
    r"|\S.{0,29}?\s*发表于\s*\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}.{0,40}"
    r"|(?:\d{1,5}\s*楼|#\d{1,5}|沙发|板凳|地板)(?:\s.{0,40})?)$"
)
_REPLY_HINTS = ("字", "发表于", "楼", "#", "沙发", "板凳", "地板")
_WIKI_CLASSES = (
    "navbox",
    "vertical-navbox",
    "infobox",
    "mw-jump-link",
    "mw-editsection",
    "catlinks",
    "printfooter",
    "noprint",
    "reference",
    "reflist",
    "mw-references-wrap",
    "toc",
)
_WIKI_XPATH = " or ".join(f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')" for name in _WIKI_CLASSES)
_WIKI_HINTS = ("mw-", "navbox", "infobox")


def first_post(lines: list[str]) -> tuple[list[str], int]:
    """A thread's text is its first post: the body cut at the second reply header (the first one,
    when the text opens with it, goes too); how many lines went. Fewer than two headers: no thread."""
    heads = [
        i
        for i, line in enumerate(lines)
        if len(line) <= 80 and any(h in line for h in _REPLY_HINTS) and _REPLY.match(line)
    ]
    if len(heads) < 2:
        return lines, 0
    start = heads[0] + 1 if heads[0] == 0 else 0
    kept = lines[start : heads[1]]
    if not kept:
        return lines, 0
    return kept, len(lines) - len(kept)


def drop_wiki_blocks(tree, html: str) -> int:
    """Remove MediaWiki's navigation boxes, infobox, edit links, references and jump links from
    ``tree`` (in place); how many elements went."""
    if not any(hint in html for hint in _WIKI_HINTS):
        return 0
    found = tree.xpath(f"//*[{_WIKI_XPATH}]")
    for element in found:
        element.drop_tree()
    return len(found)


__all__ = ["drop_wiki_blocks", "first_post"]
