"""The text archive's files: bounded safe names, atomic writes that a kill cannot half-write."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest

from crawler.demo.launcher import wait_until
from crawler.text.store import safe_name, write_atomic

from .conftest import ROOT


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("www.example.cn", "www.example.cn"),
        ("/../..%2f..%2fetc", "2f.._2fetc"),
        ("..", "_"),
        ("", "_"),
        ("CON", "con"),
        ("a\x00b", "a_b"),
        ("x" * 300, "x" * 100),
    ],
)
def test_safe_name_is_bounded_and_never_a_path(name, expected):
    result = safe_name(name)
    assert result == expected
    assert "/" not in result and result not in (".", "..") and len(result) <= 100


def test_write_atomic_skips_identical_bytes(tmp_path):
    path = tmp_path / "a" / "b.txt"
    assert write_atomic(path, b"one\n") is True
    assert write_atomic(path, b"one\n") is False
    assert path.read_bytes() == b"one\n"


def test_a_write_killed_midway_leaves_the_old_file_whole(tmp_path):
    path = tmp_path / "doc.txt"
    path.write_bytes(b"old\n")
    code = (
        "import sys; from pathlib import Path; from crawler.text.store import write_atomic; "
        f"print('go', flush=True); write_atomic(Path({str(path)!r}), b'x' * (1 << 30))"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline() == "go\n"
    # killed mid-write: once the temporary file next to it has bytes in it
    wait_until(
        lambda: any(p.name != "doc.txt" and p.stat().st_size > 0 for p in tmp_path.iterdir()),
        30,
        "the temporary file to grow",
    )
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert path.read_bytes() == b"old\n"
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == ["doc.txt"]
