"""Issue 22 case 1: a hostile charset label (``undefined``, ``idna``, ``rot13``, ``base64``, ``utf-7`` ...)
counts as absent and the bytes decide; one bad label costs nothing else."""

from __future__ import annotations

import pytest

from ..test_text_charset import ARTICLE


def _derive(body: bytes, ctype: str):
    from crawler.text import derive
    from crawler.text.model import Capture, TextOptions

    capture = Capture("https://news.example.cn/a/1.html", 200, (("Content-Type", ctype),), body,
                      "2026-01-01T00:00:00Z", "example")
    return derive(capture, TextOptions())


@pytest.mark.parametrize("label", ["undefined", "idna", "rot13", "base64", "utf-7", "x-user-defined", "zlib"])
def test_a_hostile_label_costs_nothing_through_the_whole_derivation(label):
    """Before: charset=undefined ended extract and rebuild with a UnicodeError traceback."""
    html = ("<html><head><title>社区简讯</title></head><body><article>"
            + "".join(f"<p>{p}</p>" for p in ARTICLE) + "</article></body></html>")
    document = _derive(html.encode("gbk"), f"text/html; charset={label}")
    assert list(document.paragraphs) == ARTICLE
    assert (document.encoding.declared, document.encoding.used, document.encoding.repairs) == (label, "gb18030", 0)
