"""A real local HTTP/1.1 server for the WARC capture tests; prints its URL, then serves.

    python tests/mockserver.py

Edge cases a WARC writer must keep exactly: gzip + chunked bodies, redirect chains, a 304 for a
matching If-None-Match, a 500, robots.txt, repeated Set-Cookie headers, query strings, and large
incompressible bodies (optionally sent slowly) for the rotation and crash tests.
"""

from __future__ import annotations

import gzip
import random
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

ROBOTS = b"User-agent: *\nDisallow: /private/\n"
ARTICLE = ("<html><head><meta charset=\"utf-8\"><title>\u6d4b\u8bd5\u9875</title></head>"
           "<body><p>\u8fd9\u662f\u4e00\u4e2a\u538b\u7f29\u5e76\u5206\u5757\u4f20\u8f93\u7684"
           "\u6d4b\u8bd5\u9875\u9762\u3002</p></body></html>").encode("utf-8")


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
        if route is None:
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
            piece = data[start:start + 40]
            self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
        self.wfile.write(b"0\r\n\r\n")

    def redirect(self, query) -> None:
        step = int(query.get("step", "1"))
        target = f"/redirect?step={step + 1}" if step < 2 else "/page?id=3&q=%E6%96%B0%E9%97%BB"
        self.send(302 if step < 2 else 301, b"", [("Location", target)])

    def page(self, query) -> None:
        self.send(200, b"<html><body><p>page " + query.get("id", "").encode() + b"</p></body></html>",
                  [("Content-Type", "text/html; charset=utf-8")])

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
        self.send(200, b"cookies\n", [("Set-Cookie", "a=1; Path=/"), ("X-Between", "yes"),
                                      ("Set-Cookie", "b=2; Path=/"), ("Content-Type", "text/plain")])

    def large(self, query) -> None:
        body = large_body(int(query.get("size", "100000")), int(query.get("i", "0")))
        delay = float(query.get("delay", "0"))
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        for start in range(0, len(body), 65536):
            self.wfile.write(body[start:start + 65536])
            time.sleep(delay)

    def listing(self, query) -> None:
        count, size, delay = int(query.get("n", "3")), query.get("size", "100000"), query.get("delay", "0")
        links = "".join(f'<a href="/large?size={size}&i={i}&delay={delay}">{i}</a>' for i in range(count))
        self.send(200, f"<html><body>{links}</body></html>".encode(), [("Content-Type", "text/html")])


ROUTES = {
    "/robots.txt": Handler.robots, "/gzip-chunked": Handler.gzip_chunked, "/redirect": Handler.redirect,
    "/page": Handler.page, "/etag": Handler.etag, "/error": Handler.error, "/cookies": Handler.cookies,
    "/large": Handler.large, "/list": Handler.listing,
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
