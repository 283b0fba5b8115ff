"""Re-crawls against the real demo server: revalidation, revisit records, changed and new pages,
the archive lock, `scrapy rebuild --check` and `scrapy verify` after each step."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from warcio.archiveiterator import ArchiveIterator

from crawler.demo.launcher import wait_until
from crawler.demo.server import DemoServer
from crawler.demo.sitegen import CONTENT_DIR
from crawler.state.lock import ArchiveLock

from .conftest import ROOT, alive, descendants, run_scrapy

ARTICLES = 7  # /news/ articles of the demo site


@pytest.fixture()
def site(tmp_path):
    """A private copy of the demo content, a seed that revalidates every article, a server log."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, content)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    seed = (ROOT / "seeds" / "demo-news.yaml").read_text("utf-8") + "refresh: {articles_after: 0s}\n"
    (seeds / "demo-news.yaml").write_text(seed, "utf-8")
    return tmp_path, content, seeds


def crawl(tmp_path: Path, seeds: Path, url: str):
    result = run_scrapy(
        "crawl",
        "demo-news",
        "-s",
        f"SEEDS_DIR={seeds}",
        "-s",
        f"ARCHIVE_DIR={tmp_path / 'archive'}",
        env={"DEMO_SITE": url},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def texts(tmp_path: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((tmp_path / "archive" / "text").glob("*/*.txt"))}


def served(log: Path) -> list[tuple[str, int, int]]:
    """(path, status, body bytes) per request the server saw."""
    out = []
    for line in log.read_text().splitlines():
        method, path, status, size = line.split()[:4]
        out.append((path, int(status), int(size)))
    return out


def body(text: bytes) -> bytes:
    return text.split(b"---\n", 2)[2]


def records(tmp_path: Path) -> list[tuple[str, str | None]]:
    out = []
    for path in sorted((tmp_path / "archive" / "warc").glob("*.warc.gz")):
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh):
                out.append((record.rec_type, record.rec_headers.get_header("WARC-Profile")))
    return out


def archive_is_consistent(tmp_path: Path, seeds: Path) -> None:
    archive = tmp_path / "archive"
    check = run_scrapy("rebuild", "--check", "-s", f"ARCHIVE_DIR={archive}", "-s", f"SEEDS_DIR={seeds}")
    assert check.stdout == "rebuild --check: 0 difference(s)\n", check.stdout + check.stderr
    verify = run_scrapy("verify", "-s", f"ARCHIVE_DIR={archive}")
    assert verify.returncode == 0, verify.stdout


def edit(content: Path, change) -> None:
    path = content / "news.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    change(data["articles"])
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")


def test_unchanged_changed_and_new_pages(site):
    tmp_path, content, seeds = site
    log = tmp_path / "server.log"
    with DemoServer(content_dir=content, log=log) as url:
        crawl(tmp_path, seeds, url)
        first = texts(tmp_path)
        assert len(first) == ARTICLES
        archive_is_consistent(tmp_path, seeds)

        # 1. unchanged: every known URL revalidated, no article body sent, revisits written
        log.write_text("")
        crawl(tmp_path, seeds, url)
        second = served(log)
        articles = [r for r in second if "/2024/" in r[0]]
        assert len(articles) == ARTICLES and all(status == 304 and size == 0 for _, status, size in articles)
        assert records(tmp_path).count(
            ("revisit", "http://netpreserve.org/warc/1.1/revisit/server-not-modified")
        ) == len(second)
        assert texts(tmp_path) == first
        archive_is_consistent(tmp_path, seeds)

        # 2. one article changed: exactly its text changes; pages whose bytes changed with it (their
        # "related" teasers quote its first line) are captured again, their text files stay byte-identical
        edit(
            content,
            lambda items: items[1]["paragraphs"].__setitem__(
                0, "记者8日获悉，首批楼道长已经全部上岗，人数增加到1300名。"
            ),
        )
        log.write_text("")
        crawl(tmp_path, seeds, url)
        third = texts(tmp_path)
        refetched = {path for path, status, _ in served(log) if status == 200 and "/2024/" in path}
        changed_body = sorted(n for n in first if body(first[n]) != body(third[n]))
        assert len(changed_body) == 1
        assert "首批楼道长已经全部上岗，人数增加到1300名。" in third[changed_body[0]].decode()
        assert "/news/2024/05/c_0508b.html" in refetched
        assert len(refetched) > 1 and [n for n in first if first[n] != third[n]] == changed_body
        manifest = {
            m["id"]: m
            for m in map(json.loads, (tmp_path / "archive" / "manifest.jsonl").read_text("utf-8").splitlines())
        }
        changed = manifest[changed_body[0].removesuffix(".txt")]
        assert [(h["event"], h["fetched"]) for h in changed["history"]] == [("edited", changed["fetched"])]
        assert changed["history"][0]["previous"]["payload_digest"] != changed["warc"]["payload_digest"]
        assert changed["history"][0]["previous"]["fetched"] < changed["fetched"]
        assert [m["id"] for m in manifest.values() if "history" in m] == [changed["id"]]
        archive_is_consistent(tmp_path, seeds)

        # 3. one article added: exactly one more text file
        def add(items):
            new = dict(items[0], slug="2024/05/c_0531z", title="社区夜校开课 志愿者教居民使用智能手机")
            new["paragraphs"] = [
                "5月31日晚，梧桐社区夜校开课，十名大学生志愿者手把手教老人使用智能手机挂号和缴费。",
                "夜校每周开课两次，课程由社区根据居民报名情况安排，全部免费。",
            ]
            items.append(new)

        edit(content, add)
        crawl(tmp_path, seeds, url)
        fourth = texts(tmp_path)
        assert sorted(set(fourth) - set(third)) != [] and len(fourth) == ARTICLES + 1
        assert {k: body(v) for k, v in fourth.items() if k in third} == {k: body(v) for k, v in third.items()}
        archive_is_consistent(tmp_path, seeds)
    manifest = [json.loads(x) for x in (tmp_path / "archive" / "manifest.jsonl").read_text("utf-8").splitlines()]
    assert [m["id"] for m in manifest] == sorted(m["id"] for m in manifest) and len(manifest) == ARTICLES + 1


def test_a_second_crawl_of_a_locked_archive_refuses(site):
    tmp_path, _, seeds = site
    archive = tmp_path / "archive"
    with ArchiveLock(archive):
        result = run_scrapy("crawl", "demo-news", "-s", f"SEEDS_DIR={seeds}", "-s", f"ARCHIVE_DIR={archive}")
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1].startswith(f"error: {archive}: another process (pid ")
    assert "Traceback" not in result.stderr
    assert not (archive / "warc").exists()


def test_verify_names_a_tampered_text_file_and_warc_file(site):
    tmp_path, content, seeds = site
    with DemoServer(content_dir=content) as url:
        crawl(tmp_path, seeds, url)
    archive = tmp_path / "archive"
    text = sorted((archive / "text").glob("*/*.txt"))[0]
    text.write_bytes(text.read_bytes().replace("，".encode(), "。".encode(), 1))
    warc = sorted((archive / "warc").glob("*.warc.gz"))[0]
    data = bytearray(warc.read_bytes())
    data[len(data) // 2] ^= 0xFF
    warc.write_bytes(bytes(data))
    verify = run_scrapy("verify", "-s", f"ARCHIVE_DIR={archive}")
    assert verify.returncode == 1
    assert f"{text}: sha256 differs from the manifest (file changed?)" in verify.stdout.splitlines()
    assert any(line.startswith(str(warc)) for line in verify.stdout.splitlines())


def test_sigkill_at_any_moment_then_resume_loses_nothing(site):
    """Kill the crawl ten times at different moments, resume each time, then finish: every
    article archived and derived, every WARC valid, the text archive equal to a rebuild."""
    import signal
    import subprocess
    import sys

    tmp_path, content, seeds = site
    slow = (
        (seeds / "demo-news.yaml")
        .read_text("utf-8")
        .replace("refresh: {articles_after: 0s}", "refresh: {articles_after: 1d}")
    )
    (seeds / "demo-news.yaml").write_text(slow.replace("delay: 0,", "delay: 0.15,"), "utf-8")
    archive = tmp_path / "archive"
    args = [
        sys.executable,
        "-m",
        "scrapy",
        "crawl",
        "demo-news",
        "-s",
        f"SEEDS_DIR={seeds}",
        "-s",
        f"ARCHIVE_DIR={archive}",
        "-s",
        "LOG_LEVEL=WARNING",
        "-s",
        "CONCURRENT_REQUESTS_PER_DOMAIN=1",
    ]
    log = tmp_path / "server.log"
    with DemoServer(content_dir=content, log=log) as url:
        for n in range(10):
            log.write_text("")
            proc = subprocess.Popen(
                args,
                cwd=ROOT,
                env={**__import__("os").environ, "DEMO_SITE": url},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            # the n-th run is killed as the site serves its (2n + 1)-th request: a moment later in each run
            wait_until(
                lambda n=n, proc=proc: len(log.read_text("utf-8").splitlines()) > 2 * n or proc.poll() is not None,
                120,
                f"request {2 * n + 1} of run {n + 1}",
            )
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        crawl(tmp_path, seeds, url)
    assert len(texts(tmp_path)) == ARTICLES
    assert not list((archive / "warc").glob("*.open"))
    archive_is_consistent(tmp_path, seeds)


def kill_once_pooled(args: list[str], at_least: int, env: dict[str, str] | None = None) -> list[int]:
    """Run ``args``, SIGKILL it once it has ``at_least`` descendant processes (its text pool runs),
    and return those descendants' pids."""
    import os
    import signal
    import subprocess
    import time

    proc = subprocess.Popen(
        args, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    while len(below := descendants(proc.pid)) < at_least and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return below


def all_end(pids: list[int], within: float = 15) -> list[int]:
    """The pids still alive after ``within`` seconds (an empty list when all have ended)."""
    import time

    deadline = time.monotonic() + within
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return [pid for pid in pids if alive(pid)]


def test_no_process_of_a_sigkilled_crawl_lives_on(site):
    """The text workers, their forkserver and the resource tracker end with the crawl, even when
    it is SIGKILLed and cannot shut its pool down."""
    import sys

    tmp_path, content, seeds = site
    slow = (seeds / "demo-news.yaml").read_text("utf-8")
    (seeds / "demo-news.yaml").write_text(slow.replace("delay: 0,", "delay: 0.3,"), "utf-8")
    args = [
        sys.executable,
        "-m",
        "scrapy",
        "crawl",
        "demo-news",
        "-s",
        f"SEEDS_DIR={seeds}",
        "-s",
        f"ARCHIVE_DIR={tmp_path / 'archive'}",
        "-s",
        "LOG_LEVEL=WARNING",
    ]
    with DemoServer(content_dir=content) as url:
        below = kill_once_pooled(args, 3, {"DEMO_SITE": url})  # forkserver, a worker, resource tracker
    assert len(below) >= 3
    assert all_end(below) == []


def test_no_process_of_a_sigkilled_rebuild_lives_on(site):
    """As for a crawl: `scrapy rebuild --workers 2` SIGKILLed while its pool runs leaves nothing."""
    import sys

    tmp_path, content, seeds = site
    with DemoServer(content_dir=content) as url:
        crawl(tmp_path, seeds, url)
    args = [
        sys.executable,
        "-m",
        "scrapy",
        "rebuild",
        str(tmp_path / "out"),
        "--workers",
        "2",
        "-s",
        f"SEEDS_DIR={seeds}",
        "-s",
        f"ARCHIVE_DIR={tmp_path / 'archive'}",
    ]
    below = kill_once_pooled(args, 2)  # the forkserver and the resource tracker at least
    assert len(below) >= 2
    assert all_end(below) == []


def test_rebuild_uses_one_worker_per_core_by_default(site):
    """TEXT_WORKERS = 0 (the default) means one process per core for `scrapy rebuild`, as for the
    crawl; the setting and --workers still choose."""
    import os

    tmp_path, content, seeds = site
    with DemoServer(content_dir=content) as url:
        crawl(tmp_path, seeds, url)
    common = ["-s", f"SEEDS_DIR={seeds}", "-s", f"ARCHIVE_DIR={tmp_path / 'archive'}"]
    cores = os.cpu_count()
    for extra, workers in (([], cores), (["-s", "TEXT_WORKERS=1"], 1), (["--workers", "3"], 3)):
        out = tmp_path / f"out-{workers}-{len(extra)}"
        result = run_scrapy("rebuild", str(out), *extra, *common)
        assert result.returncode == 0, result.stderr[-2000:]
        assert f"rebuilt {ARTICLES} documents into {out} with {workers} worker(s): " in result.stdout
    # `rebuild DIR --check` checks DIR (an earlier rebuild's output), not the archive
    text = sorted(out.glob("text/*/*.txt"))[0]
    check = run_scrapy("rebuild", str(out), "--check", *common)
    assert check.returncode == 0 and check.stdout.splitlines()[-1] == "rebuild --check: 0 difference(s)"
    text.write_text(text.read_text("utf-8") + "改动\n", "utf-8")
    check = run_scrapy("rebuild", str(out), "--check", *common)
    assert check.returncode == 1
    assert check.stdout.splitlines() == [f"{text}: differs from the rebuild", "rebuild --check: 1 difference(s)"]


def test_a_record_written_but_not_committed_before_a_crash_is_committed_by_the_next_crawl(site):
    """A SIGKILL between writing an article's response record and committing its state: the next
    crawl repairs the crashed run's .open file and commits that record, so it revalidates the
    article instead of fetching it as new and derives no second copy; the text comes from the first record, as in a
    rebuild. (Made here by undoing the commit and the derivation of a finished crawl and leaving
    its last WARC file .open, as a killed process leaves it.)"""
    import sqlite3

    from crawler.text.model import document_id

    tmp_path, content, seeds = site
    archive = tmp_path / "archive"
    log = tmp_path / "server.log"
    with DemoServer(content_dir=content, log=log) as url:
        crawl(tmp_path, seeds, url)
        [last] = sorted((archive / "warc").glob("*.warc.gz"))[-1:]
        with open(last, "rb") as fh:
            articles = [
                r.rec_headers.get_header("WARC-Target-URI")
                for r in ArchiveIterator(fh)
                if r.rec_type == "response" and "/news/2024/" in (r.rec_headers.get_header("WARC-Target-URI") or "")
            ]
        page = articles[0]
        db = sqlite3.connect(archive / "state.sqlite")
        with db:
            db.execute("DELETE FROM urls WHERE url = ?", (page,))
        db.close()
        for derived in (archive / "derived" / "demo-news").glob(f"{document_id(page)}.*"):
            derived.unlink()
        (archive / "text" / "demo-news" / f"{document_id(page)}.txt").unlink()
        last.rename(last.with_name(last.name + ".open"))
        log.write_text("")
        result = crawl(tmp_path, seeds, url)
        # revalidated (the seed revalidates every article), not fetched as new: a 304
        assert [status for path, status, _ in served(log) if path == page.removeprefix(url)] == [304]
        report = json.loads(sorted((archive / "reports").glob("*.json"))[-1].read_text("utf-8"))
        assert report["state/recommitted"] >= 1 and report["text/recovered"] == 1, result.stderr[-2000:]
    assert (archive / "text" / "demo-news" / f"{document_id(page)}.txt").is_file()
    archive_is_consistent(tmp_path, seeds)
