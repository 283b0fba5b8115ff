"""Issue 22 case 13: a dead text worker never hangs the command (Python 3.11 too): the surviving
workers are killed, not joined, and the command ends with its one line."""

from __future__ import annotations

import os
import signal
import threading
import time
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.context import ForkServerContext, ForkServerProcess

import pytest

from crawler.commands.rebuild import archive_files, compare
from crawler.demo.server import DemoServer
from crawler.pool import TextPool

from ..conftest import ROOT, pool_workers, run_scrapy
from ..test_incremental import crawl, site  # noqa: F401 (site: a fixture)
from ..test_pool import die, ends_within, square


class SlowStartProcess(ForkServerProcess):
    """A worker whose start returns 0.4 s after the process runs: holds open the window in which
    a submit has a new worker running but not yet in the pool's table, while the pool's manager
    learns that another one died."""

    def start(self):
        super().start()
        time.sleep(0.4)


class SlowStartContext(ForkServerContext):
    Process = SlowStartProcess


def test_a_worker_dying_while_another_is_spawned_breaks_the_pool_without_hanging():
    """Python 3.11's own pool joins the worker spawned during the break forever (its manager marks
    the pool broken without the pool's lock); this one kills it and ends."""
    pool = TextPool(2, mp_context=SlowStartContext())
    dead = pool.submit(die)  # the first worker, dies as soon as it runs
    later = []

    def submit_more():
        try:  # spawns the second worker (0.4 s) while the manager sees the first one die
            later.append(pool.submit(square, 3))
        except BrokenProcessPool:
            pass

    spawner = threading.Thread(target=submit_more)
    spawner.start()
    spawner.join(30)
    assert ends_within(pool, 20), "the pool's shutdown hung after a worker died"
    with pytest.raises(BrokenProcessPool):
        dead.result(timeout=0)
    for future in later:
        with pytest.raises(BrokenProcessPool):
            future.result(timeout=0)


def test_a_rebuild_whose_worker_dies_says_so_in_one_line(site):
    """A text worker killed under a rebuild (the OOM killer, a signal): one error line, exit 1, no
    traceback; the WARC files are untouched and a second rebuild gives the crawl's text archive."""
    import subprocess
    import sys
    import time

    tmp_path, content, seeds = site
    with DemoServer(content_dir=content) as url:
        crawl(tmp_path, seeds, url)
    warcs = {p.name: p.read_bytes() for p in (tmp_path / "archive" / "warc").iterdir()}
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
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    deadline = time.monotonic() + 60
    while not (found := pool_workers(proc.pid)) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    os.kill(found[0], signal.SIGKILL)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1
    assert err.splitlines()[-1].startswith(
        f"error: rebuild from {tmp_path / 'archive' / 'warc'} stopped: a text worker process died ("
    )
    assert "Traceback" not in err
    assert {p.name: p.read_bytes() for p in (tmp_path / "archive" / "warc").iterdir()} == warcs
    # every file the stopped rebuild wrote is whole: the crawl's (the clean run) byte for byte
    crawled, written = archive_files(tmp_path / "archive"), archive_files(tmp_path / "out")
    assert all(path.read_bytes() == crawled[rel].read_bytes() for rel, path in written.items()), sorted(written)
    # and the same rebuild, run again over what it left, gives the crawl's whole text archive
    again = run_scrapy(
        "rebuild",
        str(tmp_path / "out"),
        "--workers",
        "2",
        "-s",
        f"SEEDS_DIR={seeds}",
        "-s",
        f"ARCHIVE_DIR={tmp_path / 'archive'}",
    )
    assert (again.returncode, again.stderr) == (0, ""), again.stderr[-2000:]
    assert compare(tmp_path / "archive", tmp_path / "out") == []
    assert len([rel for rel in crawled if rel.startswith("text/")]) == 7
