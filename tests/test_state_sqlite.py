"""The SQLite state opened by several crawls at once (`crawlall --parallel`, two `scrapy crawl`
of one archive): a new state database switched to WAL by two processes at the same moment must
not fail one of them with "database is locked" (SQLite answers that switch without waiting)."""

from __future__ import annotations

import multiprocessing
import sqlite3

from crawler.state import archive_problem
from crawler.state.sqlite import SqliteStateStore


def _open(path: str, barrier, errors) -> None:
    barrier.wait()
    try:
        SqliteStateStore(path).close()
        problem = archive_problem(str(path).rsplit("/", 1)[0])
        if problem:
            errors.put(problem)
    except sqlite3.Error as exc:
        errors.put(str(exc))


def test_many_crawls_opening_a_new_state_at_once_all_succeed(tmp_path):
    ctx = multiprocessing.get_context("fork")
    errors = ctx.Queue()
    for round_ in range(15):
        archive = tmp_path / f"archive-{round_}"
        archive.mkdir()
        barrier = ctx.Barrier(4)
        procs = [ctx.Process(target=_open, args=(str(archive / "state.sqlite"), barrier, errors)) for _ in range(4)]
        for proc in procs:
            proc.start()
        for proc in procs:
            proc.join(60)
            assert proc.exitcode == 0
        db = sqlite3.connect(archive / "state.sqlite")
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        db.close()
    found = []
    while not errors.empty():
        found.append(errors.get())
    assert found == []
