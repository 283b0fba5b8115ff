"""Real Chinese news pages (UTF-8, clean) come out of the text steps with no repair and no change.

The 62 pages of the GNE extraction benchmark live beside the clone, in ``../shared/realpages/gne``
(CI lays ``shared/`` there; ``CRAWLER_SHARED_DIR`` names another place). They are read, never
copied into the project.
"""

from __future__ import annotations

import lxml.html

from crawler.text import derive
from crawler.text.decode import decode_html
from crawler.text.model import Capture, TextOptions
from crawler.text.normalize import normalize_lines, strip_annotations
from crawler.text.repair import repair_paragraphs

from .realpages import pages_dir

PAGES = sorted(pages_dir().glob("*.html"))  # beside the clone (tests/realpages.py says where); fails if missing


def test_the_real_pages_are_there():
    assert len(PAGES) == 62, f"{pages_dir()}: expected the 62 GNE pages"


def _lines(text: str) -> list[str]:
    tree = lxml.html.fromstring(text)
    for element in tree.xpath("//script|//style"):
        element.drop_tree()
    return normalize_lines(tree.text_content())


def test_every_real_page_needs_no_repair():
    for path in PAGES:
        body = path.read_bytes()
        text, info = decode_html(body, "text/html", None)
        assert (info.used, info.invalid_bytes, info.repairs) == ("utf-8", 0, 0), path.name
        assert text == body.decode("utf-8"), path.name
        lines = _lines(text)
        assert repair_paragraphs(lines) == (lines, 0), path.name
        assert strip_annotations(lines) == (lines, 0), path.name


def test_real_pages_derive_with_no_repair_and_no_annotation_removed():
    infos = []
    for path in PAGES:
        capture = Capture(
            f"https://example.cn/{path.stem}.html",
            200,
            (("Content-Type", "text/html"),),
            path.read_bytes(),
            "2026-01-01T00:00:00Z",
            "gne",
        )
        try:
            infos.append(derive(capture, TextOptions()).encoding)
        except Exception as exc:  # a page with no article text is not this test's business
            assert getattr(exc, "reason", None) == "no-text", (path.name, exc)
    assert len(infos) >= 55
    assert {(i.used, i.repairs, i.annotations_removed, i.invalid_bytes) for i in infos} == {("utf-8", 0, 0, 0)}
