"""A real local HTTP/1.1 server for the WARC capture tests; prints its URL, then serves.

    python tests/mockserver.py

Edge cases a WARC writer must keep exactly: gzip + chunked bodies, redirect chains, a 304 for a
matching If-None-Match, a 500, robots.txt, repeated Set-Cookie headers, query strings, and large
incompressible bodies (optionally sent slowly) for the rotation and crash tests.

``/enc/index.html`` links the articles ``/enc/a<n>.html`` (tests/test_crawl_encodings.py), each
sent in one of the Content-Encodings the request's Accept-Encoding lists, as CDNs answer: article
n in the (n mod k)-th, then two stacked (``gzip, br``) and one not encoded; ``/enc/broken.html``
is a corrupt zstd body. Bylines use ``&nbsp;``, ``|``, full-width spaces; titles ``: { } & "``.
``/flood/`` sets a new cookie on every response and answers 431 beyond 4 KB of them; ``/calm/``
is the same site without cookies (tests/faults/test_case12_traps_and_floods.py).
"""

from __future__ import annotations

import gzip
import html
import itertools
import random
import sys
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

ROBOTS = b"User-agent: *\nDisallow: /private/\n"
ARTICLE = (
    '<html><head><meta charset="utf-8"><title>\u6d4b\u8bd5\u9875</title></head>'
    "<body><p>\u8fd9\u662f\u4e00\u4e2a\u538b\u7f29\u5e76\u5206\u5757\u4f20\u8f93\u7684"
    "\u6d4b\u8bd5\u9875\u9762\u3002</p></body></html>"
).encode("utf-8")


def large_body(size: int, seed: int) -> bytes:
    """``size`` incompressible bytes, the same for the same seed."""
    return random.Random(seed).randbytes(size)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # chunked transfer coding needs 1.1

    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def send(self, status: int, body: bytes, headers: list[tuple[str, str]] = ()) -> None:
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        route = ROUTES.get(parts.path)
        if parts.path == "/enc/index.html":
            enc_index(self, query)
        elif parts.path.startswith("/sm/"):
            sitemaps(self, parts.path)
        elif parts.path.startswith("/enc/"):
            enc_get(self, parts.path)
        elif parts.path.startswith(("/flood/", "/calm/")):
            flood(self, parts.path)
        elif route is None:
            self.send(404, b"not found\n", [("Content-Type", "text/plain")])
        else:
            route(self, query)

    def robots(self, query) -> None:
        self.send(200, ROBOTS, [("Content-Type", "text/plain")])

    def gzip_chunked(self, query) -> None:
        data = gzip.compress(ARTICLE, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for start in range(0, len(data), 40):
            piece = data[start : start + 40]
            self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
        self.wfile.write(b"0\r\n\r\n")

    def redirect(self, query) -> None:
        step = int(query.get("step", "1"))
        target = f"/redirect?step={step + 1}" if step < 2 else "/page?id=3&q=%E6%96%B0%E9%97%BB"
        self.send(302 if step < 2 else 301, b"", [("Location", target)])

    def page(self, query) -> None:
        self.send(
            200,
            b"<html><body><p>page " + query.get("id", "").encode() + b"</p></body></html>",
            [("Content-Type", "text/html; charset=utf-8")],
        )

    def etag(self, query) -> None:
        if self.headers.get("If-None-Match") == '"v1"':
            self.send_response(304)
            self.send_header("ETag", '"v1"')
            self.end_headers()
            return
        self.send(200, b"<html><body>etag v1</body></html>", [("ETag", '"v1"'), ("Content-Type", "text/html")])

    def error(self, query) -> None:
        self.send(500, b"internal error\n", [("Content-Type", "text/plain")])

    def cookies(self, query) -> None:
        self.send(
            200,
            b"cookies\n",
            [
                ("Set-Cookie", "a=1; Path=/"),
                ("X-Between", "yes"),
                ("Set-Cookie", "b=2; Path=/"),
                ("Content-Type", "text/plain"),
            ],
        )

    def large(self, query) -> None:
        body = large_body(int(query.get("size", "100000")), int(query.get("i", "0")))
        delay = float(query.get("delay", "0"))
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        for start in range(0, len(body), 65536):
            self.wfile.write(body[start : start + 65536])
            time.sleep(delay)

    def listing(self, query) -> None:
        count, size, delay = int(query.get("n", "3")), query.get("size", "100000"), query.get("delay", "0")
        links = "".join(f'<a href="/large?size={size}&i={i}&delay={delay}">{i}</a>' for i in range(count))
        self.send(200, f"<html><body>{links}</body></html>".encode(), [("Content-Type", "text/html")])


ENC_TITLES = [
    "街道&社区：“银龄食堂”开张",
    "河道清淤: 工程 {一期} [完工]",
    "引号\"双\"与'单'的标题测试",
    "图书馆 #夜读 活动 % 开放 @ 全市",
    "“一元早餐”项目惠及环卫工人",
    "暴雨过后：志愿者连夜排水",
    "小学开设非遗剪纸课 & 书法课",
    "公交新线开通 {环线} 连接火车站",
]
ENC_ORIGINS = ["新华网", "青禾日报", "澄江晚报", "市文明办"]
ENC_AUTHORS = ["王小明", "许文静", "韩松", "李雪梅", "陈思远"]
ENC_BYLINES = [
    "{date}&nbsp;&nbsp;来源：{origin}&nbsp;&nbsp;作者：{author}",
    "{date} | 来源：{origin} | 作者：{author} | 编辑：赵六",
    "{date}\u3000来源：{origin}\u3000记者：{author}\u3000编辑：赵六",
    "来源：{origin}作者：{author} {date}",
]


def enc_article(n: int) -> tuple[str, str, str, list[str]]:
    """Title, origin, author and paragraphs of /enc/a<n>.html."""
    title = ENC_TITLES[n % len(ENC_TITLES)] + ("" if n < len(ENC_TITLES) else f"（{n}）")
    topic = f"第{n + 1}篇"
    paragraphs = [
        f"{topic}报道：五月六日上午，示例街道在社区服务中心举办活动，编号{n}的志愿者为居民提供服务。",
        f"活动现场排起了长队，{topic}里的老人一早就赶来，工作人员说今后每{n + 2}周都会举办一次。",
        f"街道负责人介绍，今年已组织类似活动{n + 10}场，服务居民超过三千人次，{topic}受到欢迎。",
    ]
    return title, ENC_ORIGINS[n % len(ENC_ORIGINS)], ENC_AUTHORS[n % len(ENC_AUTHORS)], paragraphs


def enc_page(n: int) -> bytes:
    title, origin, author, paragraphs = enc_article(n)
    byline = ENC_BYLINES[n % len(ENC_BYLINES)].format(date="2025-05-06 08:30", origin=origin, author=author)
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return (
        f'<html><head><meta charset="utf-8"><title>{html.escape(title)}</title></head><body>'
        f'<div class="main"><h1>{html.escape(title)}</h1><div class="info">{byline}</div>{body}</div>'
        f"</body></html>"
    ).encode()


def encode(data: bytes, coding: str) -> bytes:
    """``data`` in one Content-Encoding (a coding this server does not know raises: a 500)."""
    if coding == "br":
        import brotli

        return brotli.compress(data)
    if coding == "zstd":
        from backports import zstd

        return zstd.compress(data)
    return {"gzip": lambda d: gzip.compress(d, mtime=0), "deflate": zlib.compress}[coding](data)


def enc_codings(accept: str, n: int) -> list[str]:
    """The codings article n is sent in: one of ``accept`` each, then ``gzip, br``, then none."""
    tokens = [t.split(";")[0].strip() for t in accept.split(",") if t.strip()]
    if n < 2 * len(tokens):
        return [tokens[n % len(tokens)]]
    return ["gzip", "br"] if n == 2 * len(tokens) else []


def enc_count(accept: str) -> int:
    return 2 * len([t for t in accept.split(",") if t.strip()]) + 2


def enc_index(self, query) -> None:
    count = enc_count(self.headers.get("Accept-Encoding", ""))
    links = "".join(f'<li><a href="/enc/a{n}.html">{n}</a></li>' for n in range(count))
    self.send(
        200,
        f'<html><body><ul>{links}<li><a href="/enc/broken.html">x</a></li></ul></body></html>'.encode(),
        [("Content-Type", "text/html; charset=utf-8")],
    )


def enc_get(self, path: str) -> None:
    if path == "/enc/broken.html":
        body = encode(enc_page(0), "zstd")
        self.send(
            200,
            body[:8] + bytes(b ^ 0x55 for b in body[8:]),
            [("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "zstd")],
        )
        return
    n = int(path.removeprefix("/enc/a").removesuffix(".html"))
    codings = enc_codings(self.headers.get("Accept-Encoding", ""), n)
    body = enc_page(n)
    for coding in codings:
        body = encode(body, coding)
    headers = [("Content-Type", "text/html; charset=utf-8")]
    self.send(200, body, headers + ([("Content-Encoding", ", ".join(codings))] if codings else []))


_BOMB: list[bytes] = []


def sitemaps(self, path: str) -> None:
    """/sm/: feeds and sitemaps good and bad (tests/test_crawl_encodings.py)."""
    base = f"http://{self.headers.get('Host')}"
    urlset = (
        "<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
        f"<url><loc>{base}/enc/a0.html</loc></url><url><loc>{base}/enc/a1.html</loc></url></urlset>"
    ).encode()
    if path == "/sm/bomb.xml.gz" and not _BOMB:
        _BOMB.append(gzip.compress(urlset[:-9] + b" " * (51 * 1024 * 1024) + b"</urlset>", 1, mtime=0))
    bodies = {
        "/sm/good.xml": (urlset, "application/xml"),
        "/sm/damaged.xml.gz": (gzip.compress(urlset, mtime=0)[:-30], "application/gzip"),
        "/sm/bomb.xml.gz": (_BOMB[0] if _BOMB else b"", "application/gzip"),
        "/sm/page.html": (b"<html><body><p>not a sitemap</p></body></html>", "text/html"),
        "/sm/feed.xml": (
            f"<rss version='2.0'><channel><item><link>{base}/enc/a2.html</link></item></channel></rss>".encode(),
            "application/rss+xml",
        ),
        "/sm/notfeed.xml": (b"<html><body><a href='/enc/a3.html'>x</a></body></html>", "application/xml"),
    }
    body, kind = bodies[path]
    self.send(200, body, [("Content-Type", kind)])


#: bytes of Cookie header the /flood/ site accepts; beyond: 431 (a strict server; nginx's default is 8 KB)
FLOOD_LIMIT = 4096
_FLOOD_SERIAL = itertools.count()


def flood(self, path: str) -> None:
    """/flood/: a site that sets a new 1,000-byte cookie on every response (a visitor id per page)
    and answers 431 to a Cookie header over FLOOD_LIMIT bytes; /calm/: the same pages without
    cookies. ``list<n>.html`` links the article ``a<n>.html`` (the /enc/ articles' text) and the
    next list page, up to 7."""
    prefix, name = path.rsplit("/", 1)
    cookies = [("Set-Cookie", f"v{next(_FLOOD_SERIAL)}={'x' * 1000}; Path=/")] if prefix == "/flood" else []
    if len(self.headers.get("Cookie", "")) > FLOOD_LIMIT:
        self.send(431, b"Request Header Fields Too Large\n", [("Content-Type", "text/plain"), *cookies])
    elif name.startswith("list"):  # a chain of list pages, so that each request follows a response
        n = int(name[4:].split(".")[0])
        links = f'<a href="{prefix}/a{n}.html">{n}</a>' + (
            f' <a href="{prefix}/list{n + 1}.html">next</a>' if n < 7 else ""
        )
        self.send(200, f"<html><body>{links}</body></html>".encode(), [("Content-Type", "text/html"), *cookies])
    else:
        title, _, _, paragraphs = enc_article(int(name[1:].split(".")[0]))
        body = "".join(f"<p>{p}</p>" for p in paragraphs)
        page = f"<html><head><title>{html.escape(title)}</title></head><body><h1>{html.escape(title)}</h1>{body}</body></html>"
        self.send(200, page.encode("utf-8"), [("Content-Type", "text/html; charset=utf-8"), *cookies])


ROUTES = {
    "/robots.txt": Handler.robots,
    "/gzip-chunked": Handler.gzip_chunked,
    "/redirect": Handler.redirect,
    "/page": Handler.page,
    "/etag": Handler.etag,
    "/error": Handler.error,
    "/cookies": Handler.cookies,
    "/large": Handler.large,
    "/list": Handler.listing,
}


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        pass  # a crawler killed mid-download (the crash tests) resets connections: expected


def main() -> None:
    server = Server(("127.0.0.1", 0), Handler)
    sys.stdout.write(f"http://127.0.0.1:{server.server_address[1]}\n")
    sys.stdout.flush()
    server.serve_forever()


if __name__ == "__main__":
    main()
