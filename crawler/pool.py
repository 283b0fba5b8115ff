"""The text process pool: the one pool kind the crawl, ``rebuild`` and ``extract`` use.

Pure (no Scrapy). Workers start from a forkserver (a crawl process runs a reactor and threads that
a fork would copy), end with the process that owns them even when it is SIGKILLed, and a worker
that dies never hangs its owner: the pool breaks, every other worker is killed, and the owner
gets ``BrokenProcessPool`` at once.
"""

from __future__ import annotations

import multiprocessing
import os
import select
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import process as _cf_process

#: the modules the forkserver imports once, so that each worker starts in milliseconds: the text
#: steps (trafilatura, ~1 s) and the publish's (numpy); not Scrapy
PRELOAD = ["crawler.workers", "crawler.text.derivation", "crawler.text.sitewide", "crawler.text.dedup"]


def text_context() -> multiprocessing.context.BaseContext:
    """The process context of text workers: forkserver, with the text steps preloaded."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def pool_size(setting: int) -> int:
    """Processes of a text pool from ``TEXT_WORKERS`` (or a ``--workers`` option): 0 is one per core.
    The one reading of that setting, for the crawl and every command with workers."""
    return setting if setting > 0 else (os.cpu_count() or 1)


def text_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` text processes owned by this process."""
    return TextPool(workers, mp_context=text_context(), initializer=exit_with, initargs=(os.getpid(),))


class _ManagerThread(_cf_process._ExecutorManagerThread):
    """Python 3.11's manager thread with 3.12's handling of a dead worker.

    Hand-written because 3.11's ``terminate_broken`` marks the pool broken without the pool's
    lock: a ``submit`` running at that moment still spawns a worker, which is never terminated,
    and the manager then joins it forever (the owner hangs in ``shutdown``; reproduced about one
    rebuild in six under load; 3.12 reworked this). ``bench/poolkill.py`` shows the difference.
    Here the pool is marked broken under its lock, so no worker can appear after it, and every
    worker is killed, not asked to stop: their queue locks may be held by the dead one.
    """

    def terminate_broken(self, cause):
        # submit() holds the lock while it writes to the wake-up pipe: keep draining it while
        # waiting, or a pipe filled by many submits would deadlock the two threads
        while not self.shutdown_lock.acquire(timeout=0.05):
            self.thread_wakeup.clear()
        try:
            executor = self.executor_reference()
            if executor is not None:
                executor._broken = "A child process terminated abruptly, the process pool is not usable anymore"
                executor._shutdown_thread = True
            for process in list(self.processes.values()):
                process.kill()
        finally:
            self.shutdown_lock.release()
        super().terminate_broken(cause)


class TextPool(ProcessPoolExecutor):
    """``ProcessPoolExecutor`` whose dead worker cannot hang it (on 3.12+ the stdlib's own)."""

    if sys.version_info < (3, 12):

        def _start_executor_manager_thread(self):
            # the stdlib's method (3.11), with the manager thread class above
            if self._executor_manager_thread is None:
                if not self._safe_to_dynamically_spawn_children:  # fork: start every process now
                    self._launch_processes()
                self._executor_manager_thread = _ManagerThread(self)
                self._executor_manager_thread.start()
                _cf_process._threads_wakeups[self._executor_manager_thread] = self._executor_manager_thread_wakeup


def exit_with(pid: int) -> None:
    """Pool initializer: end this worker as soon as process ``pid`` (the crawl or rebuild that
    owns the pool) is gone. A SIGKILLed owner cannot shut its pool down, and its workers, blocked
    on a queue whose write end they hold themselves, would live on, and with them the forkserver."""

    def watch() -> None:
        try:
            fd = os.pidfd_open(pid)  # Linux 5.3+: readable once the process has ended
        except ProcessLookupError:
            os._exit(1)
        except (AttributeError, OSError):
            while True:  # elsewhere: poll
                time.sleep(1.0)
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    os._exit(1)
                except PermissionError:
                    pass
        select.select([fd], [], [])
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-owner", daemon=True).start()
