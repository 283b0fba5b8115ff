"""What a capture at an article's address is: the article, or a page that is not one.

Pure (no Scrapy): status, ``Location`` and the page's HTML in, a :class:`PageKind` out. A capture
that is not the article never becomes a text and never replaces an archived one
(docs/architecture.md, "What a page is"):

- ``gone``: 404, 410 or 451;
- ``notice``: a status-200 page saying the page does not exist or was removed (页面不存在,
  该文章已下线, 已被删除, 此内容因违规无法查看, ``404`` in the title ...);
- ``redirect-home`` / ``redirect-list`` / ``redirect-error``: a redirect (HTTP 3xx, a meta refresh,
  a JavaScript ``location`` assignment) to the site's home page, to a list page (an index of a
  directory above the article, or a page of the source's ``follow`` rules) or to an error page;
  ``moved``: a redirect anywhere else (the new address is a document of its own);
- ``wall``: an anti-bot wall or verification page (访问验证, 请开启JavaScript, a captcha, a
  JavaScript cookie challenge, 412/521 with a script): blocked, not removed;
- ``error``: any other 4xx/5xx;
- ``article``: everything else (the text steps may still find no text in it).

Every marker counts only where the page has little text of its own (:data:`LITTLE_TEXT`
characters of visible text outside links, scripts and page furniture): an article *about* a
deletion, or one whose page carries a verification script, stays an article.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from .labels import codec_for
from .model import TextError

ARTICLE = "article"
GONE = "gone"
NOTICE = "notice"
REDIRECT_HOME = "redirect-home"
REDIRECT_LIST = "redirect-list"
REDIRECT_ERROR = "redirect-error"
MOVED = "moved"
WALL = "wall"
ERROR = "error"
#: kinds that show an archived article was taken down (docs/formats.md, ``removed_evidence``)
REMOVAL = frozenset({GONE, NOTICE, REDIRECT_HOME, REDIRECT_LIST, REDIRECT_ERROR})
#: a page with fewer characters of its own text than this (and fewer than 3 times as many outside links
#: and scripts, furniture included) is short enough for a marker to count
LITTLE_TEXT = 200

_NOUN = (
    r"(?:页面|网页|頁面|网址|網址|地址|链接|鏈接|文章|稿件|内容|內容|信息|資訊|资讯|新闻|新聞|帖子|栏目|文件|资源"
    r"|该文|此文|本文|该条|此条|该篇|这篇)"
)
_GONE_VERB = (
    r"(?:不存在|已不存在|未找到|找不到|没有找到|無法找到|无法找到|走丢|走丟|迷路|不见了"
    r"|(?:已经?|已被|被)[^，。！？,.!?\s]{0,5}?(?:删除|刪除|撤下|撤回|撤销|撤稿|下线|下線|下架|屏蔽|隐藏|关闭|失效|过期)"
    r"|无法(?:查看|访问|显示|浏览|打开)|無法(?:查看|訪問|顯示)|不予显示|暂不?(?:可见|开放))"
)
_NOTICE = re.compile(rf"{_NOUN}[^，。！？,.!?\s]{{0,8}}?{_GONE_VERB}|(?:页面|網頁|网页)(?:不存在|未找到|找不到)")
# 404 as a status, not as a number in a headline (404路公交, 404名考生)
_STATUS_TITLE = re.compile(
    r"(?<![\d.])(?:404|410)(?=$|[\s_|:：,，.。!！)）\]】-]|错误|錯誤|页面|頁面|not)"
    r"|not\s*found|page\s+(?:not|cannot)",
    re.I,
)
_WALL = re.compile(
    r"访问验证|訪問驗證|安全验证|安全驗證|人机验证|人機驗證|身份验证|滑动验证|拖动滑块|点击验证|请完成验证|正在验证|验证码|驗證碼"
    r"|环境异常|環境異常|访问异常|访问过于频繁|訪問過於頻繁|请求过于频繁|操作过于频繁|访问频率|访问受限|访问被拒绝"
    r"|访问被拦截|已被拦截|请求被拦截|网站防火墙|安全检测|安全检查"
    r"|(?:开启|启用|打开|允许|支持|開啟|啟用)\s*(?:浏览器的?|瀏覽器的?)?\s*JavaScript|JavaScript\s*(?:已禁用|被禁用|未启用|未开启)"
    r"|enable\s+JavaScript|JavaScript\s+is\s+(?:disabled|required)|just\s+a\s+moment|checking\s+your\s+browser"
    r"|captcha|access\s+denied|attention\s+required",
    re.I,
)
_COOKIE_SET = re.compile(r"document\.cookie\s*=", re.I)
_RELOAD = re.compile(
    r"location\.reload\s*\(|location(?:\.href)?\s*=\s*(?:window\.|document\.)?location\b"
    r"|location\.replace\s*\(\s*(?:window\.|document\.)?location\b",
    re.I,
)
_META_REFRESH = re.compile(r"<meta[^>]+http-equiv\s*=\s*[\"']?refresh[^>]*>", re.I)
_REFRESH_URL = re.compile(r"content\s*=\s*[\"']?\s*\d*\s*[;,]?\s*url\s*=\s*['\"]?([^\"'>\s]+)", re.I)
_JS_TARGET = re.compile(
    r"location(?:\.href)?\s*=\s*['\"]([^'\"]+)['\"]|location\.(?:replace|assign)\s*\(\s*['\"]([^'\"]+)['\"]"
    r"|window\.open\s*\(\s*['\"]([^'\"]+)['\"]\s*,\s*['\"]_(?:self|top)['\"]",
    re.I,
)
_CHALLENGE_STATUS = frozenset({202, 403, 412, 429, 503, 521})
_HOME_PATH = re.compile(r"^/(?:(?:index|default|home|main|portal)\.[a-z]{2,5})?$", re.I)
_INDEX_FILE = re.compile(r"^(?:index|default|list|more|node)(?:[_-]\d+)?(?:\.[a-z]{2,5})?$", re.I)
_ERROR_WORD = re.compile(
    r"(?:^|[/_.?=&-])(?:error|errors|err|notfound|not[-_]found|nofound|nopage|no[-_]page|deleted"
    r"|missing|unavailable|invalid)(?:[/_.?=&-]|$)",
    re.I,
)
# a status as an error page's name only at the root (/404.html, /404/) or as a code in the query:
# /content/404.html and show.php?id=404 are articles numbered 404
_ERROR_STATUS = re.compile(r"^/(?:4\d\d|5\d\d)(?:\.[a-z]{2,5}|/)?$", re.I)
_ERROR_CODE = re.compile(r"(?:^|&)(?:code|status|err|errno|error_?code)=(?:4|5)\d\d(?:&|$)", re.I)
_FURNITURE_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "a",
    "select",
    "option",
    "button",
    "textarea",
    "header",
    "nav",
    "footer",
    "aside",
    "iframe",
    "svg",
    "video",
    "audio",
    "object",
    "embed",
)
_FURNITURE_WORDS = (
    "footer",
    "foot",
    "copyright",
    "copy",
    "bottom",
    "nav",
    "menu",
    "sidebar",
    "side",
    "recommend",
    "related",
    "hot",
    "rank",
    "share",
    "crumb",
    "breadcrumb",
    "position",
    "location",
)
_BLOCKS = ("p", "div", "td", "li", "br", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "dd", "dt")
_WORD = re.compile(r"\w", re.U)
_TOKEN = re.compile(r"[A-Za-z]+")
# Literal hints, tested with ``in`` (a scan per hint in C): a page with none of them is neither a
# notice, a wall nor a redirect page, and is not parsed; the regexes above would scan it at every
# position for every alternative (milliseconds for a 100 KB page, on the crawl's event loop).
_WALL_HINTS = ("验证", "驗證", "频繁", "頻繁", "异常", "異常", "拦截", "受限", "拒绝", "防火墙", "安全检")
_WALL_HINTS_LOW = ("captcha", "just a moment", "checking your browser", "access denied", "attention required")
_NOTICE_HINTS = (
    "不存在",
    "未找到",
    "找不到",
    "没有找到",
    "删除",
    "刪除",
    "撤",
    "下线",
    "下線",
    "下架",
    "屏蔽",
    "隐藏",
    "关闭",
    "失效",
    "过期",
    "无法",
    "無法",
    "不予显示",
    "暂",
    "走丢",
    "走丟",
    "迷路",
    "不见了",
)
_OTHER_HINTS_LOW = ("404", "410", "not found", "page not", "page cannot", "document.cookie", "refresh", "location")


def _wall_hint(html: str, low: str) -> bool:
    if any(hint in html for hint in _WALL_HINTS) or any(hint in low for hint in _WALL_HINTS_LOW):
        return True
    at = low.find("javascript")
    while at >= 0:  # 请开启JavaScript: only the words around each of the page's many "javascript"
        if _WALL.search(html, max(0, at - 12), at + 30):
            return True
        at = low.find("javascript", at + 10)
    return False


def _worth_parsing(html: str) -> bool:
    low = html.lower()
    return (
        _wall_hint(html, low)
        or any(hint in html for hint in _NOTICE_HINTS)
        or any(hint in low for hint in _OTHER_HINTS_LOW)
    )


@dataclass(frozen=True)
class PageKind:
    """A capture's kind and what showed it (a status, a marker, a redirect's target)."""

    kind: str
    evidence: str = ""

    @property
    def removal(self) -> str | None:
        """The manifest's ``removed_evidence`` when this capture shows a removal, else None."""
        if self.kind not in REMOVAL:
            return None
        return self.evidence if self.kind == GONE else self.kind


class NotArticle(TextError):
    """derive() of a capture that is not the article: no text, and the archived one stays."""

    def __init__(self, kind: PageKind, url: str = ""):
        super().__init__(kind.kind, f"{url}: not an article ({kind.kind}: {kind.evidence})")
        self.kind, self.url = kind, url

    def __reduce__(self):
        return (NotArticle, (self.kind, self.url))


@lru_cache(maxsize=64)
def list_rule(patterns: tuple[str, ...]) -> Callable[[str], bool] | None:
    """``is_list`` for :func:`classify` from a source's follow rules (None: no rules)."""
    if not patterns:
        return None
    compiled = [re.compile(p) for p in patterns]
    return lambda url: any(rx.search(url) for rx in compiled)


def classify(
    url: str,
    status: int,
    location: str | None,
    html: str | None,
    is_list: Callable[[str], bool] | None = None,
    tree=None,
) -> PageKind:
    """The kind of the capture of ``url`` (``html``: the decoded page, None when not HTML;
    ``tree``: the caller's lxml.html parse of it, if it has one, read and not modified)."""
    if status in (404, 410, 451):
        return PageKind(GONE, f"http-{status}")
    if 300 <= status < 400:
        if not location:
            return PageKind(ERROR, f"http-{status}")
        return _redirect(url, location, is_list, f"http-{status}")
    if status < 400 and status != 202 and tree is not None and _much_visible_text(tree):
        return PageKind(ARTICLE)  # what the checks below end in for a page that is not little
    page = _Page.of(html) if html and _worth_parsing(html) else None
    if status >= 400 or status == 202:
        if page is not None and page.little and (marker := page.wall()):
            return PageKind(WALL, marker)
        if status in _CHALLENGE_STATUS and html and "<script" in html.lower() and (page is None or page.little):
            return PageKind(WALL, f"http-{status} script")
        if status >= 400:
            return PageKind(ERROR, f"http-{status}")
    if page is None or not page.little:
        return PageKind(ARTICLE)
    if marker := page.wall():
        return PageKind(WALL, marker)
    if found := _NOTICE.search(page.shown) or _STATUS_TITLE.search(page.headings):
        return PageKind(NOTICE, found.group(0))
    if found := page.redirect_target():
        return _redirect(url, found[1], is_list, found[0])
    return PageKind(ARTICLE)


def redirect_kind(url: str, target: str, is_list: Callable[[str], bool] | None = None) -> str:
    """``redirect-error``, ``redirect-home``, ``redirect-list`` or ``moved`` for a redirect of
    ``url`` to ``target`` (relative targets are resolved against ``url``)."""
    absolute = urljoin(url, target.strip())
    parts = urlsplit(absolute)
    path = parts.path or "/"
    if (
        _ERROR_WORD.search(path)
        or _ERROR_WORD.search(parts.query)
        or _ERROR_STATUS.match(path)
        or _ERROR_CODE.search(parts.query)
    ):
        return REDIRECT_ERROR
    if _HOME_PATH.match(path):
        return REDIRECT_HOME
    if is_list is not None and is_list(absolute):
        return REDIRECT_LIST
    folder, _, name = path.rpartition("/")
    own = urlsplit(url).path
    if (not name or _INDEX_FILE.match(name)) and own.startswith(folder + "/") and own != path:
        return REDIRECT_LIST
    return MOVED


def _redirect(url: str, target: str, is_list, how: str) -> PageKind:
    absolute = urljoin(url, target.strip())
    if absolute.split("#")[0] == url.split("#")[0]:
        return PageKind(WALL, f"{how} to itself")  # a cookie set, then the same page again: a challenge
    return PageKind(redirect_kind(url, target, is_list), f"{how} -> {absolute}")


def wall_reason(status: int, html: str) -> str | None:
    """What makes this response an anti-bot wall or verification page, or None when it is not
    one: the call for a per-host circuit breaker that counts walls as failures of the host.
    Cheap on ordinary pages: the page is parsed only when a wall's marker or script is in it."""
    if 300 <= status < 400 or status in (404, 410, 451):
        return None
    low = html.lower()
    if not (_wall_hint(html, low) or "document.cookie" in low or status in _CHALLENGE_STATUS or status == 202):
        return None
    found = classify("http://host/", status, None, html)
    return found.evidence if found.kind == WALL else None


def wall_in_payload(status: int, body: bytes, content_type: str | None) -> str | None:
    """:func:`wall_reason` of an undecoded body (Content-Encoding already undone), decoded
    quickly: the declared charset, else UTF-8, else GB18030, bad bytes replaced."""
    return wall_reason(status, quick_text(body, content_type))


_CHARSET = re.compile(rb"charset\s*=\s*[\"']?\s*([a-zA-Z0-9_.:-]+)", re.I)


def quick_text(body: bytes, content_type: str | None) -> str:
    """The body as text, good enough to look for markers (never for an archived text)."""
    found = _CHARSET.search((content_type or "").encode("latin-1", "replace")) or _CHARSET.search(body[:4096])
    codec = codec_for(found.group(1).decode("ascii", "replace")) if found else None  # WHATWG labels only
    for label in [codec, "utf-8"] if codec else ["utf-8"]:
        try:
            return body.decode(label)
        except (LookupError, UnicodeDecodeError):
            continue
    return body.decode("gb18030", errors="replace")


class _Page:
    """The parts of a page a classification reads: title, headings, its own text, its scripts."""

    def __init__(self, html: str, tree) -> None:
        self.html = html
        self.title = _text(tree.find(".//title"))
        self.headings = " ".join([self.title, *(_text(h) for h in tree.iter("h1", "h2", "h3"))])
        self.scripts = "\n".join(s.text or "" for s in tree.iter("script"))
        body = tree.find(".//body")
        self.own, visible = _own_text(body if body is not None else tree)
        self.little = len(_WORD.findall(self.own)) < LITTLE_TEXT and visible < 3 * LITTLE_TEXT
        self.shown = f"{self.headings}\n{self.own}"

    @classmethod
    def of(cls, html: str) -> _Page | None:
        from lxml import etree

        from .htmltree import document_fromstring

        try:
            tree = document_fromstring(html)
        except (etree.ParserError, ValueError):
            return None
        return cls(html, tree)

    def wall(self) -> str | None:
        if found := _WALL.search(self.shown):
            return found.group(0)
        if _COOKIE_SET.search(self.scripts) and _RELOAD.search(self.scripts):
            return "cookie challenge"
        return None

    def redirect_target(self) -> tuple[str, str] | None:
        """(how, target) of a meta refresh or a JavaScript redirect of the page."""
        for tag in _META_REFRESH.findall(self.html):
            if found := _REFRESH_URL.search(tag):
                return "meta refresh", found.group(1)
        if found := _JS_TARGET.search(self.scripts):
            return "javascript", next(g for g in found.groups() if g)
        return None


def _text(element) -> str:
    return " ".join(element.text_content().split()) if element is not None else ""


def _furniture(element) -> bool:
    """Furniture by its class or id (footer, nav, sidebar ...)."""
    names = f"{element.get('class', '')} {element.get('id', '')}".lower()
    return any(token in _FURNITURE_WORDS for token in _TOKEN.findall(names))


def _own_text(root) -> tuple[str, int]:
    """Visible text outside links, scripts and page furniture (header, nav, footer, sidebars),
    and the length of the visible text outside links and scripts alone: a page with much of it
    is not short, whatever its class names say. The tree is this module's own parse: it is cut."""
    for element in root.iter(*_BLOCKS):
        element.tail = "\n" + (element.tail or "")  # adjacent blocks are not one sentence
    _drop(root, lambda e: e.tag in _FURNITURE_TAGS)
    visible = len(_WORD.findall(root.text_content()))
    _drop(root, _furniture)
    return " ".join(root.text_content().split()), visible


_NON_WORD = re.compile(r"\W+")


def _words(text: str) -> int:
    """len(_WORD.findall(text)), without a list of every character."""
    return len(text) - sum(len(run) for run in _NON_WORD.findall(text))


def _paragraph_words_reach(root, need: int) -> bool:
    """Whether the paragraphs' own text outside furniture tags (part of _own_text's ``visible``:
    the text nodes of ``.//p/text()`` with no furniture tag among their ancestors) holds ``need``
    word characters; counted paragraph by paragraph, stopping once there are enough (an
    article's first few paragraphs: an XPath selecting them all cost ~0.5 ms a page)."""
    found = 0
    for paragraph in root.iter("p"):
        if next(paragraph.iterancestors(*_FURNITURE_TAGS), None) is not None:
            continue
        for text in (paragraph.text, *(child.tail for child in paragraph)):
            if text:
                found += _words(text)
        if found >= need:
            return True
    return found >= need


def _much_visible_text(tree) -> bool:
    """True when a parse of the whole document (lxml.html's, as _Page's) holds at least
    3 * LITTLE_TEXT characters of visible text (_own_text's ``visible``), shown by a lower bound:
    the paragraphs' own text, else the body's text less all text inside furniture tags (a link
    in a nav counted twice). Such a page is not little, whatever else is in it, and need not be
    parsed again and cut; the caller's tree is read, not modified."""
    if tree.getparent() is not None or tree.tag != "html":
        return False  # a fragment's tree (lxml.html.fromstring) is not document_fromstring's
    body = tree.find(".//body")
    root = body if body is not None else tree
    if _paragraph_words_reach(root, 3 * LITTLE_TEXT):
        return True
    total = _words(root.text_content())
    return (
        total >= 3 * LITTLE_TEXT
        and total - _words("".join([e.text_content() for e in root.iter(*_FURNITURE_TAGS)])) >= 3 * LITTLE_TEXT
    )


def _drop(root, test) -> None:
    for element in [e for e in root.iter() if isinstance(e.tag, str) and e is not root and test(e)]:
        if element.getparent() is not None:
            element.drop_tree()


__all__ = [
    "PageKind",
    "NotArticle",
    "list_rule",
    "classify",
    "redirect_kind",
    "wall_reason",
    "wall_in_payload",
    "quick_text",
    "ARTICLE",
    "GONE",
    "NOTICE",
    "REDIRECT_HOME",
    "REDIRECT_LIST",
    "REDIRECT_ERROR",
    "MOVED",
    "WALL",
    "ERROR",
    "REMOVAL",
    "LITTLE_TEXT",
]
