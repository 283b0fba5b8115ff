"""Replay in a real pywb: the demo /news/ channel crawled into an archive, then served by pywb's
`wayback` on 127.0.0.1 from the archive's WARC files and from the channel's WACZ package (which
`wacz validate` accepts). The article's text, its stylesheet and its image come back from the
archive, the page requisites with their bytes.

pywb and the `wacz` tools live in their own virtual environment (their pins conflict with
scrapy-redis and this project's Twisted): `make pywb` makes ``.venv-pywb`` (`make test` does it
first); ``PYWB_VENV`` names another one (docs/replay.md).
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from crawler.demo.launcher import ServerError, ServerProcess
from crawler.demo.server import DemoServer
from crawler.demo.sitegen import build_site, expected_articles

from .conftest import ROOT, free_port, run_scrapy

VENV = Path(os.environ.get("PYWB_VENV", ROOT / ".venv-pywb"))
ARTICLE = "/news/2024/05/c_0506a.html"
REQUISITES = ("/news/css/article.css", "/news/images/c_0506a.png", "/news/images/bg.png")


def tool(name: str) -> str:
    path = VENV / "bin" / name
    assert path.exists(), f"{path} not found: run `make pywb` (pywb in its own virtual environment)"
    return str(path)


def run(*args: str, cwd: Path) -> str:
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, f"{' '.join(args)}: {result.stdout[-2000:]}{result.stderr[-2000:]}"
    return result.stdout + result.stderr


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """(archive, the demo site's base URL): one crawl of demo-news, the server then stopped."""
    root = tmp_path_factory.mktemp("replay")
    seeds = root / "seeds"
    seeds.mkdir()
    (seeds / "demo-news.yaml").write_text((ROOT / "seeds" / "demo-news.yaml").read_text("utf-8"), "utf-8")
    with DemoServer() as url:
        result = run_scrapy(
            "crawl",
            "demo-news",
            "-s",
            f"SEEDS_DIR={seeds}",
            "-s",
            f"ARCHIVE_DIR={root / 'archive'}",
            env={"DEMO_SITE": url},
        )
    assert result.returncode == 0, result.stderr[-3000:]
    return root / "archive", url


def captured_at(archive: Path, url: str) -> str:
    """The 14-digit timestamp of the URL's response in the archive's CDXJ index."""
    for line in (archive / "index.cdxj").read_text("utf-8").splitlines():
        _, stamp, block = line.split(" ", 2)
        if json.loads(block)["url"] == url:
            return stamp
    raise AssertionError(f"{url} not in index.cdxj")


class Wayback(ServerProcess):
    """``with Wayback(directory) as base:`` runs pywb's ``wayback`` on a free loopback port, its
    output in ``directory/wayback.log`` (shown when it does not start); started once ``/`` answers."""

    def __init__(self, directory: Path):
        port = free_port()
        self.directory = directory
        super().__init__(
            [tool("wayback"), "--bind", "127.0.0.1", "--port", str(port)],
            url=f"http://127.0.0.1:{port}",
            ready=answers_http,
            cwd=directory,
            stderr=subprocess.STDOUT,
        )

    def __enter__(self) -> str:
        with open(self.directory / "wayback.log", "wb") as log:  # the process has its own descriptor
            self.popen["stdout"] = log
            try:
                return super().__enter__()
            except (ServerError, AssertionError) as exc:
                raise AssertionError(
                    f"{exc}\n{(self.directory / 'wayback.log').read_text('utf-8', 'replace')}"
                ) from None


def answers_http(base: str) -> bool:
    try:
        urllib.request.urlopen(base + "/", timeout=2).read()
        return True
    except (urllib.error.URLError, ConnectionError, OSError):
        return False


def fetch(url: str) -> tuple[str, bytes]:
    """(Content-Type, body) of a replayed resource, a gzip Content-Encoding undone."""
    with urllib.request.urlopen(url, timeout=30) as response:
        body = response.read()
        if response.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        return response.headers.get("Content-Type", ""), body


def check_replay(base: str, collection: str, archive: Path, site_url: str) -> None:
    """The article replays (rewritten, as a browser gets it) with its text, and its stylesheet,
    image and the stylesheet's background image come back with the bytes the site served."""
    served = build_site()
    page = site_url + ARTICLE
    stamp = captured_at(archive, page)
    kind, body = fetch(f"{base}/{collection}/{stamp}mp_/{page}")
    html = body.decode("utf-8")
    assert kind.startswith("text/html")
    [article] = [a for a in expected_articles() if a.path == ARTICLE]
    assert article.title in html and all(p in html for p in article.paragraphs)
    # pywb points the page's requisites at the archive: stylesheet (cs_) and image (im_) modes
    assert f'href="/{collection}/{stamp}cs_/{site_url}/news/css/article.css"' in html
    assert f'src="/{collection}/{stamp}im_/{site_url}/news/images/c_0506a.png"' in html
    _, image = fetch(f"{base}/{collection}/{stamp}im_/{site_url}/news/images/c_0506a.png")
    assert image == served["/news/images/c_0506a.png"].body
    _, css = fetch(f"{base}/{collection}/{stamp}cs_/{site_url}/news/css/article.css")
    assert f"/{collection}/{stamp}oe_/{site_url}/news/images/bg.png" in css.decode("utf-8")
    for path in REQUISITES:  # id_: the archived bytes as they are
        kind, got = fetch(f"{base}/{collection}/{stamp}id_/{site_url}{path}")
        assert got == served[path].body, path
        assert kind == dict(served[path].headers)["Content-Type"], path


def test_pywb_replays_an_article_with_its_stylesheet_and_image_from_the_warcs(crawled, tmp_path):
    archive, site_url = crawled
    run(tool("wb-manager"), "init", "news", cwd=tmp_path)
    run(tool("wb-manager"), "add", "news", *map(str, sorted((archive / "warc").glob("*.warc.gz"))), cwd=tmp_path)
    with Wayback(tmp_path) as base:
        check_replay(base, "news", archive, site_url)


def test_the_demo_wacz_validates_and_replays_in_pywb(crawled, tmp_path):
    archive, site_url = crawled
    package = tmp_path / "news.wacz"
    result = run_scrapy("export", "-s", f"ARCHIVE_DIR={archive}", "--wacz", str(package), "--source", "demo-news")
    assert result.returncode == 0, result.stderr
    assert (
        "validation succeeded, the passed wacz is valid"
        in run(tool("wacz"), "validate", "-f", str(package), cwd=tmp_path).lower()
    )
    run(tool("wb-manager"), "init", "pack", cwd=tmp_path)
    run(tool("wb-manager"), "add", "--unpack-wacz", "pack", str(package), cwd=tmp_path)
    with Wayback(tmp_path) as base:
        check_replay(base, "pack", archive, site_url)
