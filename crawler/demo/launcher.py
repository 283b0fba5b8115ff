"""Run a local server in a subprocess for the length of a ``with`` block: the one launcher of the
demo site (``DemoServer`` in crawler/demo/server.py, used by ``scrapy demo``) and of the servers the
tests start (tests/mockserver.py, tests/faultserver.py, redis-server, pywb's ``wayback``).

A server is started when it answers, never after a fixed wait: the launcher reads the address the
server prints as its first line (or is given it), then polls until a connection to it succeeds (or
the caller's own check passes), with a deadline; a server that exits first fails at once, naming its
command line. Stopping sends SIGTERM, then SIGKILL after 10 s, and reaps the process, so its port
is free again when the block ends, whatever the block raised. Standard library only.
"""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Callable
from urllib.parse import urlsplit


class ServerError(RuntimeError):
    """The server exited, or did not answer, before its deadline."""


def wait_until(condition: Callable[[], object], timeout: float, what: str, interval: float = 0.02):
    """Poll ``condition`` until it returns a true value (returned) or ``timeout`` seconds pass
    (AssertionError naming ``what``): a wait on something observable, not a guessed sleep."""
    deadline = time.monotonic() + timeout
    while not (found := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(interval)
    return found


def accepts(url: str) -> bool:
    """True when something accepts a TCP connection at ``url``'s host and port."""
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port), timeout=1):
            return True
    except OSError:
        return False


class ServerProcess:
    """``with ServerProcess(args) as url:`` runs ``args`` as a server until the block ends.

    ``url``: the server's address when known beforehand (else the server prints it as the first
    line of its stdout); ``ready(url)``: true once it serves (default: it accepts a connection);
    ``stdout``/``stderr``: where its output goes (a file, DEVNULL; default: inherited)."""

    def __init__(
        self,
        args: list[str],
        *,
        url: str | None = None,
        ready: Callable[[str], bool] = accepts,
        env: dict[str, str] | None = None,
        cwd=None,
        stdout=None,
        stderr=None,
        timeout: float = 60,
    ):
        self.args, self.url, self.ready, self.timeout = list(args), url, ready, timeout
        self.popen = {
            "env": env,
            "cwd": cwd,
            "stderr": stderr,
            "stdout": subprocess.PIPE if url is None else stdout,
            "text": True,
        }
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> str:
        self.proc = subprocess.Popen(self.args, **self.popen)
        try:
            url = self.url or self.proc.stdout.readline().strip()
            if not url:
                raise ServerError(f"the server exited before it printed its address: {' '.join(self.args)}")
            wait_until(lambda: self._answers(url), self.timeout, f"{' '.join(self.args)} to answer at {url}")
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return url

    def _answers(self, url: str) -> bool:
        if self.proc.poll() is not None:
            raise ServerError(f"the server exited with status {self.proc.returncode}: {' '.join(self.args)}")
        return self.ready(url)

    def __exit__(self, *exc_info) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()
