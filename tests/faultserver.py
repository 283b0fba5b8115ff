"""A raw-socket HTTP server that misbehaves on purpose (Twisted and http.server cannot).

    python tests/faultserver.py [--robots ok|404|500|hang]

Prints ``http://127.0.0.1:PORT`` and serves until killed. One thread per connection; each path
is one fault. ``GET /__log`` returns one line per request seen so far (method, path, time).
"""

from __future__ import annotations

import argparse
import gzip
import socket
import sys
import threading
import time

LOG: list[str] = []
PAGE = (
    "<html><head><meta charset='utf-8'><title>故障测试</title></head><body><div class='article'>"
    + "<p>街道志愿服务站今天照常开放，居民可以前来登记。</p>" * 20
    + "</div></body></html>"
).encode("utf-8")
GBK_PAGE = (
    "<html><head><meta charset='x-unknown-label'><title>标签错误</title></head><body><div class='article'>"
    + "<p>这一页的字符集标签无效，正文使用国标码编写，应当按后备规则正确解码。</p>" * 8
    + "</div></body></html>"
).encode("gbk")


def head(status: str, headers: list[tuple[str, str]]) -> bytes:
    lines = [f"HTTP/1.1 {status}"] + [f"{k}: {v}" for k, v in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def ok(body: bytes, ctype: str = "text/html; charset=utf-8", extra=()) -> bytes:
    return head("200 OK", [("Content-Type", ctype), ("Content-Length", str(len(body))), *extra]) + body


def redirect(location: str) -> bytes:
    return head("302 Found", [("Location", location), ("Content-Length", "0")])


def bomb() -> bytes:
    # 200 MB of zeros compresses to ~200 KB: a gzip bomb for the decompression caps
    return gzip.compress(b"\0" * (200 * 1024 * 1024), compresslevel=9, mtime=0)


_BOMB: list[bytes] = []


def respond(conn: socket.socket, path: str, robots: str) -> None:
    if path == "/robots.txt":
        if robots == "500":
            conn.sendall(head("500 Internal Server Error", [("Content-Length", "0")]))
        elif robots == "404":
            conn.sendall(head("404 Not Found", [("Content-Length", "0")]))
        elif robots == "hang":
            time.sleep(3600)
        else:
            conn.sendall(ok(b"User-agent: *\nDisallow: /private/\n", "text/plain"))
    elif path == "/__log":
        conn.sendall(ok("\n".join(LOG).encode() + b"\n", "text/plain"))
    elif path in ("/", "/index.html"):
        links = "".join(f'<a href="{p}">{p}</a> ' for p in FAULTS)
        conn.sendall(ok(f"<html><body>{links}</body></html>".encode()))
    elif path == "/ok":
        conn.sendall(ok(PAGE))
    elif path == "/truncated":  # promises more than it sends, then closes
        conn.sendall(
            head("200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(PAGE)))])
            + PAGE[: len(PAGE) // 3]
        )
    elif path == "/badchunk":  # a chunk size that is not hex, mid-stream
        conn.sendall(
            head("200 OK", [("Content-Type", "text/html"), ("Transfer-Encoding", "chunked")])
            + b"10\r\n<html><body>abcd\r\nZZ\r\nnot a chunk\r\n0\r\n\r\n"
        )
    elif path == "/tarpit":
        time.sleep(3600)
    elif path == "/drip":  # one byte every second, for ever
        conn.sendall(head("200 OK", [("Content-Type", "text/html"), ("Content-Length", "100000")]))
        for _ in range(3600):
            conn.sendall(b"x")
            time.sleep(1)
    elif path == "/loop":
        conn.sendall(redirect("/loop"))
    elif path.startswith("/chain/"):
        n = int(path.rsplit("/", 1)[1])
        conn.sendall(ok(PAGE) if n >= 25 else redirect(f"/chain/{n + 1}"))
    elif path == "/to-private":
        conn.sendall(redirect("http://10.20.30.40/secret"))
    elif path == "/to-file":
        conn.sendall(redirect("file:///etc/passwd"))
    elif path == "/to-offsite":
        conn.sendall(redirect("http://offsite.example.org/page"))
    elif path == "/binary":
        conn.sendall(ok(bytes(range(256)) * 64, "text/html"))
    elif path == "/bad-label":
        conn.sendall(ok(GBK_PAGE, "text/html; charset=x-unknown-label"))
    elif path == "/gzip-bomb":
        if not _BOMB:
            _BOMB.append(bomb())
        conn.sendall(ok(_BOMB[0], "text/html", [("Content-Encoding", "gzip")]))
    elif path == "/huge-header":
        conn.sendall(head("200 OK", [("X-Huge", "a" * (1024 * 1024)), ("Content-Length", "2")]) + b"ok")
    elif path == "/many-headers":
        conn.sendall(head("200 OK", [(f"X-H{i}", "v") for i in range(200_000)] + [("Content-Length", "2")]) + b"ok")
    elif path == "/retry-after":
        conn.sendall(head("503 Service Unavailable", [("Retry-After", "2"), ("Content-Length", "0")]))
    elif path.startswith("/storm/"):
        conn.sendall(head("500 Internal Server Error", [("Content-Length", "5")]) + b"oops!")
    else:
        conn.sendall(head("404 Not Found", [("Content-Length", "0")]))


FAULTS = [
    "/ok",
    "/truncated",
    "/badchunk",
    "/loop",
    "/chain/0",
    "/to-private",
    "/to-file",
    "/to-offsite",
    "/binary",
    "/bad-label",
    "/retry-after",
]


def handle(conn: socket.socket, robots: str) -> None:
    with conn:
        conn.settimeout(30)
        data = b""
        try:
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                data += chunk
            method, path, _ = data.split(b"\r\n", 1)[0].decode("latin-1").split(" ", 2)
            LOG.append(f"{method} {path} {time.time():.3f}")
            respond(conn, path, robots)
        except (OSError, ValueError):
            return


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--robots", default="ok", choices=["ok", "404", "500", "hang"])
    args = parser.parse_args()
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    print(f"http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
    while True:
        conn, _ = sock.accept()
        threading.Thread(target=handle, args=(conn, args.robots), daemon=True).start()


if __name__ == "__main__":
    sys.exit(main())
