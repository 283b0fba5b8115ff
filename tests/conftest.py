"""Shared fixtures: the real demo site server and real `scrapy` subprocesses."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_scrapy(*args: str, env: dict[str, str] | None = None, timeout: float = 300,
               cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """Run a real ``scrapy`` command in the project, as a user would."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "scrapy", *args], cwd=cwd, env=full_env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="session")
def demo_url():
    """The bundled demo site, served by a real HTTP server subprocess."""
    from crawler.demo.server import DemoServer

    with DemoServer() as url:
        yield url
