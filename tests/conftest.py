"""Shared fixtures: the real demo site server and real `scrapy` subprocesses."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.demo.launcher import ServerProcess

ROOT = Path(__file__).resolve().parent.parent


# The end-to-end tier: modules that run real `scrapy` crawls and commands in subprocesses against real servers
# (the demo site, fault servers, redis-server). `pytest -m "not e2e"` runs the rest, the fast tier, in under a
# minute; `make test` and CI run both. A module belongs here by its name (the naming rule of README's Development
# section), so a new crawl or command test is e2e without anyone remembering a marker.
E2E_MODULES = (
    "test_crawl",
    "test_command_",
    "test_distributed",
    "test_incremental",
    "test_extension_",
    "test_replay",
    "test_faults",
)
E2E_DIRECTORIES = ("faults",)


def pytest_configure(config):
    config.addinivalue_line("markers", "e2e: runs real crawls and commands in subprocesses (the slow tier)")


def pytest_collection_modifyitems(config, items):
    for item in items:
        path = Path(str(item.path))
        if path.name.startswith(E2E_MODULES) or path.parent.name in E2E_DIRECTORIES:
            item.add_marker(pytest.mark.e2e)


def run_scrapy(
    *args: str, env: dict[str, str] | None = None, timeout: float = 300, cwd: Path = ROOT
) -> subprocess.CompletedProcess:
    """Run a real ``scrapy`` command in the project, as a user would."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "scrapy", *args], cwd=cwd, env=full_env, capture_output=True, text=True, timeout=timeout
    )


COMPONENT_DICTS = ("EXTENSIONS", "DOWNLOADER_MIDDLEWARES", "SPIDER_MIDDLEWARES", "ITEM_PIPELINES")


def project_settings(**overrides) -> dict:
    """crawler/settings.py as `scrapy` loads it (every default, the add-ons), for component tests
    with ``get_crawler``; no component is enabled but those ``overrides`` name."""
    from crawler import settings

    found = {name: getattr(settings, name) for name in dir(settings) if name.isupper()}
    return {**{k: v for k, v in found.items() if k not in COMPONENT_DICTS}, **overrides}


@pytest.fixture(scope="session")
def demo_url():
    """The bundled demo site, served by a real HTTP server subprocess."""
    from crawler.demo.server import DemoServer

    with DemoServer() as url:
        yield url


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture()
def redis_url(tmp_path):
    """A real redis-server on 127.0.0.1 (a free port, no persistence), stopped after the test.

    `.ci/run` installs it from the OS packages; a machine without it fails here, by design.
    """
    import shutil

    binary = shutil.which("redis-server")
    assert binary, "redis-server not found: install it (Debian: apt-get install redis-server), as .ci/run does"
    port = free_port()
    workdir = tmp_path / "redis"
    workdir.mkdir()
    args = [
        binary,
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        str(workdir),
    ]
    with ServerProcess(
        args,
        url=f"redis://127.0.0.1:{port}/0",
        ready=redis_answers,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    ) as url:
        yield url


def redis_answers(url: str) -> bool:
    import redis

    try:
        return redis.Redis.from_url(url).ping()
    except redis.ConnectionError:
        return False


def mock_server() -> ServerProcess:
    """tests/mockserver.py (the WARC capture edge cases) in a subprocess: ``with mock_server() as base:``."""
    return ServerProcess([sys.executable, str(ROOT / "tests" / "mockserver.py")])


def descendants(pid: int) -> set[int]:
    """Every live process below ``pid`` (from /proc), to check none outlives a killed crawl."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    found, stack = set(), [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            found.add(child)
            stack.append(child)
    return found


def pool_workers(pid: int) -> list[int]:
    """The text pool's workers below ``pid``: the children of its forkserver (itself a child)."""
    below = descendants(pid)
    return [child for child in below if parent_of(child) in below]


def parent_of(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie, ended but not yet reaped, counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"
