"""The text pool: a worker that dies breaks the pool at once and never hangs its owner."""

from __future__ import annotations

import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.context import ForkServerContext, ForkServerProcess

import pytest

from crawler.pool import TextPool


class SlowStartProcess(ForkServerProcess):
    """A worker whose start returns 0.4 s after the process runs: holds open the window in which
    a submit has a new worker running but not yet in the pool's table, while the pool's manager
    learns that another one died."""

    def start(self):
        super().start()
        time.sleep(0.4)


class SlowStartContext(ForkServerContext):
    Process = SlowStartProcess


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def square(x: int) -> int:
    return x * x


def ends_within(pool: ProcessPoolExecutor, seconds: float) -> bool:
    """Shut ``pool`` down from a thread; whether that returned within ``seconds``."""
    done = threading.Event()
    threading.Thread(target=lambda: (pool.shutdown(wait=True), done.set()), daemon=True).start()
    return done.wait(seconds)


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


def test_a_healthy_pool_still_works_and_a_dead_worker_is_reported_to_every_pending_job():
    with TextPool(2, mp_context=ForkServerContext()) as pool:
        assert list(pool.map(square, range(10), chunksize=3)) == [x * x for x in range(10)]
    pool = TextPool(2, mp_context=ForkServerContext())
    futures = [pool.submit(die)] + [pool.submit(time.sleep, 0.2) for _ in range(6)]
    assert ends_within(pool, 20)
    outcomes = [type(f.exception(timeout=0)).__name__ if f.exception(timeout=0) else "ok" for f in futures]
    assert outcomes[0] == "BrokenProcessPool"
    assert "BrokenProcessPool" in outcomes[1:]
