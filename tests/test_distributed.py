"""Distributed crawls: real redis-server, real `scrapy crawl` worker processes, the real demo site.

Two workers share one archive directory and one Redis; each writes its own WARC files. The
merged archive must hold every article, verify clean, and give the same text files as a
single-process crawl of the same site (apart from the lines that name the capture itself:
`fetched` and `warc`, which differ between any two crawls).
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import redis
from warcio.archiveiterator import ArchiveIterator

from crawler.demo.launcher import wait_until
from crawler.demo.sitegen import expected_articles

from .conftest import ROOT, free_port, run_scrapy

NEWS = sorted(a.path for a in expected_articles() if a.path.startswith("/news/"))
# small concurrency and a delay shared through Redis: both workers get work (even when one of
# them starts a few seconds late on a loaded machine), and the crawl lasts long enough for a
# worker to be killed in the middle of it
WORKER = ["-s", "CONCURRENT_REQUESTS=2", "-s", "DOWNLOAD_DELAY=0.4", "-s", "LOG_LEVEL=INFO"]


def worker(archive: Path, url: str, redis_url: str, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "scrapy",
            "crawl",
            "demo-news",
            "-s",
            f"ARCHIVE_DIR={archive}",
            "-s",
            f"REDIS_URL={redis_url}",
            *WORKER,
            *extra,
        ],
        cwd=ROOT,
        env={**_env(), "DEMO_SITE": url},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _env() -> dict[str, str]:
    import os

    return dict(os.environ)


def responses(archive: Path) -> dict[str, Counter]:
    """Per WARC file: how many response records per URL path."""
    out = {}
    for path in sorted((archive / "warc").glob("*.warc.gz")):
        counts = Counter()
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type == "response":
                    counts[re.sub(r"^https?://[^/]+", "", record.rec_headers.get_header("WARC-Target-URI"))] += 1
        out[path.name] = counts
    return out


def comparable_texts(archive: Path) -> dict[str, str]:
    """Text files without the two front-matter lines that name the capture (fetched, warc)."""
    return {
        p.name: re.sub(r"(?m)^(fetched|warc): .*\n", "", p.read_text("utf-8"))
        for p in sorted((archive / "text").glob("*/*.txt"))
    }


def single_crawl(tmp_path: Path, url: str) -> Path:
    archive = tmp_path / "single"
    result = run_scrapy("crawl", "demo-news", "-s", f"ARCHIVE_DIR={archive}", env={"DEMO_SITE": url})
    assert result.returncode == 0, result.stderr[-3000:]
    assert "listening" not in result.stderr  # no telnet console, no remote control server
    return archive


def verify(archive: Path) -> None:
    result = run_scrapy("verify", "-s", f"ARCHIVE_DIR={archive}")
    assert result.returncode == 0, result.stdout + result.stderr


def test_two_workers_capture_each_article_once_and_equal_a_single_crawl(tmp_path, demo_url, redis_url):
    archive = tmp_path / "archive"
    workers = [worker(archive, demo_url, redis_url) for _ in range(2)]
    for proc in workers:
        proc.communicate(timeout=240)
        assert proc.returncode == 0, proc.stderr[-3000:]
    per_file = responses(archive)
    pids = {name.rsplit("-", 1)[1].split(".")[0] for name in per_file}
    assert len(pids) == 2  # each worker wrote its own files
    total = sum(per_file.values(), Counter())
    assert sorted(p for p in total if p in NEWS) == NEWS
    assert {p: total[p] for p in NEWS} == {p: 1 for p in NEWS}  # each article captured exactly once
    assert all(n == 1 for n in total.values()), total  # nor any other page
    verify(archive)
    assert comparable_texts(archive) == comparable_texts(single_crawl(tmp_path, demo_url))
    # a complete crawl clears the shared frontier: the next run starts from the start URLs again
    assert sorted(redis.Redis.from_url(redis_url).keys("demo-news:*")) == [b"demo-news:requests:leases:seq"]


def test_a_worker_killed_mid_crawl_loses_nothing(tmp_path, demo_url, redis_url):
    archive = tmp_path / "archive"
    state = redis.Redis.from_url(redis_url)
    victim = worker(archive, demo_url, redis_url, "-s", "REDIS_LEASE_SECONDS=3")
    survivor = None
    deadline = time.monotonic() + 60

    def victims_leases() -> int:
        owners = state.hvals("demo-news:requests:leases:owner")
        return sum(1 for owner in owners if owner.split()[0].endswith(f":{victim.pid}".encode()))

    # kill it once it has archived a few pages, while it holds requests in flight
    while not (state.hlen("news-archiver:state") >= 3 and victims_leases() and survivor):
        assert time.monotonic() < deadline and victim.poll() is None, "the first worker ended too soon"
        if survivor is None and state.hlen("news-archiver:state") >= 2:
            survivor = worker(archive, demo_url, redis_url, "-s", "REDIS_LEASE_SECONDS=3")
        time.sleep(0.02)
    victim.send_signal(signal.SIGKILL)
    victim.communicate()
    out, err = survivor.communicate(timeout=240)
    assert survivor.returncode == 0, err[-3000:]
    assert int(re.search(r"'leases/reclaimed': (\d+)", err).group(1)) >= 1, err[
        -3000:
    ]  # its leases came back (deadline)
    total = sum(responses(archive).values(), Counter())
    assert sorted(p for p in total if p in NEWS) == NEWS  # every article archived
    verify(archive)  # the dead worker's .open file was repaired by the survivor
    assert not list((archive / "warc").glob("*.open"))
    assert comparable_texts(archive) == comparable_texts(single_crawl(tmp_path, demo_url))


def test_a_restarted_worker_takes_back_a_dead_workers_leases_at_once(tmp_path, demo_url, redis_url):
    archive = tmp_path / "archive"
    state = redis.Redis.from_url(redis_url)
    long_lease = ["-s", "REDIS_LEASE_SECONDS=3600"]  # only the restart can bring them back in time
    victim = worker(archive, demo_url, redis_url, *long_lease)
    deadline = time.monotonic() + 60
    while not (state.hlen("news-archiver:state") >= 2 and state.zcard("demo-news:requests:leases")):
        assert time.monotonic() < deadline and victim.poll() is None, "the worker ended too soon"
        time.sleep(0.02)
    victim.send_signal(signal.SIGKILL)
    victim.communicate()
    held = state.zcard("demo-news:requests:leases")
    restarted = worker(archive, demo_url, redis_url, *long_lease)
    out, err = restarted.communicate(timeout=240)
    assert restarted.returncode == 0, err[-3000:]
    assert f"{held} requests of stopped workers back in the queue" in err
    assert sorted(p for p in sum(responses(archive).values(), Counter()) if p in NEWS) == NEWS
    verify(archive)


def test_a_second_run_of_a_distributed_crawl_is_incremental(tmp_path, demo_url, redis_url):
    archive = tmp_path / "archive"
    for _run in range(2):
        proc = worker(archive, demo_url, redis_url)
        proc.communicate(timeout=240)
        assert proc.returncode == 0
    kinds = Counter()
    for path in sorted((archive / "warc").glob("*.warc.gz")):
        with open(path, "rb") as fh:
            kinds.update(
                r.rec_headers.get_header("WARC-Profile", r.rec_type).rsplit("/", 1)[-1]
                for r in ArchiveIterator(fh)
                if r.rec_type in ("response", "revisit")
            )
    # second run: list pages revalidated (304 -> revisit), young articles not requested at all
    assert kinds["response"] == sum(responses(archive).values(), Counter()).total()
    assert kinds["server-not-modified"] > 0
    assert sum(1 for p in sum(responses(archive).values(), Counter()) if p in NEWS) == len(NEWS)


def test_unreachable_redis_is_one_line_and_exit_2(tmp_path):
    result = run_scrapy(
        "crawl",
        "demo-news",
        "-s",
        f"ARCHIVE_DIR={tmp_path / 'archive'}",
        "-s",
        f"REDIS_URL=redis://:secret@127.0.0.1:{free_port()}/0",
    )
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if "error" in line.lower()]
    assert len(errors) == 1 and errors == result.stderr.splitlines()[-1:]
    assert errors[0].startswith("error: REDIS_URL redis://***@127.0.0.1:")
    assert errors[0].endswith("Connection refused.); start redis-server or fix REDIS_URL")
    assert "secret" not in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "archive").exists()


def test_a_single_machine_crawl_refuses_an_archive_the_workers_use(tmp_path, demo_url, redis_url):
    archive = tmp_path / "archive"
    proc = worker(archive, demo_url, redis_url, "-s", "DOWNLOAD_DELAY=1")
    client = redis.Redis.from_url(redis_url)
    # the worker has archived a page, so it holds the archive's locks (taken before its first request)
    wait_until(
        lambda: client.hlen("news-archiver:state") >= 1 or proc.poll() is not None, 120, "the worker's first page"
    )
    assert proc.poll() is None, "the worker ended too soon"
    single = run_scrapy("crawl", "demo-news", "-s", f"ARCHIVE_DIR={archive}", env={"DEMO_SITE": demo_url})
    proc.communicate(timeout=240)
    assert proc.returncode == 0
    assert single.returncode == 2
    assert single.stderr.splitlines()[-1] == (
        f"error: {archive}: the workers of a distributed crawl of demo-news are using this archive; "
        "wait for it to finish or set ARCHIVE_DIR to another directory"
    )


def test_redis_lost_mid_crawl_stops_the_worker_cleanly_keeping_what_is_archived(tmp_path, demo_url, redis_url):
    archive = tmp_path / "archive"
    client = redis.Redis.from_url(redis_url)
    proc = worker(archive, demo_url, redis_url, "-s", "DOWNLOAD_DELAY=0.5")
    deadline = time.monotonic() + 60
    while client.hlen("news-archiver:state") < 2:
        assert time.monotonic() < deadline and proc.poll() is None, "the worker ended too soon"
        time.sleep(0.02)
    client.shutdown(nosave=True)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1
    assert err.splitlines()[-1].startswith("error: crawl of demo-news failed: redis unreachable (")
    assert "Traceback" not in err
    assert sum(responses(archive).values(), Counter()).total() >= 2  # what was archived stays
    assert not list((archive / "warc").glob("*.open"))
    verify(archive)
