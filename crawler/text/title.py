"""The article's title: the part of the page's ``<title>`` that the page itself heads the article with.

A ``<title>`` usually carries the site and channel names (``标题_新闻中心_某某网``, ``标题 - 某某网``,
``栏目--标题``), and the heading trafilatura finds may be another article's (the first ``<h3
class="item-title">`` of a sidebar) or a truncated ``og:title``. ``scrapy extract`` has no
site-wide evidence to tell which part is the site's, so the page's own agreement decides: the
longest run of the ``<title>``'s parts (cut at separators and spaces) that is the whole text of
a heading (h1-h6, an element whose class or id says title, ``og:title``, trafilatura's title).
Failing that, when the ``<title>`` is only a channel's label, the heading a date follows (the
article's, above its byline); else a trailing site part after a separator is dropped when the
page shows the rest again; else the ``<title>`` whole when the page shows it again, else
trafilatura's.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .normalize import normalize_whitespace

# where a <title>'s parts meet: separators, and spaces (a heading may stop at one)
_BOUNDARY = re.compile(r"\s*(?:_{1,2}|\||｜|\s[-–—]\s|——|-{1,2}|\s)\s*")
# separators a site name follows (not spaces: titles have spaces of their own)
_SEPARATOR = re.compile(r"\s*(?:_{1,2}|\||｜|\s[-–—]\s|——|-{1,2})\s*")
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_TITLED = "//body//*[contains(@class, 'title') or contains(@id, 'title')]"  # 5x the cost of the above
_OG_TITLE = "//meta[@property='og:title']/@content"
_MIN = 4  # characters: shorter parts are channel names and numbers (1-10月), not titles
_MAX_HEADING = 200
_LABEL = 10  # characters: a <title> whose longest part is shorter names a channel or a site, not an article
_BYLINE = 24  # characters after a heading where its byline's date must begin: 发布时间：2019-05-18
_DATE = re.compile(r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}")


def _runs(title: str) -> dict[str, int]:
    """Every run of consecutive parts of ``title`` of at least _MIN characters, by text."""
    cuts = [(0, 0)] + [m.span() for m in _BOUNDARY.finditer(title)] + [(len(title), len(title))]
    runs = {}
    for i, (_, start) in enumerate(cuts[:-1]):
        for end, _ in cuts[i + 1 :]:
            run = title[start:end]
            if len(run) >= _MIN:
                runs.setdefault(run, start)
    return runs


def _texts(elements) -> set[str]:
    """The texts of ``elements``, whitespace normalized, long ones left out."""
    return {normalize_whitespace(text) for text in (e.text_content() for e in elements) if len(text) <= _MAX_HEADING}


def _main_part(title: str) -> str:
    """The longest part between separators: where an article's title is, when a site name is not."""
    return max(_SEPARATOR.split(title), key=len)


def _holds_main_part(run: str, title: str) -> bool:
    """Whether ``run`` holds the title's main part, or is most of it."""
    main = _main_part(title)
    return main in run or (run in main and 2 * len(run) >= len(main))


def h1_lead(title: str, tree) -> str | None:
    """An h1 that is the ``<title>``'s leading part, however short (``金锺国 - 某某百科，自由的百科全书``):
    the strongest agreement there is, so the main-part test does not apply."""
    leads = [title[:end] for end, _ in (m.span() for m in _SEPARATOR.finditer(title))]
    found = _texts(tree.iter("h1")) & set(leads)
    return max(found, key=len) if found else None


def agreed_title(title: str, texts: set[str]) -> str | None:
    """The longest run of ``title``'s parts that is one of ``texts``, when it holds the title's
    main part or lies inside it (a sidebar heading equal to a channel name is not it)."""
    runs = _runs(title)
    agreed = [run for run in texts if run in runs]
    agreed = [run for run in agreed if _holds_main_part(run, title)]
    return max(agreed, key=lambda run: (len(run), -runs[run])) if agreed else None


def without_site(title: str, page_text: Callable[[], str]) -> str | None:
    """``title`` without its trailing site part (``标题_某某网``, ``标题-纪检``, ``标题 某办事处_某网``):
    the longest run of its leading parts that holds its main part and that the page shows again
    (the ``<title>`` itself is one occurrence)."""
    runs = [run for run, start in _runs(title).items() if start == 0 and run != title]
    for run in sorted(runs, key=len, reverse=True):
        if _holds_main_part(run, title) and page_text().count(run) >= 2:
            return run
    return None


def dated_heading(tree) -> str | None:
    """The first heading (h1-h6) of 8 to 80 characters that a date follows at once: the article's
    own heading above its byline (``<h5>标题</h5>发布时间：2019-05-18``)."""
    for heading in tree.iter(*_HEADINGS):
        text = normalize_whitespace(heading.text_content())
        after = normalize_whitespace(" ".join(heading.xpath("following::text()[position() <= 6]")))
        if 8 <= len(text) <= 80 and _DATE.search(after[:_BYLINE]):
            return text
    return None


def choose_title(html_title: str, meta_title: str | None, tree, page_text: Callable[[], str]) -> str:
    """The article's title from the ``<title>`` text, trafilatura's title and the page."""
    html_title = normalize_whitespace(html_title)
    meta_title = normalize_whitespace(meta_title or "")
    if not html_title:
        return meta_title
    # the body's headings first, then og:title and trafilatura's title (a meta title that is the
    # <title> again, whole, says nothing about its parts), then elements whose class says title
    metas = ({normalize_whitespace(t) for t in tree.xpath(_OG_TITLE)} | {meta_title}) - {html_title}
    agreed = (
        h1_lead(html_title, tree)
        or agreed_title(html_title, _texts(tree.iter(*_HEADINGS)))
        or agreed_title(html_title, metas)
        or agreed_title(html_title, _texts(tree.xpath(_TITLED)))
    )
    if agreed:
        return agreed
    # a <title> that is a channel's label (新闻动态--某学会官网): the heading above the byline
    dated = dated_heading(tree) if len(_main_part(html_title)) < _LABEL else None
    if dated:
        return dated
    if meta_title and meta_title in html_title:
        return without_site(meta_title, page_text) or meta_title
    shorter = without_site(html_title, page_text)
    if shorter:
        return shorter
    if not meta_title or (len(html_title) >= _MIN and page_text().count(html_title) >= 2):
        return html_title  # (a <title> of a letter or two is found again anywhere: it says nothing)
    return meta_title


__all__ = ["agreed_title", "choose_title", "dated_heading", "h1_lead", "without_site"]
