"""The fault and hostile-input matrix (the hostile-input issue's thirteen cases): each case, what
the archiver promises, the tests that build the fault for real, and what they gave.

    python bench/faults.py [--cases 1 2 13]

Runs each case's tests through pytest (one process per case) and prints a table: case, expected,
tests, got (passed / failed, seconds). docs/guarantees.md shows the latest table.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

from common import PY, ROOT

# case: (what the archiver promises, pytest node ids)
CASES: dict[int, tuple[str, list[str]]] = {
    1: ("a hostile charset label counts as absent; the bytes decide; one bad label costs nothing else",
        ["tests/test_text_charset.py::test_a_hostile_label_costs_nothing_through_the_whole_derivation",
         "tests/test_sources.py"]),
    2: ("a damaged gzip member or a truncated record costs only itself, one line with file and offset",
        ["tests/test_command_extract_foreign.py", "tests/test_command_verify.py::"
         "test_rebuild_of_an_archive_with_a_damaged_member_costs_only_that_record"]),
    3: ("extract --out writes only where it may, never deletes what it did not write, takes the lock",
        ["tests/test_command_extract.py"]),
    4: ("near-duplicate publishing in linear time, the same clusters",
        ["tests/test_text_dedup.py"]),
    5: ("no request outside the scope: private addresses in every spelling, no public-suffix download",
        ["tests/test_downloadermiddleware_scope.py", "tests/test_downloadermiddleware_cookies.py"]),
    6: ("bodies never logged; a failing state database is one line, not a traceback per page",
        ["tests/test_faults.py::test_binary_page_is_archived_without_text_and_bad_label_decodes",
         "tests/test_state_lost.py"]),
    7: ("an unusable archive (a file, unwritable, a damaged state.sqlite) is one line and exit 2",
        ["tests/test_crawl_exit.py::test_an_unusable_archive_directory_is_one_line_and_exit_2"]),
    8: ("a damaged derived file never costs its text: set aside, derived again from the WARC",
        ["tests/test_incremental.py::test_a_damaged_derived_file_never_costs_its_text",
         "tests/test_text_publish.py::test_an_unreadable_derived_file_is_left_out_with_one_line"]),
    9: ("a deleted WARC file: its young articles are fetched again, one warning names it",
        ["tests/test_incremental.py::test_a_deleted_warc_file_makes_its_young_articles_due_again"]),
    10: ("hostile seeds (int key, duplicate key, aliases, .inf, newline, /dev/zero) cost one line",
         ["tests/test_sources.py::test_hostile_seeds_cost_one_line_each",
          "tests/test_sources.py::test_a_broken_seed_costs_only_itself"]),
    11: ("verify reports bad manifest lines, a missing warc/, .open and empty WARCs; takes the lock",
         ["tests/test_command_verify.py"]),
    12: ("crawler traps not followed, a cookie flood capped with one warning",
         ["tests/test_traps.py", "tests/test_downloadermiddleware_cookies.py::"
          "test_a_cookie_flood_is_capped_with_one_warning"]),
    13: ("a dead text worker never hangs the command (Python 3.11 too)",
         ["tests/test_pool.py",
          "tests/test_incremental.py::test_a_rebuild_whose_worker_dies_says_so_in_one_line"]),
}


def run(nodes: list[str]) -> tuple[str, float]:
    start = time.perf_counter()
    result = subprocess.run([PY, "-m", "pytest", "-q", "-p", "no:cacheprovider", *nodes], cwd=ROOT,
                            capture_output=True, text=True)
    last = (result.stdout.strip().splitlines() or ["no output"])[-1]
    return last.strip("= "), time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, nargs="+", default=sorted(CASES))
    args = parser.parse_args()
    print("| case | expected | got |")
    print("|---|---|---|")
    for case in args.cases:
        expected, nodes = CASES[case]
        got, seconds = run(nodes)
        print(f"| {case} | {expected} | {got.split(' in ')[0]} ({seconds:.0f} s) |", flush=True)


if __name__ == "__main__":
    sys.exit(main())
