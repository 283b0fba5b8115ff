"""The fault and hostile-input matrix (the hostile-input issue's thirteen cases): each case, what
the archiver promises, the tests that build the fault for real (tests/faults/, one file per
case), and what they gave.

    python bench/faults.py [--cases 1 2 13]

Runs each case's tests through pytest (one process per case) and prints a table: case, expected,
got (passed / failed, seconds). Each case has at least one test that builds the fault for real and
asserts the exit status, the one line, and that every good record's text is byte-identical to a
clean run's (tests/faults/clean.py). docs/guarantees.md shows the latest table.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

from common import PY, ROOT

# case: (what the archiver promises, its test file in tests/faults/)
CASES: dict[int, tuple[str, str]] = {
    1: (
        "a hostile charset label counts as absent; the bytes decide; one bad label costs nothing else",
        "test_case01_charset_labels.py",
    ),
    2: (
        "a damaged gzip member or a truncated record costs only itself, one line with file and offset",
        "test_case02_damaged_warcs.py",
    ),
    3: (
        "extract --out writes only where it may, never deletes what it did not write, takes the lock",
        "test_case03_extract_out.py",
    ),
    4: (
        "near-duplicate publishing in linear time, the same clusters; a flood of copies costs the others nothing",
        "test_case04_near_duplicates.py",
    ),
    5: (
        "no request outside the scope: private addresses in every spelling, behind a name or connected to; no public-suffix download",
        "test_case05_scope.py",
    ),
    6: ("bodies never logged; a failing state database is one line, not a traceback per page", "test_case06_logs.py"),
    7: (
        "a full disk, a read-only or unusable archive: one line, non-zero exit; the resume gives a clean crawl's archive",
        "test_case07_disk.py",
    ),
    8: (
        "a damaged derived file never costs its text: set aside, derived again from the WARC",
        "test_case08_damaged_derived.py",
    ),
    9: (
        "a deleted WARC file: its young articles are fetched again, one warning names it",
        "test_case09_deleted_warc.py",
    ),
    10: (
        "hostile seeds (int key, duplicate key, aliases, .inf, newline, /dev/zero) cost one line",
        "test_case10_hostile_seeds.py",
    ),
    11: (
        "verify reports bad manifest lines, a missing warc/, .open and empty WARCs; takes the lock",
        "test_case11_verify.py",
    ),
    12: (
        "crawler traps not followed, redirect chains capped, a cookie flood never a silent 431: one warning",
        "test_case12_traps_and_floods.py",
    ),
    13: ("a dead text worker never hangs the command (Python 3.11 too)", "test_case13_dead_worker.py"),
}


def run(nodes: list[str]) -> tuple[str, float]:
    start = time.perf_counter()
    result = subprocess.run(
        [PY, "-m", "pytest", "-q", "-p", "no:cacheprovider", *nodes], cwd=ROOT, capture_output=True, text=True
    )
    last = (result.stdout.strip().splitlines() or ["no output"])[-1]
    return last.strip("= "), time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, nargs="+", default=sorted(CASES))
    args = parser.parse_args()
    print("| case | expected | got |")
    print("|---|---|---|")
    for case in args.cases:
        expected, name = CASES[case]
        got, seconds = run([f"tests/faults/{name}"])
        print(f"| {case} | {expected} | {got.split(' in ')[0]} ({seconds:.0f} s) |", flush=True)


if __name__ == "__main__":
    sys.exit(main())
