"""The demo site's HTTP/1.1 server (standard library only), and a context manager running it.

    python -m crawler.demo.server [--port 8000] [--content DIR] [--log FILE]

Binds 127.0.0.1, prints exactly one line ``http://127.0.0.1:PORT`` and serves the resources of
``crawler.demo.sitegen.build_site`` until SIGTERM/SIGINT. Like real servers it answers HEAD and
conditional GETs (ETag / If-None-Match, Last-Modified / If-Modified-Since -> 304 without a body;
``--dynamic``: no validators, and a visit counter and the time in a sidebar, new on every request),
sends the gzip sub-site with ``Content-Encoding: gzip`` (mtime 0, so the bytes are stable), the
blog with real ``Transfer-Encoding: chunked`` framing, two ``Set-Cookie`` headers on ``/``, and
404 for unknown paths; pages that are not articles and taken-down articles with their own status
and headers (crawler/demo/notarticles.py). The site is rebuilt when a file of the content dir changes (checked on
every request), so tests can edit an article while the server runs. ``--log FILE`` appends
``METHOD PATH STATUS BODY_BYTES`` per request (payload bytes sent, chunk framing excluded).
"""

from __future__ import annotations

import argparse
import errno
import gzip
import http.server
import os
import signal
import sys
import threading
import time
from email.utils import parsedate_to_datetime
from pathlib import Path

from .launcher import ServerProcess
from .sitegen import CONTENT_DIR, DemoContentError, Resource, build_site

#: the demo site's address by default: the demo seeds' default too (`${DEMO_SITE:-http://127.0.0.1:8000}`)
DEFAULT_PORT = 8000

CHUNK = 1024  # small, so even short blog pages go out as several chunks
COOKIES = ("visitor=demo-7f3a; Path=/; HttpOnly", "lang=zh-CN; Path=/; Max-Age=86400")


class SiteCache:
    """The built site, rebuilt when the content dir's files change (name, mtime, size)."""

    def __init__(self, content_dir: Path, base: str, day: int = 1):
        self.content_dir, self.base, self.day = content_dir, base, day
        self.lock = threading.Lock()
        self.signature: tuple = ()
        self.site: dict[str, Resource] = {}

    def _signature(self) -> tuple:
        found = []
        for entry in sorted(os.scandir(self.content_dir), key=lambda e: e.name):
            try:
                stat = entry.stat()
            except FileNotFoundError:  # replaced while we looked: the next request sees it
                continue
            found.append((entry.name, stat.st_mtime_ns, stat.st_size))
        return tuple(found)

    def get(self) -> dict[str, Resource]:
        """The current site; a content file caught half-written keeps the previous build."""
        with self.lock:
            signature = self._signature()
            if signature != self.signature:
                try:
                    self.site = build_site(self.content_dir, self.base, self.day)
                    self.signature = signature
                except DemoContentError as exc:
                    print(f"demo site: {exc}; still serving the previous build", file=sys.stderr)
            return self.site


class DemoHandler(http.server.BaseHTTPRequestHandler):
    """Serves the demo site's resources with the HTTP behaviour real news sites show."""

    protocol_version = "HTTP/1.1"  # keep-alive and chunked framing need 1.1
    # headers and body go out in two writes: with Nagle's algorithm the body waits for the
    # client's delayed ACK of the headers (~40 ms a keep-alive request)
    disable_nagle_algorithm = True
    server_version = "DemoSite/1.0"

    def log_message(self, format: str, *args) -> None:
        """Quiet: the --log file is the record of requests."""

    def do_HEAD(self) -> None:
        self._respond(head=True)

    def do_GET(self) -> None:
        self._respond(head=False)

    def _respond(self, head: bool) -> None:
        full = self.path.split("#", 1)[0]
        path = full.split("?", 1)[0]
        site = self.server.cache.get()
        resource = site.get(full) or site.get(path)  # show.php?id=7&page=2 is a page of its own
        if resource is None:
            self._send_simple(404, "text/html; charset=utf-8", "<h1>404 页面不存在</h1>\n".encode(), head)
        elif resource.status != 200:
            self._send_other(resource, head)
        elif self._not_modified(resource):
            self.send_response(304)
            self._validators(resource)
            self._log(304, 0)
            self.end_headers()
        else:
            self._send_resource(resource, path, head)

    def _not_modified(self, resource: Resource) -> bool:
        if not self.server.validators:
            return False
        # RFC 9110 13.2.2: If-None-Match wins; If-Modified-Since only counts without it.
        tags = self.headers.get("If-None-Match")
        if tags is not None:
            return tags.strip() == "*" or resource.etag in [t.strip().removeprefix("W/") for t in tags.split(",")]
        since = self.headers.get("If-Modified-Since")
        if not since:
            return False
        try:
            return parsedate_to_datetime(resource.last_modified) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False  # an unparsable date is ignored, as the RFC says

    def _validators(self, resource: Resource) -> None:
        if self.server.validators:
            self.send_header("ETag", resource.etag)
            self.send_header("Last-Modified", resource.last_modified)

    def _send_other(self, resource: Resource, head: bool) -> None:
        """A not-article page or a takedown (crawler/demo/notarticles.py): its status, no validators."""
        self.send_response(resource.status)
        for name, value in resource.headers:
            self.send_header(name, value)
        body = resource.body if 200 <= resource.status < 300 or resource.status >= 400 else b""
        self.send_header("Content-Length", str(len(body)))
        self._log(resource.status, 0 if head else len(body))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _send_resource(self, resource: Resource, path: str, head: bool) -> None:
        body = self._dynamic(resource.body) if self.server.dynamic else resource.body
        body = gzip.compress(body, mtime=0) if resource.gzip else body
        self.send_response(200)
        for name, value in resource.headers:
            self.send_header(name, value)
        self._validators(resource)
        if resource.gzip:
            self.send_header("Content-Encoding", "gzip")
        if path == "/":
            for cookie in COOKIES:
                self.send_header("Set-Cookie", cookie)
        self.send_header(
            *(("Transfer-Encoding", "chunked") if resource.chunked else ("Content-Length", str(len(body))))
        )
        self._log(200, 0 if head else len(body))
        self.end_headers()
        if head:
            return
        if resource.chunked:
            self._write_chunked(body)
        else:
            self.wfile.write(body)

    def _dynamic(self, body: bytes) -> bytes:
        """What a CMS without validators adds to every page it serves: a sidebar with a visit
        counter and the time, different on every request (as numeric character references, so
        it fits any of the sub-sites' encodings)."""
        if b"</body>" not in body:
            return body
        with self.server.log_lock:
            self.server.visits += 1
            visits = self.server.visits
        now = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())
        side = (
            f'<div class="sidebar stats"><p>本站累计访问：{visits * 37 + 100000}人次</p><p>本页更新于 {now}</p></div>\n'
        )
        refs = "".join(c if c.isascii() else f"&#{ord(c)};" for c in side).encode("ascii")
        return body.replace(b"</body>", refs + b"</body>", 1)

    def _write_chunked(self, body: bytes) -> None:
        for start in range(0, len(body), CHUNK):
            piece = body[start : start + CHUNK]
            self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
        self.wfile.write(b"0\r\n\r\n")

    def _send_simple(self, status: int, content_type: str, body: bytes, head: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self._log(status, 0 if head else len(body))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _log(self, status: int, size: int) -> None:
        # Written before the response goes out: a client that has read it can count the line.
        if self.server.log_path is not None:
            with self.server.log_lock, open(self.server.log_path, "a", encoding="utf-8") as fh:
                fh.write(f"{self.command} {self.path} {status} {size}\n")
                fh.flush()


class DemoHTTPServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        if isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            return  # a client killed mid-request (the kill tests do it on purpose): not a server error
        super().handle_error(request, client_address)


def make_server(
    port: int = 0, content_dir: Path | None = None, log: Path | None = None, dynamic: bool = False, day: int = 1
):
    """A ThreadingHTTPServer on 127.0.0.1 serving the demo site (``server.base`` is its URL).
    ``dynamic``: like most Chinese CMSs, no ETag or Last-Modified, and a clock and a visit
    counter that change every page on every request. ``day``: the site as it is that day (an
    article's ``on_day`` changes: taken down on day 2)."""
    server = DemoHTTPServer(("127.0.0.1", port), DemoHandler)
    server.daemon_threads = True
    server.base = f"http://127.0.0.1:{server.server_address[1]}"
    server.cache = SiteCache(Path(content_dir or CONTENT_DIR), server.base, day)
    server.cache.get()  # fail at startup, not on the first request, if the content is bad
    server.log_path, server.log_lock = log, threading.Lock()
    server.validators, server.dynamic, server.visits = not dynamic, dynamic, 0
    return server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve the offline demo site on 127.0.0.1.")
    parser.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"default {DEFAULT_PORT}, the demo seeds' default address; 0 picks a free port",
    )
    parser.add_argument("--content", type=Path, help="content dir (default: the bundled one)")
    parser.add_argument("--log", type=Path, help="append METHOD PATH STATUS BODY_BYTES per request")
    parser.add_argument(
        "--dynamic",
        action="store_true",
        help="no validators; a clock and a visit counter on every page, new on every request",
    )
    parser.add_argument("--day", type=int, default=1, help="the site as it is that day (default 1; day 2: takedowns)")
    args = parser.parse_args(argv)
    try:
        server = make_server(args.port, args.content, args.log, args.dynamic, max(1, args.day))
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            print(
                f"demo site: 127.0.0.1:{args.port} is in use (another demo server?): stop it, or choose another "
                "port (--port N; for `scrapy demo`: -s DEMO_PORT=N)",
                file=sys.stderr,
            )
        else:
            print(f"demo site: {exc}", file=sys.stderr)
        return 1
    except DemoContentError as exc:
        print(f"demo site: {exc}", file=sys.stderr)
        return 1
    # shutdown() waits for serve_forever() to return, so it must run off the serving thread.
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    print(server.base, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


class DemoServer(ServerProcess):
    """``with DemoServer() as url:`` runs the demo site in a subprocess for the block's duration
    (crawler/demo/launcher.py: returned once it answers, stopped and its port freed at the end)."""

    def __init__(
        self,
        content_dir: Path | None = None,
        log: Path | None = None,
        dynamic: bool = False,
        port: int = 0,
        day: int = 1,
    ):
        args = [
            sys.executable,
            "-m",
            "crawler.demo.server",
            "--port",
            str(port),
            "--day",
            str(day),
            *(["--dynamic"] if dynamic else []),
        ]
        if content_dir is not None:
            args += ["--content", str(Path(content_dir).resolve())]
        if log is not None:
            args += ["--log", str(Path(log).resolve())]
        root = str(Path(__file__).resolve().parents[2])  # so `-m crawler.demo.server` imports
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
        super().__init__(args, env=env)


if __name__ == "__main__":
    sys.exit(main())
