"""Characters trafilatura deletes, kept: private use, format characters, C1 controls, code points
newer than Python's Unicode tables.

trafilatura drops every character that is neither printable nor a space (``str.isprintable``) from
the text, the title and the author it extracts, to keep its XML valid: private-use characters
(a Big5 or HKSCS page's user-defined characters, ``U+E000``-``U+F8FF``, which Big5 read as GBK
also gives and repair needs), format characters (the zero-width joiner inside an emoji sequence
👨‍👩‍👧, the non-joiner of Persian), C1 controls (evidence of mojibake) and characters of blocks
Python's tables do not know yet (new CJK extensions). Clean text must come out exactly as it went
in (docs/formats.md), so before trafilatura sees the page each such character is swapped in the
tree for a stand-in it keeps (a Tangut ideograph the page does not hold), and the stand-ins are
swapped back in what comes out. A page without such characters (almost all) costs one regex
search of its source.

Hand-written: trafilatura has no option to keep them, and its ``remove_control_characters`` is
an internal function called from several places.
"""

from __future__ import annotations

import functools
import re
import sys

_STANDINS = range(0x17000, 0x18800)  # Tangut: letters to trafilatura, never in a Chinese news page
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")  # lxml refuses them anyway


@functools.cache
def _suspects() -> re.Pattern:
    """Every BMP character trafilatura drops, and every astral one (checked one by one)."""
    dropped = [
        c for c in map(chr, range(0x80, 0x10000)) if not (c.isprintable() or c.isspace()) and not _NOT_XML.match(c)
    ]
    ranges, start = [], None
    for c, following in zip(dropped, [*dropped[1:], None]):
        start = start or c
        if following is None or ord(following) != ord(c) + 1:
            ranges.append(re.escape(start) + ("-" + re.escape(c) if c != start else ""))
            start = None
    return re.compile("[" + "".join(ranges) + f"\U00010000-{chr(sys.maxunicode)}]")


def dropped_characters(html: str) -> str:
    """The characters of ``html`` that trafilatura would delete, sorted ("" for almost every page)."""
    if not _suspects().search(html):
        return ""
    return "".join(sorted({c for c in _suspects().findall(html) if not (c.isprintable() or c.isspace())}))


class Kept:
    """The swap of one page: ``into`` the tree before trafilatura, ``back`` in its strings."""

    def __init__(self, html: str):
        dropped = dropped_characters(html)
        standins = (chr(x) for x in _STANDINS if chr(x) not in html and chr(x).isprintable())
        pairs = list(zip(dropped, standins))
        self._into = {ord(c): s for c, s in pairs}
        self._back = {ord(s): c for c, s in pairs}

    def into(self, tree):
        """``tree`` with each dropped character's stand-in in its texts and attribute values."""
        return _swap(tree, self._into)

    def out(self, tree):
        """``tree`` as it was before :meth:`into`."""
        return _swap(tree, self._back)

    def back(self, text):
        """``text`` (a string, or None) with the page's own characters in place of the stand-ins."""
        return text.translate(self._back) if self._back and text else text


def _swap(tree, table: dict[int, str]):
    if not table:
        return tree
    for element in tree.iter():
        for field in ("text", "tail"):
            value = getattr(element, field)
            if value and value != (swapped := value.translate(table)):
                setattr(element, field, swapped)
        for name, value in element.attrib.items() if isinstance(element.tag, str) else ():
            if value != (swapped := value.translate(table)):
                element.set(name, swapped)
    return tree


__all__ = ["Kept", "dropped_characters"]
