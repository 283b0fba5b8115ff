"""The demo site's HTTP server (standard library), and a context manager running it as a subprocess.

    python -m crawler.demo.server [--port 0] [--overrides DIR] [--log FILE]

Binds 127.0.0.1, prints one line ``http://127.0.0.1:PORT`` and serves until SIGTERM/SIGINT.
Conditional GET (ETag / Last-Modified -> 304), gzip for /news/, chunked framing for /blog/, two
Set-Cookie headers on ``/``. ``--overrides DIR``: files ``DIR/<path>`` (UTF-8 HTML, path with
``/`` as ``__``) replace or add pages, re-read on every request, so tests can change the site
while it runs. ``--log FILE``: one line per request, ``METHOD PATH STATUS BODY_BYTES``.
"""

from __future__ import annotations

import argparse
import gzip
import http.server
import signal
import subprocess
import sys
import threading
from pathlib import Path

from .sitegen import Resource, build_site

_LOCK = threading.Lock()


def read_overrides(directory: Path | None) -> dict[str, str]:
    """``DIR/news__2024__05__n001.html`` -> ``/news/2024/05/n001.html``: UTF-8 HTML."""
    if directory is None or not directory.is_dir():
        return {}
    return {"/" + p.name.replace("__", "/"): p.read_text("utf-8") for p in sorted(directory.iterdir()) if p.is_file()}


class DemoHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "DemoSite/1.0"

    def log_message(self, *args) -> None:
        pass

    def _log(self, status: int, size: int) -> None:
        if self.server.log_path:
            with _LOCK, open(self.server.log_path, "a", encoding="utf-8") as fh:
                fh.write(f"{self.command} {self.path} {status} {size}\n")

    def do_HEAD(self) -> None:
        self.do_GET(head=True)

    def do_GET(self, head: bool = False) -> None:
        site = build_site(read_overrides(self.server.overrides)) if self.server.overrides else self.server.site
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        resource = site.get(path)
        if resource is None:
            self._simple(404, b"not found")
            return
        if self._not_modified(resource):
            self.send_response(304)
            self.send_header("ETag", resource.etag)
            self.send_header("Last-Modified", resource.last_modified)
            self.end_headers()
            self._log(304, 0)
            return
        body = resource.body.replace(b"{base}", self.server.base.encode())
        self._send(resource, body, head)

    def _not_modified(self, resource: Resource) -> bool:
        if_none = self.headers.get("If-None-Match")
        if if_none is not None:
            return resource.etag in [tag.strip() for tag in if_none.split(",")]
        return self.headers.get("If-Modified-Since") == resource.last_modified

    def _send(self, resource: Resource, body: bytes, head: bool) -> None:
        if resource.gzip:
            body = gzip.compress(body, mtime=0)
        self.send_response(200)
        for name, value in resource.headers:
            self.send_header(name, value)
        self.send_header("ETag", resource.etag)
        self.send_header("Last-Modified", resource.last_modified)
        if resource.gzip:
            self.send_header("Content-Encoding", "gzip")
        if self.path == "/":
            self.send_header("Set-Cookie", "visitor=demo; Path=/")
            self.send_header("Set-Cookie", "lang=zh-CN; Path=/")
        if resource.chunked:
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            if not head:
                for start in range(0, len(body), 4096):
                    chunk = body[start:start + 4096]
                    self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                self.wfile.write(b"0\r\n\r\n")
        else:
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not head:
                self.wfile.write(body)
        self._log(200, 0 if head else len(body))

    def _simple(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self._log(status, len(body))


def make_server(port: int = 0, overrides: Path | None = None, log: Path | None = None):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), DemoHandler)
    server.daemon_threads = True
    server.base = f"http://127.0.0.1:{server.server_address[1]}"
    server.overrides = overrides
    server.site = build_site()
    server.log_path = log
    return server


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the offline demo site on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--overrides", type=Path)
    parser.add_argument("--log", type=Path)
    args = parser.parse_args(argv)
    server = make_server(args.port, args.overrides, args.log)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    print(server.base, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    server.server_close()


class DemoServer:
    """``with DemoServer() as url:`` runs the demo site in a subprocess for the block's duration."""

    def __init__(self, overrides: Path | None = None, log: Path | None = None):
        self.args = [sys.executable, "-m", "crawler.demo.server", "--port", "0"]
        if overrides:
            self.args += ["--overrides", str(overrides)]
        if log:
            self.args += ["--log", str(log)]
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> str:
        root = Path(__file__).resolve().parent.parent.parent
        self.proc = subprocess.Popen(self.args, stdout=subprocess.PIPE, text=True, cwd=root)
        url = self.proc.stdout.readline().strip()
        if not url.startswith("http://"):
            self.__exit__(None, None, None)
            raise RuntimeError("the demo site server did not start")
        return url

    def __exit__(self, *exc) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc.stdout.close()
            self.proc = None


if __name__ == "__main__":
    main()
