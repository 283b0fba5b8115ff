"""Page requisites through a real `scrapy crawl` of the demo /news/ channel: its article pages link
a stylesheet (which references a background image) and one shows an image. Each is fetched once
per crawl whatever the number of pages naming it, archived byte for byte, counted, never a text
file or a manifest line; a re-crawl revalidates them into revisits; the seed option and the caps
bound them."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.demo.server import DemoServer
from crawler.demo.sitegen import build_site

from .conftest import ROOT, run_scrapy

REQUISITES = ["/news/css/article.css", "/news/images/bg.png", "/news/images/c_0506a.png"]


def crawl(tmp_path: Path, url: str, *settings: str, seed_extra: str = "") -> tuple[dict, str]:
    seeds = tmp_path / "seeds"
    seeds.mkdir(exist_ok=True)
    (seeds / "demo-news.yaml").write_text((ROOT / "seeds" / "demo-news.yaml").read_text("utf-8") + seed_extra, "utf-8")
    archive = tmp_path / "archive"
    before = set((archive / "reports").glob("*.json")) if (archive / "reports").is_dir() else set()
    extra = [arg for setting in settings for arg in ("-s", setting)]
    result = run_scrapy(
        "crawl", "demo-news", "-s", f"SEEDS_DIR={seeds}", "-s", f"ARCHIVE_DIR={archive}", *extra, env={"DEMO_SITE": url}
    )
    assert result.returncode == 0, result.stderr[-3000:]
    [report] = set((archive / "reports").glob("*.json")) - before
    [summary] = [line for line in result.stderr.splitlines() if "crawl summary:" in line]
    return json.loads(report.read_text("utf-8")), summary


def requested(log: Path) -> list[tuple[str, str]]:
    """(path, status) of every request the demo server logged for a page requisite."""
    lines = [line.split() for line in log.read_text("utf-8").splitlines()]
    return sorted((path, status) for _, path, status, _ in lines if path.startswith(("/news/css/", "/news/images/")))


def records(archive: Path) -> dict[str, list[tuple[str, bytes]]]:
    """URL path -> (record type, payload) of every response and revisit record."""
    out: dict[str, list[tuple[str, bytes]]] = {}
    for path in sorted((archive / "warc").glob("*.warc.gz")):
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type in ("response", "revisit"):
                    url = record.rec_headers.get_header("WARC-Target-URI")
                    path_part = "/" + url.split("/", 3)[3]
                    out.setdefault(path_part, []).append((record.rec_type, record.content_stream().read()))
    return out


def test_requisites_are_fetched_once_archived_and_never_texts(tmp_path):
    site = build_site()
    with DemoServer(log=tmp_path / "server.log") as url:
        stats, summary = crawl(tmp_path, url)
        # seven article pages link the stylesheet: one request; the stylesheet's url(): one; the image: one
        assert requested(tmp_path / "server.log") == [(p, "200") for p in REQUISITES]
        assert (stats["requisites/requested"], stats["requisites/captured"]) == (3, 3)
        assert "requisites/capped" not in stats and "requisites/failed" not in stats
        assert "; 0 not articles; 3 page requisites; " in summary
        archive = tmp_path / "archive"
        found = records(archive)
        for path in REQUISITES:
            assert found[path] == [("response", site[path].body)], path
        assert len(list((archive / "text" / "demo-news").glob("*.txt"))) == 7 == stats["text/documents"]
        manifest = [json.loads(line) for line in (archive / "manifest.jsonl").read_text("utf-8").splitlines()]
        assert len(manifest) == 7 and not [e for e in manifest if "/news/css/" in e["url"] or "/images/" in e["url"]]

        # eight days on every article is due again: its requisites are revalidated, 304s, revisits
        (tmp_path / "server.log").unlink()
        stats, summary = crawl(tmp_path, url, "STATE_CLOCK_OFFSET=8d")
        assert requested(tmp_path / "server.log") == [(p, "304") for p in REQUISITES]
        assert (stats["requisites/requested"], stats["requisites/captured"]) == (3, 3)
        assert "; 3 page requisites; " in summary
        assert {
            path: [kind for kind, _ in found] for path, found in records(archive).items() if path in REQUISITES
        } == {path: ["response", "revisit"] for path in REQUISITES}


def test_requisites_off_in_the_seed_and_the_crawl_cap(tmp_path):
    with DemoServer(log=tmp_path / "server.log") as url:
        (tmp_path / "off").mkdir()
        stats, summary = crawl(tmp_path / "off", url, seed_extra="requisites: false\n")
        assert requested(tmp_path / "server.log") == []
        assert not [key for key in stats if key.startswith("requisites/")]
        assert "; 0 page requisites; " in summary and stats["text/documents"] == 7

        (tmp_path / "server.log").unlink()
        (tmp_path / "cap").mkdir()
        stats, summary = crawl(tmp_path / "cap", url, "REQUISITES_MAX=1")
        assert len(requested(tmp_path / "server.log")) == 1
        assert (stats["requisites/requested"], stats["requisites/captured"]) == (1, 1)
        assert stats["requisites/capped"] >= 1 and "; 1 page requisites; " in summary


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (
            '<img src="a.png" srcset="b.png 1x, c.png 2x"><img src="data:image/gif;base64,AAAA">',
            ["http://h/d/a.png", "http://h/d/b.png", "http://h/d/c.png"],
        ),
        (
            (
                '<head><base href="http://h/base/"><link rel="stylesheet" href="s.css"><link rel="shortcut icon" href="/f.ico">'
                '<link rel="alternate" href="/feed.xml"><link rel="preload" as="font" href="f.woff2"></head>'
                '<script src="//cdn.h/x.js"></script><script>var a = "b.js";</script>'
            ),
            ["http://h/base/s.css", "http://h/f.ico", "http://h/base/f.woff2", "http://cdn.h/x.js"],
        ),
        (
            (
                '<style>@import "i.css"; .x { background: url( \'bg.jpg\' ) }</style><div style="background:url(d.png#frag)">'
                '<picture><source srcset="p.webp"></picture></div><a href="x.png">x</a>'
            ),
            ["http://h/d/i.css", "http://h/d/bg.jpg", "http://h/d/p.webp", "http://h/d/d.png"],
        ),
        ("", []),
    ],
)
def test_page_requisites_of_html(html, expected):
    from lxml.html import fromstring

    from crawler.requisites import page_requisites

    base = "http://h/d/page.html"
    if "<base" in html:
        base = fromstring(html).xpath("string(//base/@href)")
    assert page_requisites(html, base) == expected


def test_css_requisites_and_stylesheets():
    from crawler.requisites import css_requisites, is_stylesheet

    css = (
        '@font-face { src: url("../fonts/a.woff2") format("woff2"), url(a.ttf); }\n'
        "body { background: url(data:image/png;base64,AA) } .b { background: url('/img/b.png') }"
    )
    assert css_requisites(css, "http://h/css/site.css") == [
        "http://h/fonts/a.woff2",
        "http://h/css/a.ttf",
        "http://h/img/b.png",
    ]
    assert is_stylesheet("http://h/x", "text/css; charset=utf-8") and not is_stylesheet("http://h/x.css", "text/html")
    assert is_stylesheet("http://h/x.css", None)


SAME_SEED = """\
name: same
start_urls: ['{base}/index.html']
allowed_domains: [127.0.0.1]
allow_private: true
articles: ['/a\\d+\\.html$']
follow: ['/index\\.html$']
politeness: {{delay: 0, concurrency: 4, robots: false}}
"""


def test_the_same_requisite_under_two_urls_is_archived_once(tmp_path):
    """Two image URLs with the same bytes (a CDN alias, a resized copy that is not): the first is a
    response record, the second an identical-payload revisit pointing at it (what replay tools
    resolve by WARC-Refers-To-Target-URI and date), a third image with other bytes its own record."""
    import http.server
    import subprocess
    import threading

    image = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
    paragraph = "市图书馆本周延长开放时间，读者可以在晚间借阅图书、参加讲座，并使用新开放的自习区。"
    pages = {
        "/index.html": ("text/html; charset=utf-8", b'<html><body><a href="/a1.html">a</a></body></html>'),
        "/a1.html": (
            "text/html; charset=utf-8",
            (
                "<html><head><title>图书馆延长开放时间</title></head><body><h1>图书馆延长开放时间</h1>"
                + "".join(f"<p>{paragraph}第{n}段。</p>" for n in range(8))
                + '<img src="/img/one.png"><img src="/img/two.png"><img src="/img/other.png"></body></html>'
            ).encode(),
        ),
        "/img/one.png": ("image/png", image),
        "/img/two.png": ("image/png", image),
        "/img/other.png": ("image/png", image[::-1]),
    }

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            content_type, body = pages.get(self.path, ("text/plain", b"not found"))
            self.send_response(200 if self.path in pages else 404)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        seeds = tmp_path / "seeds"
        seeds.mkdir()
        (seeds / "same.yaml").write_text(SAME_SEED.format(base=base), "utf-8")
        archive = tmp_path / "archive"
        result = run_scrapy("crawl", "same", "-s", f"SEEDS_DIR={seeds}", "-s", f"ARCHIVE_DIR={archive}")
    finally:
        server.shutdown()
    assert result.returncode == 0, result.stderr[-3000:]
    found = {}
    for path in sorted((archive / "warc").glob("*.warc.gz")):
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh):
                url = record.rec_headers.get_header("WARC-Target-URI")
                if record.rec_type in ("response", "revisit") and "/img/" in url:
                    found[url.removeprefix(base)] = (
                        record.rec_type,
                        record.rec_headers.get_header("WARC-Profile"),
                        record.rec_headers.get_header("WARC-Refers-To-Target-URI"),
                        record.rec_headers.get_header("WARC-Payload-Digest"),
                        record.content_stream().read(),
                    )
    assert found["/img/other.png"][:3] == ("response", None, None)
    assert found["/img/other.png"][4] == image[::-1]
    first, second = sorted(["/img/one.png", "/img/two.png"], key=lambda p: found[p][0] != "response")
    assert found[first][:3] == ("response", None, None) and found[first][4] == image
    assert found[second][:3] == (
        "revisit",
        "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest",
        base + first,
    )
    assert found[second][3] == found[first][3] and found[second][4] == b""
    [report] = (archive / "reports").glob("*.json")
    stats = json.loads(report.read_text("utf-8"))
    assert (stats["requisites/captured"], stats["requisites/same_payload"]) == (3, 1)
    checked = subprocess.run(
        [
            str(Path(sys.executable).parent / "warcio"),
            "check",
            "-v",
            *map(str, sorted((archive / "warc").glob("*.warc.gz"))),
        ],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stdout[-2000:]
