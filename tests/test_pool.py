"""The text pool: a worker that dies breaks the pool at once and never hangs its owner."""

from __future__ import annotations

import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.context import ForkServerContext

from crawler.pool import TextPool


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def square(x: int) -> int:
    return x * x


def ends_within(pool: ProcessPoolExecutor, seconds: float) -> bool:
    """Shut ``pool`` down from a thread; whether that returned within ``seconds``."""
    done = threading.Event()
    threading.Thread(target=lambda: (pool.shutdown(wait=True), done.set()), daemon=True).start()
    return done.wait(seconds)


def test_a_healthy_pool_still_works_and_a_dead_worker_is_reported_to_every_pending_job():
    with TextPool(2, mp_context=ForkServerContext()) as pool:
        assert list(pool.map(square, range(10), chunksize=3)) == [x * x for x in range(10)]
    pool = TextPool(2, mp_context=ForkServerContext())
    # the sleeping jobs are work left pending when a worker dies (their sleep is the job, not a wait)
    futures = [pool.submit(die)] + [pool.submit(time.sleep, 0.2) for _ in range(6)]
    assert ends_within(pool, 20)
    outcomes = [type(f.exception(timeout=0)).__name__ if f.exception(timeout=0) else "ok" for f in futures]
    assert outcomes[0] == "BrokenProcessPool"
    assert "BrokenProcessPool" in outcomes[1:]
