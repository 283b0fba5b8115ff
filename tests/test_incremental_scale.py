"""Re-crawls and resumes at the size users run them (issue 25): a generated channel of 1,000+
articles and 250+ paginated list pages (crawler/demo/bulk.py) on the real demo server, crawled
by the real `scrapy crawl` with the state's clock moved (`STATE_CLOCK_OFFSET`).

The archive is built as a daily crawl builds it, so that a re-crawl meets young and due articles
at once (articles_after: 7d, the default):

    -7d+30m  first crawl of the channel when it had 20 articles
     0       the channel has 1,000: 980 new captured, the 20 old ones are young (not requested)
    +1h      20 new articles, the 20 old ones edited (due: re-derived), 5 young ones edited (not
             requested), every list page shifted by the new articles
    +8d+1h   nothing changed on the site since: every article revalidated, the 5 edited young
             ones re-derived, the rest revisits
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from crawler.demo.bulk import BulkSpec, expected_text, seed
from crawler.demo.server import DemoServer

from .conftest import ROOT, run_scrapy

DAY, HOUR = 86400, 3600
SEED = seed()
ARTICLE = re.compile(r"^/big/\d{4}/\d{2}/c_(\d+)\.html$")
LIST = re.compile(r"^/big/(index|list_\d+)\.html$")


@dataclass
class Channel:
    root: Path
    content: Path
    seeds: Path
    log: Path
    url: str

    def publish(self, articles: int, changed: tuple[int, ...] = ()) -> BulkSpec:
        """What the site serves from now on (the server rebuilds it on the next request)."""
        data = {"name": "big", "articles": articles, "per_page": 4, "changed": list(changed)}
        (self.content / "big.yaml").write_text(yaml.safe_dump({"bulk": data}), "utf-8")
        return BulkSpec.from_data(data)

    def args(self, archive: Path, offset: float) -> list[str]:
        return [
            "crawl",
            "big",
            "-s",
            f"SEEDS_DIR={self.seeds}",
            "-s",
            f"ARCHIVE_DIR={archive}",
            "-s",
            f"STATE_CLOCK_OFFSET={offset:.0f}",
        ]

    def crawl(self, archive: Path, offset: float) -> tuple[dict, list[tuple[str, int]], str]:
        """One crawl at ``offset``: (its stats report, (path, status) per request the server saw, stderr)."""
        self.log.write_text("")
        result = run_scrapy(*self.args(archive, offset), env={"DEMO_SITE": self.url})
        assert result.returncode == 0, result.stderr[-3000:]
        assert "Traceback" not in result.stderr
        return report(archive), served(self.log), result.stderr


def served(log: Path) -> list[tuple[str, int]]:
    return [(line.split()[1], int(line.split()[2])) for line in log.read_text().splitlines()]


def report(archive: Path) -> dict:
    latest = max((archive / "reports").glob("big-*.json"), key=lambda p: p.stat().st_mtime_ns)
    return json.loads(latest.read_text("utf-8"))


def texts(archive: Path) -> dict[int, str]:
    """Article number -> its text file, without the lines naming the capture (fetch time, record)."""
    out = {}
    for path in (archive / "text" / "big").glob("*.txt"):
        text = path.read_text("utf-8")
        number = int(re.search(r"^url: \S+/c_(\d+)\.html$", text, re.M).group(1))
        out[number] = re.sub(r"^(fetched|warc): .*\n", "", text, flags=re.M)
    return out


def body(text: str) -> str:
    return text.split("---\n", 2)[2]


def expected_body(spec: BulkSpec, number: int) -> str:
    title, paragraphs = expected_text(spec, number)
    return title + "\n" + "\n".join(paragraphs) + "\n"


def articles_requested(requests: list[tuple[str, int]]) -> list[int]:
    return sorted(int(m.group(1)) for path, _ in requests if (m := ARTICLE.match(path)))


def lists_requested(requests: list[tuple[str, int]]) -> list[tuple[str, int]]:
    return sorted((path, status) for path, status in requests if LIST.match(path))


def list_paths(count: int) -> list[str]:
    return sorted(["/big/index.html"] + [f"/big/list_{n}.html" for n in range(2, count + 1)])


@pytest.fixture(scope="module")
def channel(tmp_path_factory):
    root = tmp_path_factory.mktemp("bulk")
    (root / "content").mkdir()
    (root / "seeds").mkdir()
    (root / "seeds" / "big.yaml").write_text(SEED, "utf-8")
    site = Channel(root, root / "content", root / "seeds", root / "server.log", "")
    site.publish(20)
    with DemoServer(content_dir=site.content, log=site.log) as url:
        site.url = url
        yield site


@pytest.fixture(scope="module")
def first_crawl(channel):
    """The archive after the crawls at -7d+30m and 0 (module scope: the re-crawl test goes on
    with it), and the texts of the 1,000 articles then."""
    archive = channel.root / "archive"
    channel.publish(20)
    stats, requests, _ = channel.crawl(archive, -(7 * DAY - 1800))
    assert articles_requested(requests) == list(range(20)) and stats["text/documents"] == 20

    spec = channel.publish(1000)
    stats, requests, _ = channel.crawl(archive, 0)
    assert articles_requested(requests) == list(range(20, 1000))  # the 20 old ones are young
    assert lists_requested(requests) == [(p, 200) for p in list_paths(250)]
    assert stats["incremental/skipped/fresh"] == 20
    assert stats["incremental/revalidated"] == 1 + 5  # robots.txt and the 5 list pages known
    assert stats["text/documents"] == 980
    found = texts(archive)
    assert sorted(found) == list(range(1000))
    assert all(body(found[n]) == expected_body(spec, n) for n in found)
    return archive, found


def test_recrawl_an_hour_later_then_eight_days_later(channel, first_crawl):
    archive, first = first_crawl

    # +1h: only the list pages (every one shifted by 20 new articles) and the due articles
    spec = channel.publish(1020, changed=(*range(20), 500, 501, 502, 503, 504))
    stats, requests, stderr = channel.crawl(archive, HOUR)
    assert articles_requested(requests) == [*range(20), *range(1000, 1020)]
    assert lists_requested(requests) == [(p, 200) for p in list_paths(255)]
    assert len(requests) == 1 + 255 + 40  # robots.txt, list pages, due and new articles
    assert stats["downloader/request_count"] == len(requests)
    assert stats["incremental/skipped/fresh"] == 980  # the edited young ones among them
    assert stats["incremental/revalidated"] == 1 + 250 + 20
    assert stats["incremental/not_modified"] == 1
    assert stats["warc/records/response"] == 255 + 40 and stats["warc/records/revisit"] == 1
    assert stats["text/documents"] == 40
    assert not any(key.startswith(("hostguard/", "crawl/failed")) for key in stats)
    assert stats["finish_reason"] == "finished"
    assert (
        "crawl summary: 295 responses captured, 1 revisited, 980 young articles skipped, 40 articles derived, "
        "0 without text, 0 failed (due again), 0 refused; 0 not articles; "
    ) in stderr
    after = texts(archive)
    assert sorted(after) == list(range(1020))
    edited = [n for n in range(1000) if after[n] != first[n]]
    assert edited == list(range(20))  # re-derived; the edited young ones keep the text archived
    assert all(body(after[n]) == expected_body(spec, n) for n in [*range(20), *range(1000, 1020)])
    assert all(body(after[n]) != expected_body(spec, n) for n in range(500, 505))

    # +8d+1h: every article revalidated; the 5 edited ones re-derived, all else revisits
    stats, requests, stderr = channel.crawl(archive, 8 * DAY + HOUR)
    assert articles_requested(requests) == list(range(1020))
    assert sorted(status for path, status in requests if ARTICLE.match(path)) == [200] * 5 + [304] * 1015
    assert lists_requested(requests) == [(p, 304) for p in list_paths(255)]
    assert stats["incremental/revalidated"] == len(requests) == 1 + 255 + 1020
    assert "incremental/skipped/fresh" not in stats
    assert stats["warc/records/revisit"] == stats["incremental/not_modified"] == 1 + 255 + 1015
    assert stats["warc/records/response"] == 5 and stats["text/documents"] == 5
    assert (
        "crawl summary: 5 responses captured, 1271 revisited, 0 young articles skipped, 5 articles derived, "
        "0 without text, 0 failed (due again), 0 refused; 0 not articles; "
    ) in stderr
    final = texts(archive)
    assert all(body(final[n]) == expected_body(spec, n) for n in range(1020))
    assert [n for n in range(1020) if final[n] != after[n]] == [500, 501, 502, 503, 504]


def test_sigkill_at_several_moments_then_resume_gives_the_texts_of_an_uninterrupted_crawl(channel, first_crawl):
    """The 1,000-article crawl of an empty archive, SIGKILLed three times (after 150, 400 and 650
    requests of a run reached the server), then resumed: exit 0, the texts of `first_crawl`."""
    _, uninterrupted = first_crawl
    channel.publish(1000)
    archive = channel.root / "resumed"
    cmd = [sys.executable, "-m", "scrapy", *channel.args(archive, 0), "-s", "LOG_LEVEL=WARNING"]
    for at in (150, 400, 650):
        channel.log.write_text("")
        proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env={**os.environ, "DEMO_SITE": channel.url},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 120
        while len(served(channel.log)) < at and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        assert proc.wait() == -signal.SIGKILL  # killed mid-crawl, not finished
    stats, requests, _ = channel.crawl(archive, 0)
    archived_before = stats["incremental/skipped/fresh"]
    assert 150 <= archived_before < 1000  # the kills left work done and work to do
    assert len(articles_requested(requests)) == 1000 - archived_before
    assert texts(archive) == uninterrupted
    assert not list((archive / "warc").glob("*.open"))
    verify = run_scrapy("verify", "-s", f"ARCHIVE_DIR={archive}")
    assert verify.returncode == 0, verify.stdout[-2000:]


def test_a_clock_offset_that_is_not_a_duration_is_one_line(channel, tmp_path):
    result = run_scrapy(
        "crawl",
        "big",
        "-s",
        f"SEEDS_DIR={channel.seeds}",
        "-s",
        f"ARCHIVE_DIR={tmp_path}",
        "-s",
        "STATE_CLOCK_OFFSET=next week",
    )
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        "error: STATE_CLOCK_OFFSET 'next week': not a duration (seconds, or N followed by s, m, h or d, e.g. 8d or -1h)"
    )
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "warc").exists()
