"""Captions of the article's images, put back into trafilatura's text where the page has them.

trafilatura drops ``<figure>`` with its ``<figcaption>`` unless asked for images, and on some
pages every caption beside an image (``<div class="img_wrapper"><img><span>caption</span></div>``),
though it keeps the same markup on a small page. A reader of the article reads the captions, so
they are part of its text. ``include_images`` is no way back: it changes what trafilatura keeps
on every page. So, after extraction (hand-written: no library puts text back among another
extractor's lines):

- a caption is the text of a ``<figcaption>``, or of the nearest element around an ``<img>``
  (up to four levels up) that holds any text, when that text is one short line with no link's
  text (a related article's thumbnail is a link), no form control (a comment box) or script (an
  ad), and the image is not drawn as an icon;
- it counts only inside the article: the lowest common ancestor of the elements holding the
  extracted prose (each holding a fair share of it: a comment box's one notice does not count),
  and among that prose or next to it with nothing but other captions between (the images that
  close an article);
- it goes after the extracted line it follows in the page, never twice (a caption trafilatura
  kept stays where it is). The line rules of crawler.text.boilerplate run on it afterwards as
  on every line.

The candidates are found first (a few per page, cheaply); only a page with one that trafilatura's
text lacks has its text walked to find the article.
"""

from __future__ import annotations

from bisect import bisect_right

from lxml import etree

MAX_CAPTION = 200  # characters: a caption, not a paragraph the image sits in
HOLDER_DEPTH = 4  # levels above a picture where its caption's holder may be (img, link, wrapper, figure)
ICON = 60  # pixels: an image drawn smaller (width and height given) is an icon, not a picture
PROSE = 20  # characters, with a sentence's end: a line of the article's prose
SHARE = 0.15  # of the prose's characters: an element holding less is no part of the article
MAX_GAP = 4  # characters (spaces out), not a caption's, between a caption and the article's prose
_SENTENCE_ENDS = ("。", "！", "？", "；", ". ", "! ", "? ")
_NEEDLE = 16  # characters of a line (spaces out) looked for in the page's text
# the text a reader sees: not a script's, a style's or a form field's
_TEXTS = etree.XPath(
    ".//text()[normalize-space()][not(parent::script or parent::style or parent::noscript"
    " or parent::template or parent::textarea)]"
)
_BLOCKS = (
    "p",
    "div",
    "li",
    "dd",
    "dt",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "tr",
    "section",
    "ul",
    "ol",
    "article",
    "blockquote",
    "td",
)
_NOT_IN_CAPTIONS = ("input", "textarea", "button", "select", "form", "script", "style")  # a comment box, an ad


def with_captions(text: str, tree) -> str:
    """``text`` (trafilatura's lines) with the captions of the images inside its article."""
    page = tree.find("body") if tree is not None else None
    known = _squeezed(text)
    candidates = [(h, c) for h, c in _captions(page) if _squeezed(c) not in known] if text and page is not None else []
    if not candidates:  # most pages: the page's text is not walked
        return text
    lines = text.split("\n")
    flat = _Flat(page)
    offsets = flat.locate(lines)
    prose = [(o, line) for line, o in zip(lines, offsets) if o is not None and _prose(line) and not flat.linked(o)]
    article = _article(prose, flat)
    if article is None:
        return text
    found = [
        (span, caption)
        for holder, caption in candidates
        if _inside(holder, article)
        for span in [flat.find(holder)]
        if span
    ]
    body = _span([(o, line) for o, line in prose if _within(flat.owner(o), article)])
    captions = [(span[0], caption) for span, caption in found if _beside(span, body, [s for s, _ in found])]
    return "\n".join(_merged(lines, offsets, sorted(captions))) if captions else text


def _captions(page) -> list[tuple[object, str]]:
    """(holder, caption) for every figcaption with text and, for every picture, the nearest
    element around it that holds text, when that text reads as a caption; in document order,
    once each (a figure's caption as its figcaption or around its picture: the outer one)."""
    texts: dict = {}  # element -> its short text or None: the pictures of a gallery share ancestors
    holders = dict.fromkeys(
        h
        for element in page.iter("img", "figcaption")
        for h in [element if element.tag == "figcaption" else _holder(element, page, texts)]
        if h is not None
    )
    outer = [h for h in holders if not any(a in holders for a in h.iterancestors())]
    return [
        (h, caption) for h in outer for caption in [_caption(h, texts[h] if h in texts else _short_text(h))] if caption
    ]


def _holder(img, page, texts: dict):
    """The nearest element around ``img``, at most HOLDER_DEPTH up and inside ``page``, that
    holds text, when the text is short (None when there is none, or the text is long)."""
    for depth, ancestor in enumerate(img.iterancestors()):
        if ancestor is page or depth >= HOLDER_DEPTH:
            return None
        if ancestor not in texts:
            texts[ancestor] = _short_text(ancestor)
        if texts[ancestor] is None or texts[ancestor].strip():
            return ancestor if texts[ancestor] else None
    return None


def _short_text(element) -> str | None:
    """The element's text, or None when it is longer than a caption (read no further than that;
    a script inside counts as text: no caption holds one)."""
    parts, size = [], 0
    for part in element.itertext():
        parts.append(part)
        size += len(part.strip())
        if size > MAX_CAPTION:
            return None
    return "".join(parts)


def _squeezed(text: str) -> str:
    return "".join(text.split())


def _prose(line: str) -> bool:
    return len(line) >= PROSE and any(p in line for p in _SENTENCE_ENDS)


def _within(element, container) -> bool:
    return element is container or _inside(element, container)


def _inside(element, container) -> bool:
    return any(a is container for a in element.iterancestors())


def _article(prose: list[tuple[int, str]], flat: _Flat):
    """The lowest common ancestor of the elements around the prose's blocks that each hold at
    least SHARE of its characters (None: no prose located)."""
    weights: dict = {}
    for offset, line in prose:
        block = _block(flat.owner(offset))
        parent = block.getparent() if block.getparent() is not None else block
        weights[parent] = weights.get(parent, 0) + len(line)
    total = sum(weights.values())
    return _common_ancestor([e for e, w in weights.items() if w >= SHARE * total])


def _block(element):
    """The element, or its nearest ancestor, that is a block of the page."""
    if element.tag in _BLOCKS:
        return element
    return next((a for a in element.iterancestors(*_BLOCKS)), element)


def _common_ancestor(elements: list):
    """The lowest element holding all of ``elements`` (None when there are none)."""
    if not elements:
        return None
    chain = [elements[0], *elements[0].iterancestors()]
    depth = {e: i for i, e in enumerate(chain)}
    lowest = 0
    for element in elements[1:]:
        lowest = max(lowest, next(depth[c] for c in (element, *element.iterancestors()) if c in depth))
    return chain[lowest]


def _caption(holder, text: str | None) -> str:
    """The holder's ``text`` (None: too long) when it reads as a caption: one short line, no
    link's text, no form control or script, not in a form, its picture no icon; "" when not."""
    text = " ".join((text or "").split())
    if not text:
        return ""
    figcaption = holder.tag == "figcaption"
    pictures = [] if figcaption else list(holder.iter("img"))
    if pictures and all(_icon(img) for img in pictures):
        return ""
    if (
        any(a.text_content().strip() for a in holder.iter("a"))
        or next(holder.iter(*_NOT_IN_CAPTIONS), None) is not None
    ):
        return ""
    if any(a.tag == "form" for a in holder.iterancestors()):
        return ""
    if not figcaption and sum(1 for b in holder.iterdescendants(*_BLOCKS) if b.text_content().strip()) > 1:
        return ""  # two lines: a QR code's prompt, a profile card
    return text


def _icon(img) -> bool:
    """An image the page draws small (a source's logo, a share button): no caption of its own."""
    sizes = [img.get("width", "").strip().removesuffix("px"), img.get("height", "").strip().removesuffix("px")]
    return all(x.isdigit() for x in sizes) and max(int(x) for x in sizes) < ICON


def _span(prose: list[tuple[int, str]]) -> tuple[int, int] | None:
    """Where the prose begins and ends in the page's text."""
    ends = [o + len(_squeezed(line)) for o, line in prose]
    return (min(o for o, _ in prose), max(ends)) if prose else None


def _beside(span: tuple[int, int], body: tuple[int, int] | None, captions: list[tuple[int, int]]) -> bool:
    """The caption is among the article's prose, or only other captions stand between them
    (the images closing or opening the article); a comment box further down is not."""
    if body is None:
        return False
    if body[0] <= span[0] < body[1]:
        return True
    gap = (body[1], span[0]) if span[0] >= body[1] else (span[1], body[0])
    covered = sum(max(0, min(e, gap[1]) - max(s, gap[0])) for s, e in captions)
    return gap[1] - gap[0] - covered <= MAX_GAP


def _merged(lines: list[str], offsets: list[int | None], captions: list[tuple[int, str]]) -> list[str]:
    """The lines with each caption after the last located line that comes before it in the page."""
    after: dict[int, list[str]] = {}
    located = [i for i, o in enumerate(offsets) if o is not None]
    starts = [offsets[i] for i in located]
    for start, caption in captions:
        position = bisect_right(starts, start)
        after.setdefault(located[position - 1] if position else -1, []).append(caption)
    merged = list(after.get(-1, []))
    for i, line in enumerate(lines):
        merged += [line, *after.get(i, [])]
    return merged


class _Flat:
    """The page's text with spaces out, in document order, and which element owns each stretch."""

    def __init__(self, page):
        self.nodes = _TEXTS(page)
        self.offsets: list[int] = []  # where each text node's stretch starts
        chunks, size = [], 0
        for node in self.nodes:
            chunks.append(_squeezed(node))
            self.offsets.append(size)
            size += len(chunks[-1])
        self.text = "".join(chunks)

    def locate(self, lines: list[str]) -> list[int | None]:
        """Per line, where its opening is in the page's text, in order (None: not found after the
        previous line: a table's row, a line trafilatura joined)."""
        found: list[int | None] = []
        cursor = 0
        for line in lines:
            needle = _squeezed(line).lstrip("-|")[:_NEEDLE]
            at = self.text.find(needle, cursor) if needle else -1
            found.append(at if at >= 0 else None)
            cursor = at + len(needle) if at >= 0 else cursor
        return found

    def owner(self, offset: int):
        """The element whose own text (or a child's tail) is at ``offset``."""
        node = self.nodes[bisect_right(self.offsets, offset) - 1]
        return node.getparent().getparent() if node.is_tail else node.getparent()

    def linked(self, offset: int) -> bool:
        """The text at ``offset`` is a link's."""
        owner = self.owner(offset)
        return owner.tag == "a" or next(owner.iterancestors("a"), None) is not None

    def find(self, holder) -> tuple[int, int] | None:
        """Where the holder's text begins and ends in the page's text (None: not there)."""
        needle = _squeezed("".join(_TEXTS(holder)))
        at = self.text.find(needle)
        while at >= 0 and not _within(self.owner(at), holder):
            at = self.text.find(needle, at + 1)
        return (at, at + len(needle)) if at >= 0 else None


__all__ = ["ICON", "MAX_CAPTION", "with_captions"]
