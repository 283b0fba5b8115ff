"""`scrapy crawl` tells the truth in its exit status: a crawl that archived nothing, or no article,
or was stopped by a signal, exits non-zero with one line saying why (a cron job can tell a dead
source from a healthy one)."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from crawler.demo.launcher import wait_until
from crawler.demo.server import DemoServer

from .conftest import ROOT, free_port, run_scrapy

SEED = """\
name: probe
start_urls: ['{start}']
allowed_domains: [{domain}]
{private}articles: ['{articles}']
follow: ['/news/(index|list_\\d+)\\.html$']
politeness: {{delay: 0, concurrency: 8, robots: true}}
"""


def crawl_probe(
    tmp_path: Path,
    start: str,
    articles: str = r"/news/\d{4}/\d{2}/\w+\.html$",
    private: bool = True,
    domain: str = "127.0.0.1",
) -> subprocess.CompletedProcess:
    seeds = tmp_path / "seeds"
    seeds.mkdir(exist_ok=True)
    (seeds / "probe.yaml").write_text(
        SEED.format(start=start, articles=articles, domain=domain, private="allow_private: true\n" if private else "")
    )
    return run_scrapy(
        "crawl",
        "probe",
        "-s",
        f"SEEDS_DIR={seeds}",
        "-s",
        f"ARCHIVE_DIR={tmp_path / 'archive'}",
        "-s",
        "RETRY_TIMES=0",
        "-s",
        "DOWNLOAD_TIMEOUT=5",
        timeout=120,
    )


def last_line(result: subprocess.CompletedProcess) -> str:
    return result.stderr.strip().splitlines()[-1]


def test_a_healthy_crawl_exits_0_and_a_recrawl_summary_counts_revisits(tmp_path, demo_url):
    import re

    result = crawl_probe(tmp_path, f"{demo_url}/news/index.html")
    assert result.returncode == 0, result.stderr[-2000:]
    summary = re.compile(
        r"crawl summary: (\d+) responses captured, (\d+) revisited, (\d+) young articles skipped, "
        r"(\d+) articles derived, 0 without text, 0 failed \(due again\), 0 refused; "
        r"0 not articles; .*; finish reason finished;"
    )
    first = [int(n) for n in summary.search(result.stderr).groups()]
    assert first[1:] == [0, 0, 7] and first[0] >= 7 + 1
    again = crawl_probe(tmp_path, f"{demo_url}/news/index.html")
    assert again.returncode == 0, again.stderr[-2000:]
    second = [int(n) for n in summary.search(again.stderr).groups()]
    assert second[2:] == [7, 0]  # the seven articles are young: not requested, nothing derived
    assert second[1] >= 1  # the list pages were revalidated into revisits


def test_a_start_url_on_loopback_without_allow_private_names_the_key(tmp_path, demo_url):
    result = crawl_probe(tmp_path, f"{demo_url}/news/index.html", private=False)
    assert result.returncode == 1
    assert last_line(result) == (
        "error: crawl of probe failed: nothing archived: start URLs refused as private addresses; "
        "set `allow_private: true` in the seed of probe to crawl a site on this machine or network"
    )


def test_a_start_url_outside_allowed_domains_is_a_seed_error(tmp_path, demo_url):
    result = crawl_probe(tmp_path, f"{demo_url}/news/index.html", domain="example.org")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert (
        f"probe.yaml: key 'start_urls[0]': '{demo_url}/news/index.html': host '127.0.0.1' "
        "is not in allowed_domains ['example.org']"
    ) in result.stderr


def test_a_site_that_is_down_says_unreachable(tmp_path):
    result = crawl_probe(tmp_path, f"http://127.0.0.1:{free_port()}/news/index.html")
    assert result.returncode == 1
    assert last_line(result) == (
        "error: crawl of probe failed: nothing archived: site unreachable (DownloadConnectionRefusedError)"
    )


def test_an_articles_rule_that_matches_nothing_names_a_fetched_page(tmp_path, demo_url):
    result = crawl_probe(tmp_path, f"{demo_url}/news/index.html", articles="/news/*.html")  # a glob, not a regex
    assert result.returncode == 1
    line = last_line(result)
    assert line.startswith("error: crawl of probe failed: ")
    assert line.endswith(
        f"page(s) fetched but none matched the seed's `articles` rule "
        f"(for instance {demo_url}/news/index.html): no article archived"
    )


def test_sigint_before_the_end_exits_non_zero(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    slow = (ROOT / "seeds" / "demo-news.yaml").read_text("utf-8").replace("delay: 0,", "delay: 1,")
    (seeds / "demo-news.yaml").write_text(slow, "utf-8")
    log = tmp_path / "server.log"
    with DemoServer(log=log) as url:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "scrapy",
                "crawl",
                "demo-news",
                "-s",
                f"SEEDS_DIR={seeds}",
                "-s",
                f"ARCHIVE_DIR={tmp_path / 'archive'}",
            ],
            cwd=ROOT,
            env={**__import__("os").environ, "DEMO_SITE": url},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        # interrupted once the crawl is under way (the site has served its second request), long before its end
        wait_until(
            lambda: log.is_file() and len(log.read_text("utf-8").splitlines()) >= 2 or proc.poll() is not None,
            120,
            "the crawl's first requests",
        )
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1
    assert err.strip().splitlines()[-1] == (
        "error: crawl of demo-news failed: interrupted before it finished "
        "(what it archived is kept: run it again to resume)"
    )


def test_scrapy_shell_and_fetch_get_a_page_and_leave_the_archive_alone(demo_url):
    """`scrapy shell --spider` gets its response (the state store works from the shell's reactor
    thread) and neither shell nor fetch writes a record, state or report into ARCHIVE_DIR (here
    the project's own archive/, as a user running them in the project gets)."""

    def tree() -> dict[str, float]:
        return {str(p): p.stat().st_mtime for p in (ROOT / "archive").rglob("*")}

    before = tree()
    common = ["--nolog", "--spider", "demo-news"]
    url = f"{demo_url}/news/index.html"
    shell = run_scrapy("shell", *common, "-c", "(response.status, response.url)", url, env={"DEMO_SITE": demo_url})
    assert shell.returncode == 0, shell.stderr[-2000:]
    assert shell.stdout.strip() == f"(200, '{url}')"
    fetch = run_scrapy("fetch", *common, url, env={"DEMO_SITE": demo_url})
    assert fetch.returncode == 0 and "<title>" in fetch.stdout
    assert tree() == before


def test_the_report_is_named_by_source_start_host_and_pid(tmp_path, demo_url):
    import json
    import re
    import socket

    result = crawl_probe(tmp_path, f"{demo_url}/news/index.html")
    [report] = (tmp_path / "archive" / "reports").iterdir()
    match = re.fullmatch(r"probe-(\d{8}T\d{6})-(.+)-(\d+)\.json", report.name)
    assert match and match.group(2) == socket.gethostname().replace("/", "_")
    stats = json.loads(report.read_text())
    assert stats["start_time"][:19].replace("-", "").replace(":", "") == match.group(1)
    assert result.returncode == 0


def test_the_user_agent_names_the_operators_contact(tmp_path, demo_url):
    """The User-Agent sent (and the warcinfo operator) carry ARCHIVER_CONTACT; without one the agent
    says it is an archiver and names no one."""
    from warcio.archiveiterator import ArchiveIterator

    from crawler import __version__

    for contact, agent in (
        ("", f"scrapy-news-archiver/{__version__} (web archiver; no contact configured)"),
        ("archive@example.org", f"scrapy-news-archiver/{__version__} (+archive@example.org)"),
    ):
        archive = tmp_path / f"a{len(contact)}"
        seeds = tmp_path / "seeds"
        seeds.mkdir(exist_ok=True)
        (seeds / "probe.yaml").write_text(
            SEED.format(
                start=f"{demo_url}/news/index.html",
                articles=r"/news/\d{4}/",
                domain="127.0.0.1",
                private="allow_private: true\n",
            )
        )
        result = run_scrapy(
            "crawl",
            "probe",
            "-s",
            f"SEEDS_DIR={seeds}",
            "-s",
            f"ARCHIVE_DIR={archive}",
            "-s",
            f"ARCHIVER_CONTACT={contact}",
        )
        assert result.returncode == 0, result.stderr[-2000:]
        agents, operators = set(), set()
        for path in (archive / "warc").glob("*.warc.gz"):
            with open(path, "rb") as fh:
                for record in ArchiveIterator(fh):
                    if record.rec_type == "request":
                        agents.add(record.http_headers.get_header("User-Agent"))
                    elif record.rec_type == "warcinfo":
                        text = record.content_stream().read().decode()
                        operators |= {
                            line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("operator:")
                        }
        assert agents == {agent}
        if contact:
            assert operators == {contact}
