"""Shared bench helpers: a deterministic synthetic news site, a static server, RSS sampling.

Standard library only, plus the project and its test helpers (the process-tree walk). Every script prints figures; none passes or fails.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.demo.bulk import WORDS  # noqa: E402  one vocabulary for every generated page
from tests.conftest import descendants  # noqa: E402  the same /proc walk the kill tests use


def make_site(directory: Path, pages: int, links: int = 140, seed: int = 7) -> Path:
    """Write ``pages`` article pages (30-80 KB, ``links`` links each) and list pages; deterministic."""
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    for n in range(pages):
        targets = [f"/a/{rng.randrange(pages)}.html" for _ in range(links)]
        paras = []
        size = rng.randrange(30_000, 80_000)
        while sum(len(p.encode()) for p in paras) < size - 6000:
            paras.append("".join(rng.choice(WORDS) for _ in range(rng.randrange(20, 60))) + "。")
        nav = "".join(f'<li><a href="{t}">{rng.choice(WORDS)}新闻{i}</a></li>' for i, t in enumerate(targets))
        body = "".join(f"<p>{p}</p>" for p in paras)
        html = (
            f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>第{n}号新闻</title></head><body>'
            f'<ul class="nav">{nav}</ul><div class="article"><h1>第{n}号新闻</h1>'
            f"<p>发布时间：2024-05-{1 + n % 28:02d} 09:30</p>{body}</div></body></html>"
        )
        (directory / "a").mkdir(exist_ok=True)
        (directory / "a" / f"{n}.html").write_text(html, encoding="utf-8")
    index = "".join(f'<a href="/a/{n}.html">{n}</a> ' for n in range(pages))
    (directory / "index.html").write_text(
        f'<html><head><meta charset="utf-8"></head><body>{index}</body></html>', encoding="utf-8"
    )
    (directory / "robots.txt").write_text("User-agent: *\nAllow: /\n")
    return directory


class _StaticFiles(asyncio.Protocol):
    """HTTP/1.1 keep-alive GET/HEAD of files held in memory, 304 on If-Modified-Since.

    The issue's figures were taken against nginx; the standard library's threaded file server
    took ~40 ms per keep-alive request (0.6 ms here, measured with http.client) and runs a
    thread per connection on the two cores the crawl needs, so this one does as little as a
    static server can: parse the request line and headers, write the bytes once."""

    def __init__(self, files: dict[str, tuple[bytes, str]]):
        self.files, self.buffer, self.transport = files, b"", None

    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while b"\r\n\r\n" in self.buffer:
            head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
            lines = head.decode("latin-1").split("\r\n")
            method, path = (lines[0].split(" ") + ["", ""])[:2]
            headers = {k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:])}
            self.respond(method, path.split("?")[0], headers)

    def respond(self, method: str, path: str, headers: dict[str, str]) -> None:
        found = self.files.get(path if not path.endswith("/") else path + "index.html")
        if found is None:
            status, body, extra = "404 Not Found", b"not found", ""
        elif headers.get("if-modified-since") == found[1]:
            status, body, extra = "304 Not Modified", b"", f"Last-Modified: {found[1]}\r\n"
        else:
            ctype = "text/plain" if path.endswith(".txt") else "text/html"
            status, body, extra = "200 OK", found[0], f"Content-Type: {ctype}\r\nLast-Modified: {found[1]}\r\n"
        length = 0 if status.startswith("304") else len(body)
        head = f"HTTP/1.1 {status}\r\n{extra}Content-Length: {length}\r\n\r\n".encode("latin-1")
        self.transport.write(head + body if method != "HEAD" and length else head)


@contextmanager
def static_server(directory: Path):
    """Serve the files under ``directory`` from memory on 127.0.0.1 (Last-Modified from mtime,
    no ETag) in a thread of its own; yields the base URL."""
    files = {
        "/" + str(p.relative_to(directory)): (p.read_bytes(), formatdate(p.stat().st_mtime, usegmt=True))
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }
    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(loop.create_server(lambda: _StaticFiles(files), "127.0.0.1", 0))
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        server.close()
        loop.run_until_complete(server.wait_closed())
        loop.close()


_TICK = os.sysconf("SC_CLK_TCK")


def _sample(pid: int, cpu: dict[int, float]) -> int:
    """Resident memory (KiB) of ``pid`` and all its descendants, from /proc; records the CPU
    seconds (user + system) each has used so far in ``cpu``."""
    total = 0
    for current in {pid, *descendants(pid)}:
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            cpu[current] = (int(fields[11]) + int(fields[12])) / _TICK
        except (OSError, IndexError, ValueError):
            pass
    return total


@dataclass(frozen=True)
class Measured:
    seconds: float  # wall clock
    rss_kib: int  # peak resident memory of the process tree
    status: int  # exit status
    cpu: float  # CPU seconds of the whole process tree (last sample of each process, every 0.1 s)


def run_measured(cmd: list[str], env: dict | None = None, cwd: Path = ROOT) -> Measured:
    """Run ``cmd``; return its wall time, peak RSS and CPU time of the process tree, exit status.
    CPU time is what a shared machine measures best: other loads stretch the wall clock, not it
    (each process's last sample counts: up to 0.1 s of each is missed)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    peak, cpu = 0, {}
    while proc.poll() is None:
        peak = max(peak, _sample(proc.pid, cpu))
        time.sleep(0.1)
    return Measured(time.perf_counter() - start, peak, proc.returncode, sum(cpu.values()))


def median(values) -> float:
    return statistics.median(values)


PY = sys.executable
